"""WIOA out-of-school youth (OSY) eligibility: facts in, a Determination out, no database.

Sources: DESIGN.md section 2 ("WIOA youth"); 20 CFR 681.210 and WIOA sec. 129(a)(1)(B). A youth
is eligible when not attending school, aged 16 to 24 on the enrollment date, and meeting at least
one criterion of 20 CFR 681.210(c). The criteria are walked in the order of the regulation and the
first that applies is the one recorded.

Validity: a determination made on day D holds from D through D + 89 days (90 calendar days,
counting D); on `expires_on` = D + 90 days it has expired.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .choices import Barrier, SchoolStatus

MIN_AGE = 16
MAX_AGE = 24
# California Ed Code 48200: compulsory from the 6th birthday until the 18th.
COMPULSORY_SCHOOL_AGE = (6, 18)
VALID_FOR = dt.timedelta(days=90)


class Evidence(models.TextChoices):
    """Documents that back a determination; every code a rule asks for is listed here."""

    AGE_PROOF = "age_proof", _("Proof of age (birth certificate, ID or passport)")
    SCHOOL_STATUS_PROOF = "school_status_proof", _("Proof of not attending school")
    ATTENDANCE_RECORD = "attendance_record", _("Attendance record for the latest school quarter")
    DIPLOMA_PROOF = "diploma_proof", _("High-school diploma or equivalency certificate")
    INCOME_PROOF = "income_proof", _("Proof of low income")
    TEST_SCORE = "test_score", _("Basic-skills test score (TABE or CASAS)")
    ENGLISH_LEARNER_PROOF = "english_learner_proof", _("Proof of English-learner status")
    JUSTICE_PROOF = "justice_proof", _("Court, probation or juvenile-justice record")
    HOMELESS_PROOF = "homeless_proof", _("Proof of homelessness or running away")
    FOSTER_CARE_PROOF = "foster_care_proof", _("Foster-care or out-of-home placement record")
    PARENTING_PROOF = "parenting_proof", _("Proof of pregnancy or parenting")
    DISABILITY_PROOF = "disability_proof", _("Disability record (IEP, 504 plan or medical)")
    NEEDS_ASSISTANCE_PROOF = (
        "needs_assistance_proof",
        _("Record of the need for additional assistance"),
    )


# Every determination needs these, whatever the criterion.
BASE_EVIDENCE = (Evidence.AGE_PROOF, Evidence.SCHOOL_STATUS_PROOF)


@dataclass(frozen=True)
class EligibilityFacts:
    """What the rules read from the youth record and its latest assessment."""

    birth_date: dt.date
    school_status: str  # a SchoolStatus value
    barriers: AbstractSet[str] = frozenset()  # Barrier values
    basic_skills_deficient: bool | None = None  # from test scores; None when never tested
    evidence_on_file: AbstractSet[str] = frozenset()  # Evidence values


@dataclass(frozen=True)
class Finding:
    """What one criterion makes of the facts: each condition with the reason to give when it is
    not met, and the evidence that would document the criterion."""

    conditions: tuple[tuple[bool, Promise], ...]
    evidence: tuple[str, ...]

    @property
    def applies(self) -> bool:
        return all(met for met, _ in self.conditions)

    @property
    def unmet(self) -> list[Promise]:
        return [reason for met, reason in self.conditions if not met]

    @property
    def partly_met(self) -> bool:
        return not self.applies and any(met for met, _ in self.conditions)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Promise
    regulation: str
    rule: Callable[[EligibilityFacts, dt.date], Finding]


@dataclass(frozen=True)
class Determination:
    """The outcome. `criterion` and `regulation` name the basis of eligibility and are None when
    the youth is not eligible; `reasons` then say why."""

    eligible: bool
    criterion: str | None
    regulation: str | None
    determined_on: dt.date
    reasons: list[Promise] = field(default_factory=list)
    missing_evidence: list[tuple[str, Promise]] = field(default_factory=list)
    expires_on: dt.date = field(init=False)

    def __post_init__(self) -> None:
        # Derived, never passed in, so it cannot disagree with determined_on.
        object.__setattr__(self, "expires_on", self.determined_on + VALID_FOR)

    @property
    def valid_through(self) -> dt.date:
        """The last day the determination holds, for display."""
        return self.expires_on - dt.timedelta(days=1)

    def is_expired(self, today: dt.date) -> bool:
        return today >= self.expires_on


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`. Someone born on 29 February turns a year older on 1 March in
    common years, as the month-day comparison gives."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def _has(facts: EligibilityFacts, barrier: str) -> bool:
    return barrier in facts.barriers


def _low_income(facts: EligibilityFacts) -> tuple[bool, Promise]:
    return _has(facts, Barrier.LOW_INCOME), _("Not recorded as low income")


def _skills_deficient(facts: EligibilityFacts) -> bool:
    # A test result outranks the checkbox; without a test the counselor's observation counts
    # (20 CFR 681.290(a)(2)), and the missing test score shows as evidence still needed.
    if facts.basic_skills_deficient is not None:
        return facts.basic_skills_deficient
    return _has(facts, Barrier.BASIC_SKILLS_DEFICIENT)


def _first_on_file(facts: EligibilityFacts, *codes: str) -> str:
    """Of several documents that would each do, the first already on file, else the first."""
    return next((code for code in codes if code in facts.evidence_on_file), codes[0])


def dropout(facts: EligibilityFacts, on: dt.date) -> Finding:
    """School dropout: 20 CFR 681.210(c)(1), WIOA sec. 129(a)(1)(B)(iii)(I)."""
    # "Dropout" is the record's school_status value, set at intake or from the SIS exit code;
    # this rule does not judge it again.
    is_dropout = facts.school_status == SchoolStatus.DROPOUT
    return Finding(((is_dropout, _("Not recorded as a school dropout")),), ())


def missed_quarter(facts: EligibilityFacts, on: dt.date) -> Finding:
    """Of compulsory school age but missed at least the most recent complete school-year calendar
    quarter: 20 CFR 681.210(c)(2), WIOA sec. 129(a)(1)(B)(iii)(II)."""
    low, high = COMPULSORY_SCHOOL_AGE
    of_age = low <= age_on(facts.birth_date, on) < high
    # A high-school graduate is exempt from compulsory attendance (Ed Code 48410(a)).
    compulsory = of_age and facts.school_status != SchoolStatus.GRADUATE
    conditions = (
        (compulsory, _("Not of compulsory school age (under 18 without a diploma)")),
        (
            _has(facts, Barrier.MISSED_QUARTER),
            _("Not recorded as missing the latest complete school-year quarter"),
        ),
    )
    return Finding(conditions, (Evidence.ATTENDANCE_RECORD,))


def diploma_low_income_skills(facts: EligibilityFacts, on: dt.date) -> Finding:
    """Holds a secondary school diploma or equivalent, is low-income, and is basic-skills
    deficient or an English learner: 20 CFR 681.210(c)(3), WIOA sec. 129(a)(1)(B)(iii)(III)."""
    deficient = _skills_deficient(facts)
    english_learner = _has(facts, Barrier.ENGLISH_LEARNER)
    if deficient or not english_learner:
        skills_proof = Evidence.TEST_SCORE
    else:
        skills_proof = Evidence.ENGLISH_LEARNER_PROOF
    conditions = (
        (facts.school_status == SchoolStatus.GRADUATE, _("No diploma or equivalent recorded")),
        _low_income(facts),
        (
            deficient or english_learner,
            _("Neither basic-skills deficient nor an English learner"),
        ),
    )
    return Finding(conditions, (Evidence.DIPLOMA_PROOF, Evidence.INCOME_PROOF, skills_proof))


def justice_involved(facts: EligibilityFacts, on: dt.date) -> Finding:
    """Subject to the juvenile or adult justice system: 20 CFR 681.210(c)(4),
    WIOA sec. 129(a)(1)(B)(iii)(IV)."""
    involved = _has(facts, Barrier.JUSTICE_INVOLVED)
    return Finding(((involved, _("Not recorded as justice-involved")),), (Evidence.JUSTICE_PROOF,))


def homeless_or_foster(facts: EligibilityFacts, on: dt.date) -> Finding:
    """Homeless, runaway, in foster care or aged out of it, eligible for Chafee assistance, or in
    an out-of-home placement: 20 CFR 681.210(c)(5), WIOA sec. 129(a)(1)(B)(iii)(V)."""
    homeless = _has(facts, Barrier.HOMELESS_RUNAWAY)
    foster = _has(facts, Barrier.FOSTER_CARE)
    if homeless and foster:
        proof = _first_on_file(facts, Evidence.HOMELESS_PROOF, Evidence.FOSTER_CARE_PROOF)
    else:
        proof = Evidence.FOSTER_CARE_PROOF if foster else Evidence.HOMELESS_PROOF
    met = homeless or foster
    return Finding(((met, _("Not recorded as homeless, runaway or in foster care")),), (proof,))


def pregnant_or_parenting(facts: EligibilityFacts, on: dt.date) -> Finding:
    """Pregnant or parenting: 20 CFR 681.210(c)(6), WIOA sec. 129(a)(1)(B)(iii)(VI)."""
    parenting = _has(facts, Barrier.PREGNANT_PARENTING)
    reason = _("Not recorded as pregnant or parenting")
    return Finding(((parenting, reason),), (Evidence.PARENTING_PROOF,))


def disability(facts: EligibilityFacts, on: dt.date) -> Finding:
    """An individual with a disability: 20 CFR 681.210(c)(7), WIOA sec. 129(a)(1)(B)(iii)(VII)."""
    disabled = _has(facts, Barrier.DISABILITY)
    reason = _("No disability recorded")
    return Finding(((disabled, reason),), (Evidence.DISABILITY_PROOF,))


def low_income_needs_assistance(facts: EligibilityFacts, on: dt.date) -> Finding:
    """Low-income and requires additional assistance to enter or complete an educational program
    or to secure or hold employment: 20 CFR 681.210(c)(8), WIOA sec. 129(a)(1)(B)(iii)(VIII)."""
    conditions = (
        _low_income(facts),
        (
            _has(facts, Barrier.NEEDS_ASSISTANCE),
            _("Not recorded as needing additional assistance"),
        ),
    )
    return Finding(conditions, (Evidence.INCOME_PROOF, Evidence.NEEDS_ASSISTANCE_PROOF))


# In the order of 20 CFR 681.210(c); the determiner takes the first that applies.
CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "dropout",
        _("School dropout"),
        "20 CFR 681.210(c)(1); WIOA sec. 129(a)(1)(B)(iii)(I)",
        dropout,
    ),
    Criterion(
        "missed_quarter",
        _("Compulsory school age, missed the latest school-year quarter"),
        "20 CFR 681.210(c)(2); WIOA sec. 129(a)(1)(B)(iii)(II)",
        missed_quarter,
    ),
    Criterion(
        "diploma_low_income_skills",
        _("Diploma holder, low income, basic-skills deficient or English learner"),
        "20 CFR 681.210(c)(3); WIOA sec. 129(a)(1)(B)(iii)(III)",
        diploma_low_income_skills,
    ),
    Criterion(
        "justice_involved",
        _("Subject to the juvenile or adult justice system"),
        "20 CFR 681.210(c)(4); WIOA sec. 129(a)(1)(B)(iii)(IV)",
        justice_involved,
    ),
    Criterion(
        "homeless_foster",
        _("Homeless, runaway, or in or aged out of foster care"),
        "20 CFR 681.210(c)(5); WIOA sec. 129(a)(1)(B)(iii)(V)",
        homeless_or_foster,
    ),
    Criterion(
        "pregnant_parenting",
        _("Pregnant or parenting"),
        "20 CFR 681.210(c)(6); WIOA sec. 129(a)(1)(B)(iii)(VI)",
        pregnant_or_parenting,
    ),
    Criterion(
        "disability",
        _("Individual with a disability"),
        "20 CFR 681.210(c)(7); WIOA sec. 129(a)(1)(B)(iii)(VII)",
        disability,
    ),
    Criterion(
        "low_income_needs_assistance",
        _("Low income and needs additional assistance"),
        "20 CFR 681.210(c)(8); WIOA sec. 129(a)(1)(B)(iii)(VIII)",
        low_income_needs_assistance,
    ),
)
CRITERION_CHOICES = [(criterion.code, criterion.label) for criterion in CRITERIA]


def determine(facts: EligibilityFacts, *, on: dt.date) -> Determination:
    """Determine eligibility on the enrollment date `on`."""
    findings = [(criterion, criterion.rule(facts, on)) for criterion in CRITERIA]
    basis = next(((c, f) for c, f in findings if f.applies), None)
    focus = basis or _most_promising(findings)
    reasons = _entry_reasons(facts, on)
    if basis is None:
        reasons.append(_("Meets none of the out-of-school youth criteria of 20 CFR 681.210(c)"))
        reasons.extend(focus[1].unmet if focus else [])
    eligible = not reasons
    return Determination(
        eligible=eligible,
        criterion=basis[0].code if basis and eligible else None,
        regulation=basis[0].regulation if basis and eligible else None,
        determined_on=on,
        reasons=reasons,
        missing_evidence=_missing_evidence(facts, focus[1].evidence if focus else ()),
    )


def _entry_reasons(facts: EligibilityFacts, on: dt.date) -> list[Promise]:
    """Why the two conditions every out-of-school youth must meet are not met, if they are not."""
    reasons: list[Promise] = []
    if facts.school_status == SchoolStatus.ENROLLED:
        reasons.append(_("Enrolled in school: an out-of-school youth must not be attending school"))
    age = age_on(facts.birth_date, on)
    if not MIN_AGE <= age <= MAX_AGE:
        reasons.append(
            format_lazy(
                _("Aged {age} at enrollment: an out-of-school youth must be 16 to 24"), age=age
            )
        )
    return reasons


def _most_promising(
    findings: list[tuple[Criterion, Finding]],
) -> tuple[Criterion, Finding] | None:
    """The partly met criterion with the fewest conditions left, earliest first on a tie; None
    when no criterion is even partly met."""
    partial = [(c, f) for c, f in findings if f.partly_met]
    return min(partial, key=lambda pair: len(pair[1].unmet), default=None)


def _missing_evidence(
    facts: EligibilityFacts, criterion_evidence: Iterable[str]
) -> list[tuple[str, Promise]]:
    needed = dict.fromkeys([*BASE_EVIDENCE, *criterion_evidence])
    return [
        (str(code), Evidence(code).label) for code in needed if code not in facts.evidence_on_file
    ]
