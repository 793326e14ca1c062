"""The grant report page and its CSV and XLSX downloads: aggregate counts only, so no youth is
named and nothing is logged per youth; the downloads need the same access as the page."""

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reengage.ratelimits import limited
from reports import selectors
from reports.figures import FIGURES, UNDUPLICATED_RULE

from .forms import GrantReportForm
from .writers import csv_lines, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_form(request) -> tuple[GrantReportForm, list]:
    """The form over the user's own centers; 403 for anyone with none to report on."""
    centers = selectors.report_centers(request.user)
    if not centers:
        raise PermissionDenied
    choices = [(center.pk, f"{center.code} · {center.name}") for center in centers]
    return GrantReportForm(request.GET, centers=choices), centers


def _report(form: GrantReportForm, centers) -> selectors.GrantReport:
    period = form.report_period()
    chosen = [center for center in centers if center.pk in period.center_ids]
    return selectors.grant_report(
        start=period.start, end=period.end, name=period.name, centers=chosen
    )


def grant_report(request):
    form, centers = _report_form(request)
    context = {"form": form, "figures": FIGURES.values(), "unduplicated_rule": UNDUPLICATED_RULE}
    if form.is_valid():
        context |= {"report": _report(form, centers), "query": request.GET.urlencode()}
        context["not_additive_note"] = selectors.NOT_ADDITIVE_NOTE
    return render(request, "reports/grant_report.html", context)


@limited("report_download")
def grant_report_download(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, centers = _report_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Correct the period or centers to download the report."))
    report = _report(form, centers)
    heading, tables = selectors.report_heading(report), selectors.report_tables(report)
    filename = f"{form.report_period().file_stem}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines([_("reengage grant report")], _csv_rows(heading, tables)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        stream = io.BytesIO()
        sheets = [
            (title, [_("reengage grant report")], [*heading, [], header, *rows])
            for title, header, rows in tables
        ]
        write_xlsx(stream, sheets=sheets)
        response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_rows(heading, tables):
    yield from heading
    for title, header, rows in tables:
        yield []
        yield [title]
        yield header
        yield from rows
