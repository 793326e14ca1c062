"""Likely duplicates at intake: records that may already be the young person at the desk.

PostgreSQL finds a few dozen candidates in one query (the same LAUSD ID, phone or birth date, or
a surname trigram-similar to the typed surname, or to the first name in case the two were
swapped); Python then scores those few. This module only finds candidates: the caller decides
what a counselor may see of a record at another center. Nothing here logs names.
"""

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Greatest

from .models import Youth
from .names import digits, fold, given_name_forms, name_words, nicknames_match, surname_words
from .validators import LAUSD_ID

# Thresholds, all in one place.
# Rows PostgreSQL hands over for scoring; the best of them by a rough SQL rank.
CANDIDATE_LIMIT = 50
# Names shorter than this ("Li", "Al") only match a surname exactly: fuzzy matching on two
# letters would return half the table.
MIN_FUZZY_LETTERS = 3
MAX_NAME_FORMS = 8  # nickname forms of the typed first name ranked in SQL (Alex has 5)
# Two name words count as the same when their difflib ratio reaches this ("hernadez" and
# "hernandez" reach 0.94; "garza" and "garcia" only 0.73).
SAME_WORD = 0.8
NICKNAME_SIMILARITY = 0.9  # "Lupe" against "Guadalupe"
PART_FACTOR = 0.85  # one name inside the other: "Quintero" against "Quintero Ávila"
SWAPPED_FACTOR = 0.95  # first and last name typed in each other's box
UNTYPED_PART = 0.5  # first or last name left blank: neither for nor against
# A name score (first-name similarity times surname similarity) from which the names are
# "similar", giving the reason "name" or "name_swapped".
SIMILAR_NAME = 0.7
# A surname score from which the surnames alone are "similar" (reason "surname"): a typo'd
# surname or one found inside the other.
SIMILAR_SURNAME = SAME_WORD * PART_FACTOR
# How much each kind of evidence alone says; they combine as independent evidence
# (1 - product of (1 - weight)), so the score stays within 0..1.
LAUSD_ID_WEIGHT = 0.97
PHONE_WEIGHT = 0.6
BIRTH_DATE_WEIGHT = 0.4
BIRTH_DATE_SWAPPED_WEIGHT = 0.3
NAME_WEIGHT = 0.75  # times the name score
SURNAME_WEIGHT = 0.25  # at least this when the surnames are similar (a twin, a sibling)
# Candidates below this are dropped: a shared birth date alone (about 35 youth a day at LA scale)
# is not worth a counselor's look, a shared phone or a similar full name is.
MIN_SCORE = 0.5


class Reason(StrEnum):
    LAUSD_ID = "lausd_id"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"
    BIRTH_DATE_SWAPPED = "birth_date_swapped"  # day and month swapped (03/04 for 04/03)
    NAME = "name"  # similar first and last names
    NAME_SWAPPED = "name_swapped"  # similar, with first and last names swapped
    SURNAME = "surname"  # the surname is similar, the given name is not (or was not typed)
    NICKNAME = "nickname"  # the given names met through the nickname table
    SURNAME_PART = "surname_part"  # one surname is part of the other


_SAME_PERSON_EVIDENCE = {Reason.BIRTH_DATE, Reason.BIRTH_DATE_SWAPPED, Reason.PHONE}


@dataclass(frozen=True)
class DuplicateCandidate:
    youth: Youth
    score: float
    reasons: tuple[str, ...]

    @property
    def strong(self) -> bool:
        """Whether creating a new record must wait for "this is a different person": the same
        LAUSD ID, or a similar name with the same birth date (even day/month swapped) or phone."""
        if Reason.LAUSD_ID in self.reasons:
            return True
        similar_name = Reason.NAME in self.reasons or Reason.NAME_SWAPPED in self.reasons
        return similar_name and bool(_SAME_PERSON_EVIDENCE.intersection(self.reasons))


@dataclass(frozen=True)
class _Typed:
    """What the counselor typed, normalised."""

    first: list[str]
    last: list[str]
    first_folded: str
    last_folded: str
    birth_dates: tuple[datetime.date, ...]
    phone: str
    lausd_id: str

    @property
    def searches_names(self) -> bool:
        return bool(self.last)

    @property
    def is_blank(self) -> bool:
        return not (self.searches_names or self.birth_dates or self.phone or self.lausd_id)


