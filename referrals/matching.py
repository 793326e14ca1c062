"""Which programs fit a youth: the entry rules of each program checked against the youth's age,
credits and center. One query at most (the programs' centers, when not prefetched), so a page
lists every option with the reasons one does not fit, and the counselor may still choose it
with an override reason."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from centers.models import Center

from .models import Program, ProgramKind

KIND_ORDER = {kind: position for position, kind in enumerate(ProgramKind.values)}


@dataclass(frozen=True)
class OptionFit:
    program: Program
    fits: bool
    # Why the program does not fit; empty when it fits.
    reasons: tuple[str, ...] = ()
    # What the counselor should check because the application cannot (credits unknown).
    notes: tuple[str, ...] = ()


def _credits(value: float) -> str:
    return f"{value:g}"


def _age_reason(program: Program, age: int) -> str | None:
    too_young = program.min_age is not None and age < program.min_age
    too_old = program.max_age is not None and age > program.max_age
    if not (too_young or too_old):
        return None
    values = {"min": program.min_age, "max": program.max_age, "age": age}
    if program.min_age is not None and program.max_age is not None:
        return _("Ages %(min)s-%(max)s only; this youth is %(age)s.") % values
    if too_young:
        return _("Ages %(min)s and older only; this youth is %(age)s.") % values
    return _("Ages up to %(max)s only; this youth is %(age)s.") % values


def _credit_reason(program: Program, credits: float) -> str | None:
    values = {"min": program.min_credits, "max": program.max_credits, "credits": _credits(credits)}
    if program.min_credits is not None and credits < program.min_credits:
        return _("Needs at least %(min)s credits; this youth has %(credits)s.") % values
    if program.max_credits is not None and credits > program.max_credits:
        return _("Takes youth with at most %(max)s credits; this youth has %(credits)s.") % values
    return None


def _credits_unknown_note(program: Program) -> str | None:
    if program.min_credits is None and program.max_credits is None:
        return None
    return _("Credits unknown: check the program's credit rule.")


def option_fit(*, program: Program, age: int, credits: float | None, center: Center) -> OptionFit:
    reasons = []
    notes = []
    if not program.is_active:
        reasons.append(_("No longer offered."))
    served = {served.pk for served in program.centers.all()}
    if served and center.pk not in served:
        reasons.append(_("Not offered at this center."))
    if reason := _age_reason(program, age):
        reasons.append(reason)
    if credits is None:
        if note := _credits_unknown_note(program):
            notes.append(note)
    elif reason := _credit_reason(program, credits):
        reasons.append(reason)
    return OptionFit(program=program, fits=not reasons, reasons=tuple(reasons), notes=tuple(notes))


def options_for(
    *, age: int, credits: float | None, center: Center, programs: Iterable[Program]
) -> list[OptionFit]:
    """Every program with whether it fits and why not: fitting ones first, then by kind
    (school, equivalency, WIOA, other) and name. Unknown credits never exclude a program."""
    programs = list(programs)
    # The centers each program serves, in one query for all, unless the caller prefetched them.
    prefetch_related_objects(programs, "centers")
    fits = [
        option_fit(program=program, age=age, credits=credits, center=center) for program in programs
    ]
    return sorted(
        fits,
        key=lambda fit: (not fit.fits, KIND_ORDER.get(fit.program.kind, 99), fit.program.name),
    )
