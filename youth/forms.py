import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Role

from .choices import Barrier, ClosedReason, Pathway, Race, SkillsSubject, SkillsTest
from .eligibility import Evidence
from .models import PROFILE_FIELDS, Case, CaseNote, Consent, Youth
from .names import digits

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"})
GRADES = [("", "—")] + [(grade, str(grade)) for grade in range(0, 13)]
MIN_AGE, MAX_AGE = 14, 24
WIOA_AGES = (16, 24)


class YouthProfileForm(forms.ModelForm):
    races = forms.MultipleChoiceField(
        label=_("Race (any that apply)"), choices=Race.choices, widget=CHECKBOXES, required=False
    )
    barriers = forms.MultipleChoiceField(
        label=_("Barriers (WIOA out-of-school youth criteria)"),
        choices=Barrier.choices,
        widget=CHECKBOXES,
        required=False,
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("Ten digits with area code"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    highest_grade_completed = forms.TypedChoiceField(
        label=_("Highest grade completed"),
        choices=GRADES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Youth
        fields = list(PROFILE_FIELDS)
        widgets = {"birth_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def clean_phone(self):
        phone = digits(self.cleaned_data.get("phone", ""))
        if phone and len(phone) == 11 and phone.startswith("1"):
            phone = phone[1:]
        if phone and len(phone) != 10:
            raise forms.ValidationError(
                _("Enter a 10-digit phone number with area code, like 213-555-0142.")
            )
        return phone

    def clean_lausd_id(self):
        value = (self.cleaned_data.get("lausd_id") or "").strip().upper()
        return value or None

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        age = (
            today.year
            - birth_date.year
            - ((today.month, today.day) < (birth_date.month, birth_date.day))
        )
        if not MIN_AGE <= age <= MAX_AGE:
            raise forms.ValidationError(
                _(
                    "That makes them %(age)s. YouthSource serves ages %(min)s to %(max)s; "
                    "check the date."
                )
                % {"age": age, "min": MIN_AGE, "max": MAX_AGE}
            )
        if not WIOA_AGES[0] <= age <= WIOA_AGES[1]:
            self.warnings.append(
                _("At %(age)s this youth is outside the WIOA youth ages (16 to 24).") % {"age": age}
            )
        return birth_date

    def profile(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DuplicateCheckForm(forms.Form):
    """What the intake form has so far, for the live duplicate check."""

    legal_first_name = forms.CharField(required=False, max_length=80)
    legal_last_name = forms.CharField(required=False, max_length=120)
    birth_date = forms.DateField(required=False)
    phone = forms.CharField(required=False, max_length=30)
    lausd_id = forms.CharField(required=False, max_length=10)


class IntakeForm(YouthProfileForm):
    intake_date = forms.DateField(label=_("Intake date"), widget=DATE, initial=timezone.localdate)
    center = forms.ModelChoiceField(label=_("Center"), queryset=Center.objects.none())
    counselor = forms.ModelChoiceField(label=_("Counselor"), queryset=None)
    confirmed_different = forms.BooleanField(
        label=_("I checked the possible matches: this is a different person"), required=False
    )

    def __init__(self, *args, centers, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["counselor"].queryset = counselors
        if len(centers) == 1:
            self.fields["center"].initial = centers[0]
        for name in DuplicateCheckForm.base_fields:
            self.fields[name].widget.attrs["class"] = "duplicate-key"

    def clean_intake_date(self):
        intake_date = self.cleaned_data["intake_date"]
        if intake_date > timezone.localdate():
            raise forms.ValidationError(_("The intake date is in the future."))
        if intake_date < timezone.localdate() - datetime.timedelta(days=365):
            raise forms.ValidationError(_("The intake date is more than a year ago."))
        return intake_date

    def clean(self):
        cleaned = super().clean()
        center, counselor = cleaned.get("center"), cleaned.get("counselor")
        if (
            center
            and counselor
            and not counselor.memberships.filter(
                center=center, role__in=[Role.COUNSELOR, Role.SUPERVISOR], read_only=False
            ).exists()
        ):
            self.add_error("counselor", _("This counselor does not work at that center."))
        return cleaned


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "signer_name",
            "signer_role",
            "signed_on",
            "covers_school_records",
            "covers_wioa_sharing",
            "covers_text_contact",
            "recipients",
            "expires_on",
        ]
        widgets = {"signed_on": DATE, "expires_on": DATE}

    def __init__(self, *args, youth: Youth, **kwargs):
        super().__init__(*args, **kwargs)
        self.youth = youth

    def clean(self):
        cleaned = super().clean()
        signed_on, role = cleaned.get("signed_on"), cleaned.get("signer_role")
        if signed_on and signed_on > timezone.localdate():
            self.add_error("signed_on", _("The signature date is in the future."))
        if signed_on and role == "youth" and self.youth.age_on(signed_on) < 18:
            self.add_error(
                "signer_role",
                _("The youth was under 18 when this was signed: a parent or guardian signs."),
            )
        expires_on = cleaned.get("expires_on")
        if signed_on and expires_on and expires_on < signed_on:
            self.add_error("expires_on", _("The consent cannot expire before it was signed."))
        if not any(
            cleaned.get(name)
            for name in ("covers_school_records", "covers_wioa_sharing", "covers_text_contact")
        ):
            raise forms.ValidationError(_("Tick at least one thing the consent covers."))
        return cleaned


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["kind", "contact_on", "body"]
        widgets = {"contact_on": DATE, "body": forms.Textarea(attrs={"rows": 4})}


class NoteEditForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    description = forms.CharField(label=_("What to do"), max_length=300)
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=None)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date has passed."))
        return due_on


class TransferRequestForm(forms.Form):
    to_center = forms.ModelChoiceField(label=_("Transfer to"), queryset=Center.objects.none())
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_center"].queryset = Center.objects.filter(is_active=True).exclude(
            pk=case.center_id
        )


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the case")), ("decline", _("Decline"))],
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    counselor = forms.ModelChoiceField(
        label=_("Counselor who takes the case"), queryset=None, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "accept" and not cleaned.get("counselor"):
            self.add_error("counselor", _("Choose the counselor who takes the case."))
        if cleaned.get("decision") == "decline" and not cleaned.get("note"):
            self.add_error("note", _("Say why the transfer is declined."))
        return cleaned


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (value, label)
            for value, label in ClosedReason.choices
            if value not in (ClosedReason.TRANSFERRED, ClosedReason.MERGED)
        ],
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReassignForm(forms.Form):
    counselor = forms.ModelChoiceField(label=_("New counselor"), queryset=None)

    def __init__(self, *args, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors


class CaseloadReassignForm(forms.Form):
    from_counselor = forms.ModelChoiceField(label=_("From counselor"), queryset=None)
    to_counselor = forms.ModelChoiceField(label=_("To counselor"), queryset=None)

    def __init__(self, *args, from_counselors, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone still holding open cases, including a counselor who has left the center.
        self.fields["from_counselor"].queryset = from_counselors
        self.fields["to_counselor"].queryset = counselors

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_counselor") and cleaned.get("from_counselor") == cleaned.get(
            "to_counselor"
        ):
            self.add_error("to_counselor", _("Choose a different counselor."))
        return cleaned


class MergeForm(forms.Form):
    survivor = forms.IntegerField(label=_("Record to keep (number)"), min_value=1, max_value=2**53)
    merged = forms.IntegerField(
        label=_("Duplicate record to merge into it (number)"), min_value=1, max_value=2**53
    )
    reason = forms.CharField(label=_("Why these are one person"), max_length=500)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("survivor") and cleaned.get("survivor") == cleaned.get("merged"):
            self.add_error("merged", _("Choose two different records."))
        return cleaned


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Assessment date"), widget=DATE, initial=timezone.localdate
    )
    barriers = forms.MultipleChoiceField(
        label=_("Barriers (WIOA out-of-school youth criteria)"),
        choices=Barrier.choices,
        widget=CHECKBOXES,
        required=False,
    )
    evidence_on_file = forms.MultipleChoiceField(
        label=_("Eligibility evidence on file"),
        choices=Evidence.choices,
        widget=CHECKBOXES,
        required=False,
    )
    goals = forms.CharField(
        label=_("Goals"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    pathway = forms.ChoiceField(label=_("Recommended pathway"), choices=Pathway.choices)
    pathway_reasoning = forms.CharField(
        label=_("Why this pathway"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, plan_areas: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        # One line of the academic plan per area where credits are still needed.
        self.plan_areas = plan_areas
        for area in plan_areas:
            self.fields[f"plan_{area['code']}"] = forms.CharField(
                label=_("%(area)s: %(credits)s credits needed. How will they be earned?")
                % {"area": area["label"], "credits": f"{area['needed']:g}"},
                max_length=300,
                required=False,
            )

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data["assessed_on"]
        if assessed_on > timezone.localdate():
            raise forms.ValidationError(_("The assessment date is in the future."))
        return assessed_on

    def academic_plan(self) -> list[dict]:
        return [
            {
                "area": area["code"],
                "label": area["label"],
                "credits": area["needed"],
                "plan": self.cleaned_data.get(f"plan_{area['code']}", ""),
            }
            for area in self.plan_areas
        ]


class SkillsScoreForm(forms.Form):
    test = forms.ChoiceField(
        label=_("Test"), choices=[("", "—"), *SkillsTest.choices], required=False
    )
    form = forms.CharField(label=_("Form"), max_length=20, required=False)
    subject = forms.ChoiceField(
        label=_("Subject"), choices=[("", "—"), *SkillsSubject.choices], required=False
    )
    scale_score = forms.IntegerField(
        label=_("Scale score"), min_value=100, max_value=999, required=False
    )
    tested_on = forms.DateField(label=_("Test date"), widget=DATE, required=False)

    def clean(self):
        cleaned = super().clean()
        given = [name for name in self.fields if cleaned.get(name) not in (None, "")]
        if given and len(given) < len(self.fields):
            raise forms.ValidationError(_("Fill in every part of a test result, or none."))
        tested_on = cleaned.get("tested_on")
        if tested_on and tested_on > timezone.localdate():
            self.add_error("tested_on", _("The test date is in the future."))
        return cleaned

    def score(self) -> dict | None:
        if not self.cleaned_data.get("test"):
            return None
        return {name: self.cleaned_data[name] for name in self.fields}


SkillsScoreFormSet = forms.formset_factory(SkillsScoreForm, extra=3, max_num=6)
