"""The admin site, behind the second factor.

Only a session verified by a confirmed device reaches it (django-otp's `OTPAdminSite`); sign-in
goes through the application's own pages, so django-axes and the two-step flow apply there too.
"""

from django_otp.admin import OTPAdminSite


class VerifiedAdminSite(OTPAdminSite):
    # Keep the "admin" URL namespace that templates and `reverse("admin:...")` use.
    def __init__(self, name: str = "admin"):
        super().__init__(name)
