"""Access log entries in words, for the disclosure log: what each entry's detail says, without
showing its raw JSON. Details hold ids and codes only, never personal data (audit.services)."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centers.models import Role

# The lists a youth can appear in (`detail["list"]` in audit.services.access_record_list).
LISTS = {
    "caseload": gettext_lazy("the caseload"),
    "intake duplicate check": gettext_lazy("the duplicate check at intake"),
    "transfers": gettext_lazy("the transfers list"),
    "overdue follow-ups": gettext_lazy("the overdue follow-ups"),
    "pipeline stuck referrals": gettext_lazy("the pipeline's stuck referrals"),
}


def _on(value) -> str:
    return _("yes") if value else _("no")


def _list_name(name: str) -> str:
    if name in LISTS:
        return str(LISTS[name])
    if name.startswith("pipeline "):
        return _("the pipeline list “%(figure)s”") % {"figure": name.removeprefix("pipeline ")}
    return name


def _field_names(names: list[str]) -> str:
    from youth.models import Youth

    labels = []
    for name in names:
        try:
            labels.append(str(Youth._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field since renamed: its name is better than nothing
            labels.append(name)
    return ", ".join(labels)


def _closed_reason(code: str) -> str:
    from youth.choices import ClosedReason

    return str(ClosedReason(code).label) if code in ClosedReason.values else code


def _sentences(detail: dict) -> list[str]:
    """One phrase per key this application writes; anything else, key and value in words."""
    said: list[str] = []
    known = {
        "page": lambda v: (
            _("opened the record of disclosures")
            if v == "disclosure log"
            else _("page: %(page)s") % {"page": v}
        ),
        "list": lambda v: _("in %(list)s") % {"list": _list_name(str(v))},
        "education_records": lambda v: _("education records shown") if v else "",
        "case": lambda v: _("case %(id)s") % {"id": v},
        "center": lambda v: _("center %(code)s") % {"code": v} if v else "",
        "confirmed_different": lambda v: (
            _("confirmed to be a different person from a likely duplicate") if v else ""
        ),
        "fields": lambda v: _("fields changed: %(fields)s") % {"fields": _field_names(v)},
        "consent": lambda v: _("consent %(id)s recorded") % {"id": v},
        "consent_withdrawn": lambda v: _("consent %(id)s withdrawn") % {"id": v},
        "note": lambda v: _("case note %(id)s") % {"id": v},
        "follow_up": lambda v: _("follow-up %(id)s") % {"id": v},
        "follow_up_done": lambda v: _("follow-up %(id)s marked done") % {"id": v},
        "closed": lambda v: _("case closed (reason: %(reason)s)") % {"reason": _closed_reason(v)},
        "reassigned_to": lambda v: _("reassigned to staff member %(id)s") % {"id": v},
        "transfer": lambda v: _("transfer %(id)s") % {"id": v},
        "to": lambda v: _("to center %(code)s") % {"code": v},
        "status": lambda v: _("status: %(status)s") % {"status": v},
        "merge": lambda v: _("merge %(id)s") % {"id": v},
        "referral": lambda v: _("referral %(id)s") % {"id": v},
        "assessment": lambda v: _("assessment %(id)s") % {"id": v},
        "wioa_eligible": lambda v: _("WIOA eligible: %(answer)s") % {"answer": _on(v)},
        "sync_run": lambda v: _("SIS sync run %(id)s") % {"id": v},
        "records": lambda v: (
            _("%(count)s records received")
            % {"count": sum(v.values()) if isinstance(v, dict) else v}
        ),
        "search": lambda v: _("SIS search by %(what)s") % {"what": v},
        "candidates": lambda v: _("%(count)s candidates found") % {"count": v},
        "linked": lambda v: _("linked to the district student record") if v else "",
        "export": lambda v: _("participant extract %(id)s") % {"id": v},
        "access_log_from": lambda v: _("access log from %(day)s") % {"day": v},
        "access_log_to": lambda v: _("to %(day)s") % {"day": v},
        "archived": lambda v: _("archived under the retention rule") if v else "",
        "retention_years": lambda v: _("cases closed over %(years)s years before") % {"years": v},
    }
    # In the order above (the database keeps a detail's keys in an order of its own).
    keys = [key for key in known if key in detail] + sorted(set(detail) - set(known))
    for key in keys:
        value = detail[key]
        phrase = known[key](value) if key in known else f"{key.replace('_', ' ')}: {value}"
        if phrase:
            said.append(str(phrase))
    return said


def describe(detail: dict) -> str:
    return "; ".join(_sentences(detail or {}))


def staff_roles(memberships: str | None) -> str:
    """'supervisor:EAST,counselor:BOYLE' (as audit.selectors aggregates it) in words."""
    if not memberships:
        return ""
    labels = []
    for membership in memberships.split(","):
        role, _sep, code = membership.partition(":")
        label = str(Role(role).label) if role in Role.values else role
        labels.append(f"{label} ({code})" if code else label)
    return ", ".join(labels)
