"""The grant report's choice of period and centers."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reengage.forms import LONGEST_PERIOD, check_period
from referrals.pipeline_forms import program_year_start

FIRST_PROGRAM_YEAR = 2012  # July 2012: the centers became dropout recovery centers
WHOLE_YEAR = ""
QUARTERS = [
    (WHOLE_YEAR, _("The whole program year (July to June)")),
    ("1", _("Q1: July to September")),
    ("2", _("Q2: October to December")),
    ("3", _("Q3: January to March")),
    ("4", _("Q4: April to June")),
]


def program_year_code(first_year: int) -> str:
    """'2025-26' for the year from 1 July 2025 to 30 June 2026."""
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def program_year_bounds(
    code: str, quarter: str = WHOLE_YEAR
) -> tuple[datetime.date, datetime.date]:
    """First and last day of a program year, or of one quarter of it (Q1 starts in July)."""
    first_year = int(code[:4])
    if not quarter:
        return datetime.date(first_year, 7, 1), datetime.date(first_year + 1, 6, 30)
    first_month = 7 + 3 * (int(quarter) - 1)  # 7, 10, 13, 16
    year, month = first_year + (first_month - 1) // 12, (first_month - 1) % 12 + 1
    start = datetime.date(year, month, 1)
    after_month = month + 3
    after = datetime.date(year + (after_month - 1) // 12, (after_month - 1) % 12 + 1, 1)
    return start, after - datetime.timedelta(days=1)


@dataclass(frozen=True)
class ReportPeriod:
    """What the user chose: the period's days (both included) and the centers."""

    start: datetime.date
    end: datetime.date
    center_ids: tuple[int, ...]
    name: str  # "2025-26", "2025-26 Q1" or "2025-07-01 to 2025-08-15": for titles and files

    @property
    def file_stem(self) -> str:
        return "reengage-grant-report-" + self.name.replace(" to ", "_").replace(" ", "-")


class GrantReportForm(forms.Form):
    year = forms.ChoiceField(label=_("Program year"))
    quarter = forms.ChoiceField(label=_("Quarter"), choices=QUARTERS, required=False)
    start = forms.DateField(
        label=_("Custom period: from"),
        required=False,
        help_text=_("Give both dates to report on them instead of the program year."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("Custom period: to (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    centers = forms.TypedMultipleChoiceField(
        label=_("Centers"),
        coerce=int,
        required=False,
        help_text=_("None chosen: every center you may see"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, data, *, centers, today: datetime.date | None = None):
        """`centers` is a list of (id, label), the user's visible centers, read once by the
        view: choosing any other center is an invalid choice."""
        today = today or timezone.localdate()
        current = program_year_start(today).year
        data = data.copy()
        if not data.get("year"):
            data["year"] = program_year_code(current)
        super().__init__(data)
        self.fields["year"].choices = [
            (program_year_code(year), program_year_code(year))
            for year in range(current, FIRST_PROGRAM_YEAR - 1, -1)
        ]
        self.fields["centers"].choices = centers

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if bool(start) != bool(end):
            self.add_error("end" if start else "start", _("Give both dates of a custom period."))
        else:
            check_period(self, cleaned, longest=LONGEST_PERIOD)
        return cleaned

    def report_period(self) -> ReportPeriod:
        """The chosen period and centers; call after is_valid()."""
        cleaned = self.cleaned_data
        centers = cleaned["centers"] or [pk for pk, _label in self.fields["centers"].choices]
        if cleaned["start"] and cleaned["end"]:
            start, end = cleaned["start"], cleaned["end"]
            name = f"{start.isoformat()} to {end.isoformat()}"
        else:
            start, end = program_year_bounds(cleaned["year"], cleaned["quarter"])
            quarter = f" Q{cleaned['quarter']}" if cleaned["quarter"] else ""
            name = cleaned["year"] + quarter
        return ReportPeriod(start=start, end=end, center_ids=tuple(sorted(centers)), name=name)
