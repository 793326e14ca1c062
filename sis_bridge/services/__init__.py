"""Writes of the SIS bridge: linking youth to LAUSD students and syncing their records."""

from .matching import SisCandidate, sis_find_candidates, sis_link_confirm
from .sync import (
    SisConsentRequired,
    SisNotLinked,
    sis_link_for,
    sis_nightly_sync,
    sis_student_sync,
)

__all__ = [
    "SisCandidate",
    "SisConsentRequired",
    "SisNotLinked",
    "sis_find_candidates",
    "sis_link_confirm",
    "sis_link_for",
    "sis_nightly_sync",
    "sis_student_sync",
]
