import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import is_authenticator_code

# Backup codes are 8 letters and digits (django-otp's StaticToken); people copy them with
# spaces or dashes.
BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


def _normalized(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


class SignInCodeForm(forms.Form):
    """The second step of signing in: the app's current code, or one backup code."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your backup codes."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = _normalized(self.cleaned_data["code"])
        if not (is_authenticator_code(code) or BACKUP_CODE.match(code)):
            raise forms.ValidationError(
                _("Enter the 6-digit code from your app, or a backup code of 8 characters.")
            )
        return code


class AuthenticatorCodeForm(forms.Form):
    """Setting up the app, or confirming a change: the app's current code only."""

    code = forms.CharField(
        label=_("Code from the app"),
        help_text=_("6 digits. The app shows a new one every 30 seconds."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = _normalized(self.cleaned_data["code"])
        if not is_authenticator_code(code):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."))
        return code
