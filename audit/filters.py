import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AccessLogEntry, Action

# What can happen to a youth's record; the staff-account actions never name a youth.
YOUTH_ACTIONS = [
    Action.VIEWED,
    Action.LISTED,
    Action.CREATED,
    Action.CHANGED,
    Action.MERGED,
    Action.UNMERGED,
    Action.TRANSFERRED,
    Action.EXPORTED,
    Action.SIS_PULLED,
]


def local_day_start(day: datetime.date, *, days_after: int = 0) -> datetime.datetime:
    """Midnight, Los Angeles time, `days_after` days after `day`: so a period's last day is
    included whole, and the index on `at` is still used."""
    try:
        day += datetime.timedelta(days=days_after)
    except OverflowError:  # past 31 December 9999, which no entry is later than
        day = datetime.date.max
    midnight = datetime.datetime.combine(day, datetime.time())
    return midnight.replace(tzinfo=timezone.get_current_timezone())


class DisclosureLogFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label=_("What was done"),
        choices=[(action.value, action.label) for action in YOUTH_ACTIONS],
        empty_label=_("Anything"),
    )
    start = django_filters.DateFilter(
        label=_("From"), method="on_or_after", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(
        label=_("To"), method="on_or_before", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AccessLogEntry
        fields = ["action", "start", "end"]

    def on_or_after(self, queryset, name, value):
        return queryset.filter(at__gte=local_day_start(value))

    def on_or_before(self, queryset, name, value):
        return queryset.filter(at__lt=local_day_start(value, days_after=1))
