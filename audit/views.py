"""A youth's record of disclosures for supervisors, and the access log export for an audit."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from reports.writers import csv_lines

from . import selectors
from .access import check_may_export_access_log, get_youth_for_disclosure_log
from .forms import AccessLogExportForm
from .models import Action
from .services import access_record
from .summaries import describe, staff_roles

PAGE_SIZE = 50


def disclosure_log(request, pk: int):
    youth = get_youth_for_disclosure_log(request.user, pk)
    # Reading who saw the record is itself a read of the record, shown at the top of the list.
    access_record(
        request=request, action=Action.VIEWED, youth=youth, detail={"page": "disclosure log"}
    )
    filterset = selectors.disclosure_log(youth, request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"entry": entry, "summary": describe(entry.detail), "roles": staff_roles(entry.staff_roles)}
        for entry in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "youth": youth,
        "filter": filterset,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    }
    return render(request, "audit/disclosure_log.html", context)


def access_log_export(request):
    check_may_export_access_log(request.user)
    today = timezone.localdate()
    form = AccessLogExportForm(
        request.POST or None, initial={"start": today.replace(day=1), "end": today}
    )
    if request.method != "POST" or not form.is_valid():
        return render(request, "audit/export.html", {"form": form})
    start, end, center = (form.cleaned_data[name] for name in ("start", "end", "center"))
    access_record(
        request=request,
        action=Action.EXPORTED,
        detail={
            "access_log_from": start.isoformat(),
            "access_log_to": end.isoformat(),
            "center": center.code if center else None,
        },
    )
    entries = selectors.access_log_entries(start=start, end=end, center=center)
    response = StreamingHttpResponse(
        csv_lines(selectors.EXPORT_HEADER, selectors.access_log_rows(entries)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"access-log-{start.isoformat()}-to-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
