"""The PIRL (DOL ETA-9172) elements of the participant extract: the one table of element numbers,
names, how each value is derived from our records, and whether its codes are confirmed.

To correct a code, change it here: the header, the rows and the READ ME all come from ELEMENTS.
Status words follow ../shared/PIRL.md: CONFIRMED-DOL (DOL's own PIRL text), CONFIRMED-3P (a
state agency's decoder or validator), UNCONFIRMED (not verified; the export's READ ME lists
these). A DOL revision dated 2025-02-06 has not been read and may change codes.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from referrals.models import ReferralStatus
from youth.choices import Barrier, Race, SchoolStatus, Sex, YesNoUndisclosed

CONFIRMED_DOL = "CONFIRMED-DOL"
CONFIRMED_3P = "CONFIRMED-3P"
UNCONFIRMED = "UNCONFIRMED"

# The columns read per participant (reports.extracts annotates them on the referral query).
# A row is a named tuple of these; no names, addresses, contact details or case notes.
PARTICIPANT_COLUMNS = (
    "youth_id",
    "birth_date",
    "sex",
    "hispanic_latino",
    "races",
    "school_status",
    "highest_grade_completed",
    "barriers",
    "entry_skills_deficient",  # the latest assessment's finding on or before entry, or None
    "enrolled_on",
    "status",
    "status_changed_at",
)

# Codes of our values, in one place each.
SEX_CODES = {Sex.MALE: 1, Sex.FEMALE: 2, Sex.NOT_SELF_IDENTIFIED: 9}
YES_NO_CODES = {YesNoUndisclosed.YES: 1, YesNoUndisclosed.NO: 0, YesNoUndisclosed.NOT_DISCLOSED: 9}
# What 211-215 hold when the youth named no race: PIRL.md leaves "blank or 9" open.
RACE_NOT_SELF_IDENTIFIED = None
# California compulsory school attendance ends at 18 (Ed Code 48200).
COMPULSORY_SCHOOL_AGE_BELOW = 18
SCHOOL_STATUS_CODES = {
    SchoolStatus.ENROLLED: 1,  # In-school, secondary school or less
    SchoolStatus.DROPOUT: 4,  # Not attending school or secondary school dropout
    SchoolStatus.GRADUATE: 5,  # Not attending; secondary school graduate or equivalent
    # SchoolStatus.NOT_ATTENDING: 6 under compulsory age, else 4 (see school_status_at_entry)
}
# 905 Youth (WIOA): 1 = local youth formula funds (the City's WIOA youth grant).
YOUTH_FUNDING_CODE = 1
EXIT_STATUSES = frozenset({ReferralStatus.COMPLETED, ReferralStatus.EXITED})


def _yyyymmdd(day: datetime.date | None) -> str | None:
    return None if day is None else day.strftime("%Y%m%d")


def _flag(barrier: str) -> Callable[[Any], int]:
    def has_barrier(row) -> int:
        return 1 if barrier in row.barriers else 0

    return has_barrier


def _race(race: str) -> Callable[[Any], int | None]:
    def reported(row) -> int | None:
        if not row.races:
            return RACE_NOT_SELF_IDENTIFIED
        return 1 if race in row.races else 0

    return reported


def unique_identifier(youth_id: int) -> str:
    """Our own id, 12 characters, the same in every extract; never an SSN or LAUSD id."""
    return f"RE{youth_id:010d}"


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def school_status_at_entry(row) -> int | None:
    if row.school_status == SchoolStatus.NOT_ATTENDING:
        under_compulsory_age = age_on(row.birth_date, row.enrolled_on) < COMPULSORY_SCHOOL_AGE_BELOW
        return 6 if under_compulsory_age else 4
    return SCHOOL_STATUS_CODES.get(row.school_status)


def basic_skills_deficient(row) -> int:
    if row.entry_skills_deficient is not None:
        return 1 if row.entry_skills_deficient else 0
    return 1 if Barrier.BASIC_SKILLS_DEFICIENT in row.barriers else 0


def exit_date(row) -> str | None:
    if row.status not in EXIT_STATUSES:
        return None
    return _yyyymmdd(timezone.localtime(row.status_changed_at).date())


def _blank(row) -> None:
    return None


@dataclass(frozen=True)
class Element:
    number: int
    # DOL's element name, kept verbatim (in English) as the layout's identifier.
    name: str
    value: Callable[[Any], Any]
    status: str
    derivation: Promise

    @property
    def header(self) -> str:
        return f"{self.number} {self.name}"


NOT_CAPTURED = _("Not captured yet: always blank.")

ELEMENTS: tuple[Element, ...] = (
    Element(
        100,
        "Unique Individual Identifier (WIOA)",
        lambda row: unique_identifier(row.youth_id),
        CONFIRMED_DOL,
        _('"RE" and the youth\'s record number, 12 characters. Not an SSN (none is collected).'),
    ),
    Element(
        200,
        "Date of Birth",
        lambda row: _yyyymmdd(row.birth_date),
        CONFIRMED_DOL,
        _("Date of birth, YYYYMMDD."),
    ),
    Element(
        201,
        "Sex (WIOA)",
        lambda row: SEX_CODES.get(row.sex),
        UNCONFIRMED,
        _("1 male, 2 female (confirmed); 9 did not self-identify (unconfirmed)."),
    ),
    Element(
        202,
        "Individual with a Disability (WIOA)",
        _flag(Barrier.DISABILITY),
        UNCONFIRMED,
        _("1 when the youth's barriers include a disability, else 0. We record no 9."),
    ),
    Element(
        210,
        "Ethnicity: Hispanic / Latino (WIOA)",
        lambda row: YES_NO_CODES.get(row.hispanic_latino),
        UNCONFIRMED,
        _("1 yes, 0 no, 9 did not self-identify."),
    ),
    Element(
        211,
        "American Indian / Alaska Native (WIOA)",
        _race(Race.AMERICAN_INDIAN),
        UNCONFIRMED,
        _("1 when among the races the youth named, else 0; blank when they named none."),
    ),
    Element(
        212,
        "Asian (WIOA)",
        _race(Race.ASIAN),
        UNCONFIRMED,
        _("As 211."),
    ),
    Element(
        213,
        "Black / African American (WIOA)",
        _race(Race.BLACK),
        UNCONFIRMED,
        _("As 211."),
    ),
    Element(
        214,
        "Native Hawaiian / Other Pacific Islander (WIOA)",
        _race(Race.PACIFIC_ISLANDER),
        UNCONFIRMED,
        _("As 211."),
    ),
    Element(
        215,
        "White (WIOA)",
        _race(Race.WHITE),
        UNCONFIRMED,
        _("As 211."),
    ),
    Element(
        407,
        "Highest School Grade Completed at Program Entry (WIOA)",
        lambda row: row.highest_grade_completed,
        UNCONFIRMED,
        _("The highest grade completed on the youth's record (0-12); blank when unknown."),
    ),
    Element(
        408,
        "Highest Educational Level Completed at Program Entry (WIOA)",
        lambda row: 1 if row.school_status == SchoolStatus.GRADUATE else 0,
        CONFIRMED_3P,
        _(
            "1 when the school status is high-school graduate or equivalent, else 0. We do "
            "not tell a diploma (1) from an equivalency (2) or record postsecondary levels."
        ),
    ),
    Element(
        409,
        "School Status at Program Entry (WIOA)",
        school_status_at_entry,
        CONFIRMED_3P,
        _(
            "Enrolled 1; dropped out 4; graduate 5; not attending 6 when under 18 on the "
            "entry date, else 4. The youth's current school status, not a snapshot at entry."
        ),
    ),
    Element(
        701,
        "Pregnant or Parenting Youth (WIOA)",
        _flag(Barrier.PREGNANT_PARENTING),
        UNCONFIRMED,
        _("1 when among the youth's barriers, else 0 (as for 702, 704, 800-803)."),
    ),
    Element(
        702,
        "Youth Who Needs Additional Assistance (WIOA)",
        _flag(Barrier.NEEDS_ASSISTANCE),
        UNCONFIRMED,
        _("As 701."),
    ),
    Element(
        704,
        "Foster Care Youth Status at Program Entry (WIOA)",
        _flag(Barrier.FOSTER_CARE),
        CONFIRMED_3P,
        _("As 701."),
    ),
    Element(
        800,
        "Homeless Participant, Homeless Children and Youths, or Runaway Youth at Program "
        "Entry (WIOA)",
        _flag(Barrier.HOMELESS_RUNAWAY),
        CONFIRMED_3P,
        _("As 701."),
    ),
    Element(
        801,
        "Ex-Offender Status at Program Entry (WIOA)",
        _flag(Barrier.JUSTICE_INVOLVED),
        CONFIRMED_3P,
        _("As 701 (justice-involved)."),
    ),
    Element(
        802,
        "Low Income Status at Program Entry (WIOA)",
        _flag(Barrier.LOW_INCOME),
        CONFIRMED_3P,
        _("As 701."),
    ),
    Element(
        803,
        "English Language Learner at Program Entry (WIOA)",
        _flag(Barrier.ENGLISH_LEARNER),
        CONFIRMED_3P,
        _("As 701."),
    ),
    Element(
        804,
        "Basic Skills Deficient/Low Levels of Literacy at Program Entry (WIOA)",
        basic_skills_deficient,
        CONFIRMED_3P,
        _(
            "The finding of the latest assessment on or before the entry date (from its test "
            "scores); without one, 1 when among the youth's barriers, else 0."
        ),
    ),
    Element(
        900,
        "Date of Program Entry (WIOA)",
        lambda row: _yyyymmdd(row.enrolled_on),
        CONFIRMED_3P,
        _(
            "The confirmed enrollment date of the youth's earliest WIOA enrollment in the "
            "period, YYYYMMDD."
        ),
    ),
    Element(
        901,
        "Date of Program Exit (WIOA)",
        exit_date,
        CONFIRMED_3P,
        _(
            "The date that enrollment was marked completed or exited (Los Angeles time), "
            "YYYYMMDD; blank while enrolled. Not the 90-days-without-service rule."
        ),
    ),
    Element(
        905,
        "Youth (WIOA)",
        lambda row: YOUTH_FUNDING_CODE,
        UNCONFIRMED,
        _("Always 1 (local youth formula funds); the meanings of 1-3 are unconfirmed."),
    ),
    Element(
        923,
        "Other Reasons for Exit (WIOA)",
        _blank,
        CONFIRMED_3P,
        _("Blank: exit reasons are free text, which cannot be coded reliably."),
    ),
    Element(1800, "Type of Recognized Credential (WIOA)", _blank, UNCONFIRMED, NOT_CAPTURED),
    Element(
        1806,
        "Date of Most Recent Measurable Skill Gains: Educational Functioning Level (EFL) (WIOA)",
        _blank,
        CONFIRMED_3P,
        NOT_CAPTURED,
    ),
    Element(
        1807,
        "Date of Most Recent Measurable Skill Gains: Postsecondary Transcript/Report Card (WIOA)",
        _blank,
        CONFIRMED_3P,
        NOT_CAPTURED,
    ),
    Element(
        1808,
        "Date of Most Recent Measurable Skill Gains: Secondary Transcript/Report Card (WIOA)",
        _blank,
        CONFIRMED_3P,
        _(
            "Blank for now: it would come from district transcripts, which are shown only to "
            "LAUSD staff under consent and are not disclosed in this extract."
        ),
    ),
    Element(
        1809,
        "Date of Most Recent Measurable Skill Gains: Training Milestone (WIOA)",
        _blank,
        CONFIRMED_3P,
        NOT_CAPTURED,
    ),
    Element(
        1810,
        "Date of Most Recent Measurable Skill Gains: Skills Progression (WIOA)",
        _blank,
        CONFIRMED_3P,
        NOT_CAPTURED,
    ),
    Element(
        1900, "Youth 2nd Quarter Placement (Title I) (WIOA)", _blank, CONFIRMED_3P, NOT_CAPTURED
    ),
    Element(
        1901, "Youth 4th Quarter Placement (Title I) (WIOA)", _blank, CONFIRMED_3P, NOT_CAPTURED
    ),
)

HEADER: tuple[str, ...] = tuple(element.header for element in ELEMENTS)
UNCONFIRMED_NUMBERS: tuple[int, ...] = tuple(
    element.number for element in ELEMENTS if element.status == UNCONFIRMED
)


def participant_row(row) -> list:
    """One participant's PIRL values, in the order of ELEMENTS (None for a blank)."""
    return [element.value(row) for element in ELEMENTS]
