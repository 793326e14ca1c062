"""The supervisor pipeline's filter: centers, counselors, period and thresholds."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from reengage.forms import LONGEST_PERIOD, check_period

STUCK_DAYS = 14
NO_CONTACT_DAYS = 30


def program_year_start(day: datetime.date) -> datetime.date:
    """1 July of the program year (July to June) the day falls in."""
    return datetime.date(day.year if day.month >= 7 else day.year - 1, 7, 1)


@dataclass(frozen=True)
class PipelineFilter:
    """What the supervisor chose, with the defaults filled in; only their own centers."""

    center_ids: tuple[int, ...]
    counselor_ids: tuple[int, ...] | None  # None: every counselor
    start: datetime.date
    end: datetime.date
    stuck_days: int
    no_contact_days: int

    def querystring(self) -> str:
        """The same filter for the lists behind the numbers."""
        pairs = [("centers", pk) for pk in self.center_ids]
        pairs += [("counselors", pk) for pk in self.counselor_ids or ()]
        pairs += [
            ("start", self.start.isoformat()),
            ("end", self.end.isoformat()),
            ("stuck_days", self.stuck_days),
            ("no_contact_days", self.no_contact_days),
        ]
        return urlencode(pairs)


class PipelineFilterForm(forms.Form):
    centers = forms.TypedMultipleChoiceField(
        label=_("Centers"),
        coerce=int,
        required=False,
        help_text=_("None chosen: all the centers you supervise"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    counselors = forms.TypedMultipleChoiceField(
        label=_("Counselors"),
        coerce=int,
        required=False,
        help_text=_("None chosen: every counselor. The case's counselor counts."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    stuck_days = forms.IntegerField(
        label=_("Referral stuck after (days in one status)"), min_value=1, max_value=365
    )
    no_contact_days = forms.IntegerField(
        label=_("No contact for (days)"), min_value=1, max_value=3650
    )

    def __init__(self, data, *, centers, counselors, today: datetime.date | None = None):
        """`centers` and `counselors` are lists of (id, label): the supervisor's own, read
        once by the view, so choosing anything else is an invalid choice."""
        self.today = today or timezone.localdate()
        data = data.copy()
        defaults = {
            "start": program_year_start(self.today).isoformat(),
            "end": self.today.isoformat(),
            "stuck_days": str(STUCK_DAYS),
            "no_contact_days": str(NO_CONTACT_DAYS),
        }
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data)
        self.fields["centers"].choices = centers
        self.fields["counselors"].choices = counselors

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned, longest=LONGEST_PERIOD)
        return cleaned

    def pipeline_filter(self) -> PipelineFilter:
        """The chosen filter; call after is_valid()."""
        cleaned = self.cleaned_data
        centers = cleaned["centers"] or [pk for pk, _label in self.fields["centers"].choices]
        return PipelineFilter(
            center_ids=tuple(sorted(centers)),
            counselor_ids=tuple(sorted(cleaned["counselors"])) or None,
            start=cleaned["start"],
            end=cleaned["end"],
            stuck_days=cleaned["stuck_days"],
            no_contact_days=cleaned["no_contact_days"],
        )
