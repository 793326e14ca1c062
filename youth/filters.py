import datetime
import re

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from centers.models import Center

from .choices import Barrier, CaseStatus, SchoolStatus
from .models import Case, FollowUp, Youth
from .names import digits, fold
from .validators import LAUSD_ID

AGE_BANDS = [
    ("14-15", _("14 to 15")),
    ("16-17", _("16 to 17")),
    ("18-21", _("18 to 21")),
    ("22-24", _("22 to 24")),
]
# Each ends with the case's id: namesakes contacted the same day would otherwise come in any
# order, and a page boundary between them could show one on two pages and the other on none.
SORTS = {
    "name": ("youth__search_last", "youth__search_first", "pk"),
    "-intake": ("-intake_date", "youth__search_last", "pk"),
    "intake": ("intake_date", "youth__search_last", "pk"),
    "contact": ("last_contact_on", "youth__search_last", "pk"),
    "age": ("-youth__birth_date", "youth__search_last", "pk"),
}


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _birth_dates_for_ages(low: int, high: int, today: datetime.date) -> tuple:
    """Birth dates of people aged low..high (inclusive) today."""
    latest = _years_before(today, low)
    earliest = _years_before(today, high + 1) + datetime.timedelta(days=1)
    return earliest, latest


class AnyOf(Func):
    """`value = ANY(array)`, true when the array holds the value."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


class OptionsSelect(forms.Select):
    """A select written out here, with the same HTML as Django's widget templates, which render
    two templates per option: a large center's counselor list has dozens (a tenth of the
    caseload page's time)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class CaseloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search name, phone or LAUSD ID"), method="search")
    center = django_filters.ModelChoiceFilter(
        label=_("Center"), queryset=Center.objects.none(), widget=OptionsSelect
    )
    counselor = django_filters.ModelChoiceFilter(
        label=_("Counselor"), queryset=None, widget=OptionsSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("Case status"),
        choices=CaseStatus.choices,
        empty_label=_("Any"),
        widget=OptionsSelect,
    )
    school_status = django_filters.ChoiceFilter(
        label=_("School status"),
        field_name="youth__school_status",
        choices=SchoolStatus.choices,
        widget=OptionsSelect,
    )
    age = django_filters.ChoiceFilter(
        label=_("Age"), choices=AGE_BANDS, method="age_band", widget=OptionsSelect
    )
    barrier = django_filters.MultipleChoiceFilter(
        label=_("Barriers (any of)"),
        choices=Barrier.choices,
        method="any_barrier",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    no_contact_days = django_filters.NumberFilter(
        label=_("No contact for at least (days)"),
        method="no_contact_for",
        min_value=1,
        max_value=3650,
    )
    follow_up_due = django_filters.BooleanFilter(
        label=_("Follow-up due"),
        method="with_follow_up_due",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="sort_by",
        empty_label=None,
        widget=OptionsSelect,
        choices=[
            ("name", _("Name")),
            ("-intake", _("Newest intake")),
            ("intake", _("Oldest intake")),
            ("contact", _("Longest without contact")),
            ("age", _("Youngest first")),
        ],
    )

    class Meta:
        model = Case
        fields = ["q", "center", "counselor", "status"]

    def __init__(self, data=None, *args, centers, counselors, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", CaseStatus.OPEN)
        data.setdefault("sort", "name")
        super().__init__(data, *args, **kwargs)
        self.filters["center"].queryset = centers
        self.filters["counselor"].queryset = counselors

    def search(self, queryset, name, value):
        folded, number = fold(value), digits(value)
        # LAUSD IDs are stored upper case, so an exact match uses the unique index (iexact would
        # read every row, and so would the whole OR with the name conditions).
        lausd_id = re.sub(r"[\s-]", "", value).upper()
        condition = Q(lausd_id=lausd_id) if LAUSD_ID.match(lausd_id) else Q()
        if len(number) >= 4:
            condition |= Q(phone__contains=number)
        for word in folded.split():
            condition |= Q(search_last__trigram_word_similar=word) | Q(
                search_first__trigram_word_similar=word
            )
        if not (folded or number):
            return queryset
        # Archived records keep no names or contact details to be found by.
        matching = Youth.objects.filter(condition, archived_at__isnull=True).order_by().values("pk")
        # The matching youth first, from the trigram indexes, as an array computed once; then
        # their cases, by youth. As `youth IN (subquery)`, PostgreSQL estimates the matches from
        # sampled names and, when the sample makes them common (a fresh ANALYZE may), walks the
        # caseload's name order testing every row: 10 to 15 times slower.
        return queryset.filter(AnyOf(F("youth_id"), ArraySubquery(matching)))

    def age_band(self, queryset, name, value):
        low, high = (int(part) for part in value.split("-"))
        earliest, latest = _birth_dates_for_ages(low, high, timezone.localdate())
        return queryset.filter(youth__birth_date__range=(earliest, latest))

    def any_barrier(self, queryset, name, value):
        return queryset.filter(youth__barriers__overlap=list(value)) if value else queryset

    def no_contact_for(self, queryset, name, value):
        cutoff = timezone.localdate() - datetime.timedelta(days=int(value))
        return queryset.filter(
            Q(last_contact_on__lte=cutoff)
            | Q(last_contact_on__isnull=True, intake_date__lte=cutoff)
        )

    def with_follow_up_due(self, queryset, name, value):
        if not value:
            return queryset
        due = FollowUp.objects.filter(
            case=OuterRef("pk"), done_at__isnull=True, due_on__lte=timezone.localdate()
        )
        return queryset.filter(Exists(due))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))
