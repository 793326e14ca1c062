from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Program, ReferralStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    fit_override_reason = forms.CharField(
        label=_("Why this program, though it does not fit (required then)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes for the program"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    send_now = forms.BooleanField(
        label=_("Send it now (otherwise it stays a draft)"), required=False, initial=True
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class ReferralMoveForm(forms.Form):
    """One step of a referral; the reason and the enrollment date are asked for when the step
    needs them (the services refuse a step without them)."""

    to = forms.ChoiceField(label=_("Next step"), choices=ReferralStatus.choices)
    reason = forms.CharField(label=_("Reason or note"), max_length=500, required=False)
    enrolled_on = forms.DateField(
        label=_("Enrollment date"), widget=DATE, required=False, initial=timezone.localdate
    )
