from django import forms
from django.utils.translation import gettext_lazy as _

from centers.models import Center


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
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned
