import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .names import digits

# ASCII digits only (\d also takes other scripts' digits), and no newline after the end.
LAUSD_ID = re.compile(r"^[0-9]{6}[A-Z][0-9]{3}\Z")


def validate_lausd_id(value: str) -> None:
    if value and not LAUSD_ID.match(value):
        raise ValidationError(
            _("An LAUSD student ID is six digits, a letter and three digits, like 201234X567."),
            code="lausd_id",
        )


def validate_phone(value: str) -> None:
    if value and len(digits(value)) != 10:
        raise ValidationError(
            _("Enter a 10-digit phone number with area code, like 213-555-0142."), code="phone"
        )


def validate_zip(value: str) -> None:
    if value and not re.fullmatch(r"[0-9]{5}", value):
        raise ValidationError(_("A ZIP code is five digits, like 90021."), code="zip")
