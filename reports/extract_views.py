"""The participant-level extract: ask for one, watch it run, download the file."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from centers.models import Center
from reengage import faults
from reengage.forms import check_period
from reengage.ratelimits import limited
from referrals.pipeline_forms import program_year_start

from .extracts import (
    export_not_queued,
    export_path,
    export_request,
    exportable_center_ids,
    may_export,
)
from .models import ExportFormat, ExportJob, ExportStatus
from .tasks import export_run_task

RECENT_JOBS = 10


class ExtractForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    centers = forms.ModelMultipleChoiceField(
        queryset=Center.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Centers"),
        help_text=_("Leave all unchecked for every center you may export."),
    )
    fmt = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, center_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centers"].queryset = Center.objects.filter(pk__in=center_ids).order_by("code")

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned)
        return cleaned


def _check_may_export(user) -> None:
    if not may_export(user):
        raise PermissionDenied


def get_export_job_for_user(user, pk: int) -> ExportJob:
    """A job the user asked for, while they still may export; 404 for anyone else's."""
    _check_may_export(user)
    job = ExportJob.objects.filter(pk=pk, requested_by=user).first()
    if job is None:
        raise Http404
    return job


@limited("export", method="POST")
def extract(request):
    _check_may_export(request.user)
    center_ids = exportable_center_ids(request.user)
    today = timezone.localdate()
    initial = {"start": program_year_start(today), "end": today, "fmt": ExportFormat.CSV}
    form = ExtractForm(request.POST or None, initial=initial, center_ids=center_ids)
    if request.method == "POST" and form.is_valid():
        job = export_request(
            request=request,
            fmt=form.cleaned_data["fmt"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            center_ids=[center.pk for center in form.cleaned_data["centers"]],
        )
        if faults.not_queued(export_run_task):
            export_not_queued(job)
        return redirect("reports:extract")
    jobs = ExportJob.objects.filter(requested_by=request.user)[:RECENT_JOBS]
    return render(request, "reports/extract.html", {"form": form, "jobs": jobs})


@require_GET
def extract_status(request, job_pk: int):
    job = get_export_job_for_user(request.user, job_pk)
    return render(request, "reports/includes/extract_job.html", {"job": job})


@require_GET
@limited("export")
def extract_file(request, job_pk: int):
    job = get_export_job_for_user(request.user, job_pk)
    expired = job.status == ExportStatus.EXPIRED or (
        job.status == ExportStatus.DONE and job.expires_at <= timezone.now()
    )
    if expired:
        return HttpResponse(_("This export has expired. Ask for a new one."), status=410)
    if job.status != ExportStatus.DONE:
        raise Http404
    try:
        stream = export_path(job).open("rb")
    except FileNotFoundError:
        return HttpResponse(_("This export's file is gone. Ask for a new one."), status=410)
    response = FileResponse(stream, as_attachment=True, filename=job.download_name)
    response["Cache-Control"] = "no-store"
    return response
