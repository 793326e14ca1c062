from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY

from .sessions import session_mark_signed_in


@receiver(user_logged_in)
def start_a_fresh_sign_in(sender, request, user, **kwargs) -> None:
    """Every sign-in starts the absolute lifetime again and owes its own second factor."""
    if request is None or not hasattr(request, "session"):
        return
    session_mark_signed_in(request.session)
    # django-otp's own receiver sets the device when a form already verified a code; a password
    # sign-in must not inherit a device left in the session by an earlier one.
    if getattr(user, "otp_device", None) is None:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
