from .assessments import Assessment, ScaleScoreBand, SkillsTestScore
from .records import (
    PROFILE_FIELDS,
    Case,
    CaseNote,
    Consent,
    FollowUp,
    Transfer,
    Youth,
    YouthMerge,
    YouthQuerySet,
    track,
)

__all__ = [
    "PROFILE_FIELDS",
    "Assessment",
    "Case",
    "CaseNote",
    "Consent",
    "FollowUp",
    "ScaleScoreBand",
    "SkillsTestScore",
    "Transfer",
    "Youth",
    "YouthMerge",
    "YouthQuerySet",
    "track",
]
