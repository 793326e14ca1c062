"""The youth record's coded values. Where a WIOA PIRL element exists, the code is noted so the
participant extract can map it (../shared/PIRL.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):  # PIRL 201
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_SELF_IDENTIFIED = "not_self_identified", _("Did not self-identify")


class YesNoUndisclosed(models.TextChoices):  # PIRL 210
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_DISCLOSED = "not_disclosed", _("Did not self-identify")


class Race(models.TextChoices):  # PIRL 211-215
    AMERICAN_INDIAN = "american_indian", _("American Indian or Alaska Native")
    ASIAN = "asian", _("Asian")
    BLACK = "black", _("Black or African American")
    PACIFIC_ISLANDER = "pacific_islander", _("Native Hawaiian or Other Pacific Islander")
    WHITE = "white", _("White")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    KOREAN = "ko", _("Korean")
    TAGALOG = "tl", _("Tagalog")
    ARMENIAN = "hy", _("Armenian")
    CHINESE = "zh", _("Chinese")
    OTHER = "other", _("Other")


class SchoolStatus(models.TextChoices):  # PIRL 409 maps from these with the grade and age
    DROPOUT = "dropout", _("Dropped out")
    NOT_ATTENDING = "not_attending", _("Not attending school")
    ENROLLED = "enrolled", _("Enrolled in school")
    GRADUATE = "graduate", _("High-school graduate or equivalent")


class Barrier(models.TextChoices):
    """The out-of-school youth criteria of WIOA (20 CFR 681.210) beyond leaving school."""

    MISSED_QUARTER = "missed_quarter", _("Missed the latest school-year quarter (compulsory age)")
    LOW_INCOME = "low_income", _("Low income")
    BASIC_SKILLS_DEFICIENT = "basic_skills_deficient", _("Basic-skills deficient")
    ENGLISH_LEARNER = "english_learner", _("English learner")
    JUSTICE_INVOLVED = "justice_involved", _("Justice-involved")
    HOMELESS_RUNAWAY = "homeless_runaway", _("Homeless or runaway")
    FOSTER_CARE = "foster_care", _("In or aged out of foster care")
    PREGNANT_PARENTING = "pregnant_parenting", _("Pregnant or parenting")
    DISABILITY = "disability", _("Has a disability")
    NEEDS_ASSISTANCE = "needs_assistance", _("Needs additional assistance")


class OutreachSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walked in")
    FRIEND_FAMILY = "friend_family", _("Friend or family")
    LAUSD = "lausd", _("LAUSD school or counselor")
    AGENCY = "agency", _("Another agency's referral")
    OUTREACH_EVENT = "outreach_event", _("Outreach event")
    SOCIAL_MEDIA = "social_media", _("Social media or website")
    PROBATION = "probation", _("Probation or court")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ClosedReason(models.TextChoices):
    TRANSFERRED = "transferred", _("Transferred to another center")
    MERGED = "merged", _("Merged into another record")
    SERVED = "served", _("Services completed")
    NO_CONTACT = "no_contact", _("No contact for 90 days")
    MOVED = "moved", _("Moved away")
    DECLINED = "declined", _("Declined services")
    AGED_OUT = "aged_out", _("Aged out")
    OTHER = "other", _("Other")


class SignerRole(models.TextChoices):
    YOUTH = "youth", _("The youth (18 or older, or an emancipated or independent minor)")
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Legal guardian")


class NoteKind(models.TextChoices):
    CONTACT_ATTEMPT = "contact_attempt", _("Contact attempt (no answer)")
    MEETING = "meeting", _("Meeting at the center")
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    TEXT_EMAIL = "text_email", _("Text or email exchange")


# Kinds that reached the young person; an unanswered attempt is not a contact.
CONTACT_KINDS = (NoteKind.MEETING, NoteKind.PHONE, NoteKind.HOME_VISIT, NoteKind.TEXT_EMAIL)


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Pathway(models.TextChoices):
    """The route an assessment recommends; a referral then names the program."""

    HOME_HIGH_SCHOOL = "home_high_school", _("Return to a comprehensive high school")
    CONTINUATION = "continuation", _("Continuation high school")
    INDEPENDENT_STUDY = "independent_study", _("Independent study")
    CREDIT_RECOVERY = "credit_recovery", _("Credit recovery")
    DROPOUT_RECOVERY_CHARTER = "charter", _("Dropout-recovery charter school")
    ADULT_SCHOOL = "adult_school", _("Adult school diploma")
    EQUIVALENCY = "equivalency", _("HiSET, GED or CHSPE")
    YOUTHBUILD_JOB_CORPS = "youthbuild", _("YouthBuild or Job Corps")
    WIOA_SERVICES = "wioa", _("WIOA youth services (work experience, training)")
    COLLEGE = "college", _("Community college")


class SkillsTest(models.TextChoices):
    CASAS = "CASAS", _("CASAS")
    TABE = "TABE", _("TABE")


class SkillsSubject(models.TextChoices):
    READING = "reading", _("Reading")
    MATH = "math", _("Mathematics")
    LANGUAGE = "language", _("Language")
