from .assessments import Assessment, ScaleScoreBand, SkillsTestScore
from .records import (
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
