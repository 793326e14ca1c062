"""Form checks shared by the apps' forms."""

import datetime

from django.utils.translation import gettext_lazy as _

# Longer periods are refused where a period is counted (pipeline, grant report): five years
# already spans more than any grant reports on.
LONGEST_PERIOD = datetime.timedelta(days=5 * 366)


def check_period(form, cleaned: dict, *, longest: datetime.timedelta | None = None) -> None:
    """An error on the form's `end` field when the period of `start` and `end` ends before it
    starts or, given `longest`, lasts longer."""
    start, end = cleaned.get("start"), cleaned.get("end")
    if not (start and end):
        return
    if end < start:
        form.add_error("end", _("The period ends before it starts."))
    elif longest is not None and end - start > longest:
        form.add_error("end", _("Choose a period of five years at most."))
