from django import forms
from django.utils.translation import gettext_lazy as _

from centers.models import Center
from reengage.forms import check_period


class AccessLogExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    center = forms.ModelChoiceField(
        queryset=Center.objects.order_by("code"),
        required=False,
        label=_("Staff of center"),
        empty_label=_("All centers"),
        help_text=_("Only what staff who work at this center did."),
    )

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned)
        return cleaned
