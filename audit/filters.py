import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from reengage.dates import local_day_start

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