def likely_duplicates(
    *,
    first_name: str = "",
    last_name: str = "",
    birth_date: datetime.date | None = None,
    phone: str = "",
    lausd_id: str = "",
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Active (not merged) youth records that may be this person, best first.

    Names need a surname to search on; a blank form, or only a first name, returns []. One query.
    """
    typed = _normalise(first_name, last_name, birth_date, phone, lausd_id)
    if typed.is_blank:
        return []
    try:
        candidates = [_score(youth, typed) for youth in _candidate_rows(typed, exclude_id)]
    finally:
        # Names are kept no longer than the check that compares them.
        _word_similarity.cache_clear()
    candidates = [candidate for candidate in candidates if candidate.score >= MIN_SCORE]
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.youth.pk))
    return candidates[:limit]


def _normalise(
    first_name: str, last_name: str, birth_date: datetime.date | None, phone: str, lausd_id: str
) -> _Typed:
    phone_digits = digits(phone)
    if len(phone_digits) == 11 and phone_digits.startswith("1"):
        phone_digits = phone_digits[1:]
    lausd = re.sub(r"[\s-]", "", lausd_id or "").upper()
    birth_dates = (birth_date, _day_month_swapped(birth_date)) if birth_date else ()
    return _Typed(
        first=name_words(first_name),
        last=name_words(last_name),
        first_folded=fold(first_name),
        last_folded=fold(last_name),
        birth_dates=tuple(day for day in birth_dates if day),
        phone=phone_digits if len(phone_digits) == 10 else "",
        lausd_id=lausd if LAUSD_ID.match(lausd) else "",
    )


def _day_month_swapped(day: datetime.date) -> datetime.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


# --- The candidate query -------------------------------------------------------------------


def _candidate_rows(typed: _Typed, exclude_id: int | None) -> QuerySet[Youth]:
    # ONE query: an OR of index-backed conditions (unique lausd_id, youth_phone, youth_birth_date
    # btrees; the youth_search_last_trgm GIN index for `%` or `=`), ranked roughly, LIMIT 50.
    rows = Youth.objects.active().filter(_candidate_condition(typed))
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.alias(rank=_rough_rank(typed)).order_by("-rank", "pk")[:CANDIDATE_LIMIT]


def _candidate_condition(typed: _Typed) -> Q:
    # At most two trigram branches: each one more tips the planner towards a sequential scan
    # that runs the trigram operators on every row (measured: 300+ ms at 100,000 youth).
    condition = Q()
    if typed.lausd_id:
        condition |= Q(lausd_id=typed.lausd_id)
    if typed.phone:
        condition |= Q(phone=typed.phone)
    if typed.birth_dates:
        condition |= Q(birth_date__in=typed.birth_dates)
    if typed.searches_names:
        condition |= _surname_like(typed.last_folded)
        if len(typed.first_folded) >= MIN_FUZZY_LETTERS:
            condition |= _surname_like(typed.first_folded)  # first and last names swapped
    return condition


def _surname_like(words: str) -> Q:
    if len(words) < MIN_FUZZY_LETTERS:
        return Q(search_last=words)
    # similarity(search_last, words) >= pg_trgm.similarity_threshold (0.3 by default): catches
    # typos, "Quintero" in "quintero avila", "cruz" in "de la cruz", "lopez garcia" for
    # "garcia lopez", "delacruz". It also covers equality, so no `=` branch beside it.
    return Q(search_last__trigram_similar=words)


def _rough_rank(typed: _Typed) -> Combinable:
    """Orders the candidates in SQL so the LIMIT keeps the likeliest; Python scores them."""
    rank = Value(0.0)
    if typed.lausd_id:
        rank += _when(Q(lausd_id=typed.lausd_id), 4.0)
    if typed.phone:
        rank += _when(Q(phone=typed.phone), 1.0)
    if typed.birth_dates:
        rank += _when(Q(birth_date__in=typed.birth_dates), 1.0)
    first, last = typed.first_folded, typed.last_folded
    if first and last:
        straight = _similarity("search_last", [last]) + _similarity("search_first", _forms(typed))
        swapped = _similarity("search_last", [first]) + _similarity("search_first", [last])
        rank += Greatest(straight, swapped)
    elif last:
        rank += _similarity("search_last", [last])
    return rank


def _forms(typed: _Typed) -> list[str]:
    """The typed first name and its nickname forms, so "Chuy" ranks "Jesús" among the Garcías."""
    forms = {typed.first_folded} | {form for word in typed.first for form in given_name_forms(word)}
    return sorted(forms)[:MAX_NAME_FORMS]


def _when(condition: Q, weight: float) -> Case:
    return Case(When(condition, then=Value(weight)), default=Value(0.0), output_field=FloatField())


def _similarity(column: str, words: list[str]) -> Combinable:
    # similarity(), not word_similarity(): it cost about half as much over a few thousand rows.
    similarities = [TrigramSimilarity(column, word) for word in words]
    return Greatest(*similarities) if len(similarities) > 1 else similarities[0]


# --- Scoring the few candidates ------------------------------------------------------------


@dataclass(frozen=True)
class _NameMatch:
    score: float
    surname: float
    swapped: bool = False
    nickname: bool = False
    surname_part: bool = False


def _score(youth: Youth, typed: _Typed) -> DuplicateCandidate:
    reasons: list[str] = []
    weights: list[float] = []

    def found(reason: Reason, weight: float) -> None:
        reasons.append(reason.value)
        weights.append(weight)

    if typed.lausd_id and youth.lausd_id == typed.lausd_id:
        found(Reason.LAUSD_ID, LAUSD_ID_WEIGHT)
    if typed.phone and youth.phone == typed.phone:
        found(Reason.PHONE, PHONE_WEIGHT)
    if typed.birth_dates and youth.birth_date == typed.birth_dates[0]:
        found(Reason.BIRTH_DATE, BIRTH_DATE_WEIGHT)
    elif youth.birth_date in typed.birth_dates:
        found(Reason.BIRTH_DATE_SWAPPED, BIRTH_DATE_SWAPPED_WEIGHT)
    name = _name_match(youth, typed)
    similar_surname = name.surname >= SIMILAR_SURNAME
    weights.append(max(NAME_WEIGHT * name.score, SURNAME_WEIGHT if similar_surname else 0.0))
    reasons.extend(reason.value for reason in _name_reasons(name))
    return DuplicateCandidate(youth=youth, score=_combine(weights), reasons=tuple(reasons))


def _combine(weights: list[float]) -> float:
    doubt = 1.0
    for weight in weights:
        doubt *= 1.0 - weight
    return round(1.0 - doubt, 3)


def _name_reasons(name: _NameMatch) -> list[Reason]:
    if name.score >= SIMILAR_NAME:
        reasons = [Reason.NAME_SWAPPED if name.swapped else Reason.NAME]
    elif name.surname >= SIMILAR_SURNAME:
        reasons = [Reason.SURNAME]
    else:
        return []
    if name.nickname:
        reasons.append(Reason.NICKNAME)
    if name.surname_part:
        reasons.append(Reason.SURNAME_PART)
    return reasons


def _name_match(youth: Youth, typed: _Typed) -> _NameMatch:
    if not (typed.first or typed.last):
        return _NameMatch(score=0.0, surname=0.0)
    straight = _oriented_match(youth, typed.first, typed.last)
    if not (typed.first and typed.last):
        return straight
    swapped = _oriented_match(youth, typed.last, typed.first, swapped=True)
    return swapped if swapped.score > straight.score else straight


def _oriented_match(
    youth: Youth, first: list[str], last: list[str], *, swapped: bool = False
) -> _NameMatch:
    given, nickname = _given_name_similarity(first, youth) if first else (UNTYPED_PART, False)
    surname, part = _surname_similarity(last, youth) if last else (UNTYPED_PART, False)
    score = given * surname * (SWAPPED_FACTOR if swapped else 1.0)
    return _NameMatch(score, surname, swapped, nickname, part)


def _given_name_similarity(typed: list[str], youth: Youth) -> tuple[float, bool]:
    """Best similarity against the legal first (and middle) names or the preferred name, and
    whether it took the nickname table to get there."""
    variants = [
        name_words(f"{youth.legal_first_name} {youth.legal_middle_name}"),
        name_words(youth.preferred_name),
    ]
    plain = max(_words_similarity(typed, words)[0] for words in variants)
    with_nicknames = max(
        _words_similarity(typed, words, _given_word_similarity)[0] for words in variants
    )
    return with_nicknames, with_nicknames > plain


def _surname_similarity(typed: list[str], youth: Youth) -> tuple[float, bool]:
    record = name_words(youth.legal_last_name)
    similarity, part = _words_similarity(
        surname_words(" ".join(typed)), surname_words(" ".join(record))
    )
    # Particles run together: "Delacruz" against "de la Cruz".
    run_together = _word_similarity("".join(typed), "".join(record))
    return (run_together, False) if run_together > similarity else (similarity, part)


def _words_similarity(
    typed: list[str], record: list[str], similarity: Callable[[str, str], float] | None = None
) -> tuple[float, bool]:
    """How alike two lists of name words are, ignoring their order, and whether only one list
    is found inside the other (then scaled by PART_FACTOR)."""
    if not typed or not record:
        return 0.0, False
    similarity = similarity or _word_similarity
    forward = sum(max(similarity(t, r) for r in record) for t in typed) / len(typed)
    backward = sum(max(similarity(t, r) for t in typed) for r in record) / len(record)
    whole = max(min(forward, backward), _word_similarity("".join(typed), "".join(record)))
    part = max(forward, backward) * PART_FACTOR if max(forward, backward) >= SAME_WORD else 0.0
    return (part, True) if part > whole else (whole, False)


# The same pairs of words come back for every candidate, both name orders and with and without
# the nickname table: SequenceMatcher was two thirds of the duplicate check's time.
@functools.lru_cache(maxsize=4096)
def _word_similarity(a: str, b: str) -> float:
    return 1.0 if a == b else SequenceMatcher(None, a, b).ratio()


def _given_word_similarity(a: str, b: str) -> float:
    similarity = _word_similarity(a, b)
    return max(similarity, NICKNAME_SIMILARITY) if nicknames_match(a, b) else similarity
