"""Finding a youth without an LAUSD ID in the SIS, for the counselor to confirm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record
from sis_bridge.client import SisClient
from sis_bridge.models import AcademicTerm, Enrollment, LinkMethod, SisLink, TranscriptCourse
from youth.models import Youth
from youth.names import name_words, nicknames_match, surname_words
from youth.validators import LAUSD_ID

from .sync import require_consent


@dataclass(frozen=True, slots=True)
class SisCandidate:
    student_unique_id: str
    first_name: str
    middle_name: str
    last_surname: str
    birth_date: dt.date
    score: int  # 2 to 4, higher is likelier (see _score)
    linked_to_other_youth: bool


def _swapped(day: dt.date) -> dt.date | None:
    """The date with day and month exchanged: a common intake slip (DESIGN.md section 2)."""
    if day.day > 12 or day.day == day.month:
        return None
    return dt.date(day.year, day.day, day.month)


# A name and the exact birth date, or both names and the birth date with day and month swapped.
SAME_PERSON = 3


def _score(youth: Youth, record: dict) -> int:
    """1 per name that agrees, 2 for the same birth date (1 with day and month swapped);
    0 when no name agrees, since thousands of students share a birthday."""
    score = 0
    firsts = [youth.legal_first_name, youth.preferred_name]
    given = [w for text in firsts if text for w in name_words(text)]
    theirs = name_words(f"{record['firstName']} {record.get('preferredFirstName') or ''}")
    if any(nicknames_match(a, b) for a in given for b in theirs):
        score += 1
    if set(surname_words(youth.legal_last_name)) & set(surname_words(record["lastSurname"])):
        score += 1
    if score == 0:
        return 0
    birth = dt.date.fromisoformat(record["birthDate"])
    if birth == youth.birth_date:
        score += 2
    elif birth == _swapped(youth.birth_date):
        score += 1
    return score


def sis_find_candidates(
    *, youth: Youth, user, client: SisClient | None = None
) -> list[SisCandidate]:
    """SIS students who may be this youth: same birth date (or day and month swapped), or
    same first and last name. The search is a disclosure, so it needs consent and is logged."""
    require_consent(youth)
    own_client = client is None
    client = client or SisClient.from_settings()
    queries = [{"birthDate": youth.birth_date.isoformat()}]
    if swapped := _swapped(youth.birth_date):
        queries.append({"birthDate": swapped.isoformat()})
    queries.append({"firstName": youth.legal_first_name, "lastSurname": youth.legal_last_name})
    found: dict[str, dict] = {}
    try:
        for query in queries:
            for record in client.fetch_all("students", **query).records:
                found[record["studentUniqueId"]] = record
    finally:
        if own_client:
            client.close()
    scored = [(record, _score(youth, record)) for record in found.values()]
    scored = [(record, score) for record, score in scored if score >= 2]
    linked = set(
        SisLink.objects.filter(student_unique_id__in=[r["studentUniqueId"] for r, _s in scored])
        .exclude(youth=youth)
        .values_list("student_unique_id", flat=True)
    )
    access_record(
        request=None,
        user=user,
        action=Action.SIS_PULLED,
        youth=youth,
        detail={"search": "name and birth date", "candidates": len(scored)},
    )
    candidates = [
        SisCandidate(
            student_unique_id=record["studentUniqueId"],
            first_name=record["firstName"],
            middle_name=record.get("middleName") or "",
            last_surname=record["lastSurname"],
            birth_date=dt.date.fromisoformat(record["birthDate"]),
            score=score,
            linked_to_other_youth=record["studentUniqueId"] in linked,
        )
        for record, score in scored
    ]
    return sorted(candidates, key=lambda c: (-c.score, c.last_surname, c.first_name))


@transaction.atomic
def sis_link_confirm(
    *, youth: Youth, user, student_unique_id: str, client: SisClient | None = None
) -> SisLink:
    """Link the youth to the SIS student the counselor picked, then pull their records."""
    from sis_bridge.tasks import sis_student_pull_task

    require_consent(youth)
    if not LAUSD_ID.match(student_unique_id or ""):
        raise ValidationError(_("An LAUSD student ID is six digits, a letter and three digits."))
    taken = SisLink.objects.filter(student_unique_id=student_unique_id).exclude(youth=youth)
    if taken.exists():
        raise ValidationError(_("This LAUSD student is already linked to another youth."))
    own_client = client is None
    client = client or SisClient.from_settings()
    try:
        found = client.fetch_all("students", studentUniqueId=student_unique_id).records
    finally:
        if own_client:
            client.close()
    if len(found) != 1:
        raise ValidationError(_("The SIS has no student with this LAUSD ID."))
    if _score(youth, found[0]) < SAME_PERSON:
        # Linking is a disclosure: the district student must be this youth by name and birth.
        raise ValidationError(
            _("That district student's name and birth date do not match this youth's record.")
        )
    link = SisLink.objects.select_for_update().filter(youth=youth).first()
    if link is not None and link.student_unique_id != student_unique_id:
        # Another student's snapshot must not stay on this youth.
        for model in (AcademicTerm, TranscriptCourse, Enrollment):
            model.objects.filter(youth=youth).delete()
    defaults = {
        "student_unique_id": student_unique_id,
        "method": LinkMethod.CONFIRMED,
        "linked_by": user,
    }
    if link is not None and link.student_unique_id != student_unique_id:
        defaults |= {"snapshot_hash": "", "last_refreshed_at": None, "last_error": ""}
    link, _created = SisLink.objects.update_or_create(youth=youth, defaults=defaults)
    access_record(
        request=None, user=user, action=Action.SIS_PULLED, youth=youth, detail={"linked": True}
    )
    user_id = user.pk
    transaction.on_commit(lambda: sis_student_pull_task.delay(youth.pk, user_id))
    return link
