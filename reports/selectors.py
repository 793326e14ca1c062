"""The grant report's numbers: every figure of reports.figures for a period and a set of centers,
overall (each youth once across the centers), by center, and broken down by who the youth are.

Two queries whatever the number of youth or centers: every figure overall and at each center
(the definitions the supervisor pipeline counts with, so both pages agree), and every breakdown
of every figure.
"""

import datetime
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from centers.access import staff_access
from centers.models import Center
from reports.figures import FIGURES, FUNNEL, UNDUPLICATED_RULE, WIOA_OUTCOMES, FigureCount
from youth.choices import Barrier, Race, SchoolStatus, Sex, YesNoUndisclosed
from youth.models import Case, Youth

# Age at entry: the youth's age on the intake date of their latest case at the chosen centers
# that began on or before the end of the period (the case that brought them in). Bands as the
# WIOA youth program reports them; anyone outside 14-24 goes in the last row.
AGE_BANDS = [((14, 15), "14-15"), ((16, 17), "16-17"), ((18, 21), "18-21"), ((22, 24), "22-24")]
OTHER_AGE = _("Under 14, over 24 or unknown")
NOT_RECORDED = _("Not recorded")
NO_BARRIER = _("No barrier recorded")
NOT_ADDITIVE_NOTE = _(
    "Each center counts the youth served there; overall, a youth served at two centers counts "
    "once, so the centers can add up to more than the overall figure."
)


@dataclass(frozen=True)
class CountsRow:
    """A row of the report: a label and one count per figure, in FIGURES order (or in the
    order of `codes`, for a row of some of the figures)."""

    label: str | Promise
    counts: list[int]
    code: str = ""
    codes: tuple[str, ...] = tuple(FIGURES)

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(figure code, count) pairs, for templates."""
        return list(zip(self.codes, self.counts, strict=True))

    def only(self, codes: tuple[str, ...]) -> "CountsRow":
        """The same row with the counts of these figures only."""
        found = dict(self.cells)
        return CountsRow(self.label, [found[code] for code in codes], self.code, codes)


@dataclass(frozen=True)
class CenterTable:
    """Some of the figures at each center: the funnel, then the WIOA youth outcomes."""

    code: str
    title: Promise
    caption: Promise
    codes: tuple[str, ...]
    rows: list[CountsRow]
    totals: list[CountsRow]

    @property
    def figures(self) -> list:
        return [FIGURES[code] for code in self.codes]


@dataclass(frozen=True)
class Breakdown:
    code: str
    title: Promise
    note: Promise
    rows: list[CountsRow]
    additive: bool  # each youth in exactly one row, so the rows add up to the figure
    totals: list[CountsRow] = ()  # the figure itself, under the rows that add up to it


@dataclass(frozen=True)
class GrantReport:
    start: datetime.date
    end: datetime.date
    name: str
    centers: list[Center]
    overall: list[FigureCount]
    by_center: list[CountsRow]
    center_sums: list[int]
    # Figures whose centers add up to more than the overall number: youth counted at two centers.
    not_additive: list[bool]
    breakdowns: list[Breakdown]

    @property
    def overall_counts(self) -> list[int]:
        return [row.count for row in self.overall]

    @property
    def most(self) -> int:
        return max(self.overall_counts, default=0)

    @property
    def most_reached_at_a_center(self) -> int:
        return max((row.counts[0] for row in self.by_center), default=0)

    @property
    def overall_row(self) -> CountsRow:
        return CountsRow(_("All chosen centers, each youth once"), self.overall_counts, "overall")

    @property
    def sums_row(self) -> CountsRow:
        return CountsRow(_("Sum of the centers"), self.center_sums, "sum")

    @property
    def overall_bars(self) -> list[tuple]:
        return [(row.figure.label, row.count) for row in self.overall]

    @property
    def center_bars(self) -> list[tuple]:
        """Youth reached at each center, for the chart under the by-center table."""
        return [(row.code, row.counts[0]) for row in self.by_center]

    @property
    def not_additive_labels(self) -> list:
        return [
            row.figure.label
            for row, differs in zip(self.overall, self.not_additive, strict=True)
            if differs
        ]

    @property
    def totals(self) -> list[CountsRow]:
        return [self.sums_row, self.overall_row]

    @property
    def center_tables(self) -> list[CenterTable]:
        """The by-center figures in two tables: the funnel, then the WIOA youth outcomes."""
        return [
            CenterTable(
                code,
                title,
                caption,
                codes,
                [row.only(codes) for row in self.by_center],
                [row.only(codes) for row in self.totals],
            )
            for code, title, caption, codes in (
                ("by-center", _("Figures by center"), _("Youth at each center"), FUNNEL),
                (
                    "by-center-outcomes",
                    _("WIOA outcomes by center"),
                    _("WIOA youth outcomes at each center"),
                    WIOA_OUTCOMES,
                ),
            )
        ]


def report_centers(user) -> list[Center]:
    """The centers whose aggregate figures the user may report on: every center for an
    analyst, their own centers for counselors and supervisors, none for anyone else (an
    administrator manages accounts, not case figures)."""
    access = staff_access(user)
    if access.is_analyst:
        return list(Center.objects.order_by("code"))
    if not access.readable_center_ids:
        return []
    return list(Center.objects.filter(pk__in=access.readable_center_ids).order_by("code"))


def _alias(name: str) -> str:
    return connection.ops.quote_name(name)


def _figure_alias(index: int) -> str:
    return _alias(f"figure_{index}")


def _latest_intakes(end, center_ids) -> QuerySet:
    """Each youth's latest intake date at the centers on or before `end` (age at entry)."""
    return (
        Case.objects.order_by()
        .filter(center_id__in=center_ids, intake_date__lte=end)
        .values("youth_id")
        .annotate(intake_date=Max("intake_date"))
    )


# Each breakdown groups the counted youth by one value; races and barriers are lists, unnested
# so a youth counts once under each (and under "not recorded" when the list is empty).
GROUPINGS = {
    "sex": ("sex", ""),
    "hispanic_latino": ("hispanic_latino", ""),
    "race": ("race", "LEFT JOIN LATERAL unnest(counted.races) AS race ON TRUE"),
    "barrier": ("barrier", "LEFT JOIN LATERAL unnest(counted.barriers) AS barrier ON TRUE"),
    "school_status": ("school_status", ""),
    "age": ("age_at_entry::text", ""),
}
# The report's statement sorts and hashes a few hundred thousand (figure, youth, center) rows;
# with PostgreSQL's default 4 MB of working memory per step they spill to disk.
REPORT_WORK_MEM = "64MB"


@dataclass(frozen=True)
class ReportCounts:
    overall: list[int]  # per figure, each youth once across the centers
    by_center: dict[int, list[int]]  # per center id, per figure
    breakdowns: dict[str, dict[str | None, list[int]]]  # {breakdown: {value: per figure}}


def report_counts(start, end, center_ids) -> ReportCounts:
    """Every figure overall, at each center and broken down, in one statement: each figure's
    (youth, center) pairs are computed once (the definitions of reports.figures), then counted
    by center, over all centers (each youth once) and by each breakdown's values."""
    width = len(FIGURES)
    if not center_ids:
        return ReportCounts([0] * width, {}, {code: {} for code in GROUPINGS})
    tables, params = [], []
    for index, figure in enumerate(FIGURES.values()):
        pairs = figure.youth_ids(start, end, center_ids, by_center=True)
        sql, figure_params = pairs.query.sql_with_params()
        tables.append(f"{_figure_alias(index)} AS MATERIALIZED ({sql})")
        params.extend(figure_params)
    every_pair = " UNION ALL ".join(
        f"SELECT {index} AS figure, youth_id, at_center FROM {_figure_alias(index)}"  # noqa: S608
        for index in range(width)
    )
    tables.append(f"pairs AS MATERIALIZED ({every_pair})")
    flags = ", ".join(f"bool_or(figure = {index}) AS in_{index}" for index in range(width))
    tables.append(f"flags AS MATERIALIZED (SELECT youth_id, {flags} FROM pairs GROUP BY youth_id)")  # noqa: S608
    intakes_sql, intakes_params = _latest_intakes(end, center_ids).query.sql_with_params()
    params.extend(intakes_params)
    # Age at entry: the age on the intake date of the youth's latest case at these centers that
    # began by the end of the period (the case that brought them in).
    tables.append(
        "counted AS MATERIALIZED (SELECT youth.sex, youth.hispanic_latino, youth.races, "  # noqa: S608
        "youth.barriers, youth.school_status, "
        "EXTRACT(YEAR FROM AGE(intakes.intake_date, youth.birth_date))::integer AS age_at_entry, "
        f"flags.* FROM flags JOIN {Youth._meta.db_table} AS youth ON youth.id = flags.youth_id "
        f"LEFT JOIN ({intakes_sql}) AS intakes ON intakes.youth_id = flags.youth_id)"
    )
    by_figure = ", ".join(f"COUNT(*) FILTER (WHERE figure = {index})" for index in range(width))
    flagged = ", ".join(f"COUNT(*) FILTER (WHERE in_{index})" for index in range(width))
    selects = [
        # The pairs are distinct, so a center's rows count each youth once.
        f"SELECT 'center', at_center::text, {by_figure} FROM pairs GROUP BY at_center",  # noqa: S608
        f"SELECT 'overall', NULL, {flagged} FROM flags",  # noqa: S608
        *(
            f"SELECT '{code}', ({value})::text, {flagged} FROM counted {join} GROUP BY 2"  # noqa: S608
            for code, (value, join) in GROUPINGS.items()
        ),
    ]
    # Only Django's compiled SQL and our own codes go into the text; values stay parameters.
    statement = f"WITH {', '.join(tables)} " + " UNION ALL ".join(selects)
    overall = [0] * width
    by_center = {center_id: [0] * width for center_id in center_ids}
    breakdowns: dict[str, dict] = {code: {} for code in GROUPINGS}
    # SET LOCAL lasts until the end of the transaction: this one, or the request's.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = %s", [REPORT_WORK_MEM])
        cursor.execute(statement, params)
        for kind, value, *counts in cursor.fetchall():
            if kind == "overall":
                overall = counts
            elif kind == "center":
                by_center[int(value)] = counts
            else:
                breakdowns[kind][value] = counts
    return ReportCounts(overall, by_center, breakdowns)


def _choice_rows(found: dict, choices, empty_label=None) -> list[CountsRow]:
    zero = [0] * len(FIGURES)
    rows = [CountsRow(label, found.get(value, zero), value) for value, label in choices]
    if empty_label is not None:
        rows.append(CountsRow(empty_label, found.get(None, zero), "none"))
    return rows


def _age_rows(found: dict) -> list[CountsRow]:
    bands = {label: [0] * len(FIGURES) for _ages, label in AGE_BANDS}
    other = [0] * len(FIGURES)
    for age, figure_counts in found.items():
        label = next(
            (label for (low, high), label in AGE_BANDS if age and low <= int(age) <= high), None
        )
        target = bands[label] if label else other
        for index, count in enumerate(figure_counts):
            target[index] += count
    rows = [CountsRow(label, counts, label) for label, counts in bands.items()]
    return [*rows, CountsRow(OTHER_AGE, other, "other")]


def _breakdowns(found: dict) -> list[Breakdown]:
    return [
        Breakdown(
            "age",
            _("Age at entry"),
            _(
                "Age on the intake date of the youth's latest case at these centers that began "
                "by the end of the period."
            ),
            _age_rows(found["age"]),
            additive=True,
        ),
        Breakdown(
            "sex", _("Sex"), _("As recorded."), _choice_rows(found["sex"], Sex.choices), True
        ),
        Breakdown(
            "hispanic_latino",
            _("Hispanic or Latino"),
            _("Ethnicity as the youth self-identified."),
            _choice_rows(found["hispanic_latino"], YesNoUndisclosed.choices),
            additive=True,
        ),
        Breakdown(
            "race",
            _("Race"),
            _(
                "A youth of several races counts under each, so the rows add up to more than "
                "the figure."
            ),
            _choice_rows(found["race"], Race.choices, NOT_RECORDED),
            additive=False,
        ),
        Breakdown(
            "barrier",
            _("Barrier"),
            _(
                "A youth with several barriers counts under each, so the rows add up to more "
                "than the figure."
            ),
            _choice_rows(found["barrier"], Barrier.choices, NO_BARRIER),
            additive=False,
        ),
        Breakdown(
            "school_status",
            _("School status at entry"),
            _("The school status recorded on the youth's record at intake."),
            _choice_rows(found["school_status"], SchoolStatus.choices),
            additive=True,
        ),
    ]


def grant_report(*, start, end, name: str, centers: list[Center]) -> GrantReport:
    """The whole report for the period and the centers (already limited to the user's)."""
    center_ids = [center.pk for center in centers]
    counts = report_counts(start, end, center_ids)
    overall_counts, by_center_counts = counts.overall, counts.by_center
    reached = overall_counts[0]
    overall = [
        FigureCount(figure, count, count / reached if reached else None)
        for figure, count in zip(FIGURES.values(), overall_counts, strict=True)
    ]
    by_center = [
        CountsRow(f"{center.code} · {center.name}", by_center_counts[center.pk], center.code)
        for center in centers
    ]
    sums = [sum(column) for column in zip(*(row.counts for row in by_center), strict=True)]
    sums = sums or [0] * len(FIGURES)
    return GrantReport(
        start=start,
        end=end,
        name=name,
        centers=centers,
        overall=overall,
        by_center=by_center,
        center_sums=sums,
        not_additive=[total != row.count for total, row in zip(sums, overall, strict=True)],
        breakdowns=[
            replace(breakdown, totals=[_all_youth(overall)]) if breakdown.additive else breakdown
            for breakdown in _breakdowns(counts.breakdowns)
        ],
    )


def _all_youth(overall: list[FigureCount]) -> CountsRow:
    return CountsRow(_("All youth counted"), [row.count for row in overall], "all")


def report_tables(report: GrantReport) -> list[tuple[str, list[str], list[list]]]:
    """The report as (title, column headings, rows) tables, the same numbers as the page, for
    the downloads: counts only, no youth named."""
    labels = [str(figure.label) for figure in FIGURES.values()]
    overall_label = str(_("All chosen centers, each youth once"))
    tables = []
    for table in report.center_tables:
        rows = [[str(row.label), *row.counts] for row in [*table.rows, *table.totals]]
        header = [str(_("Center")), *(str(figure.label) for figure in table.figures)]
        tables.append((str(table.title), header, rows))
    for breakdown in report.breakdowns:
        rows = [[str(row.label), *row.counts] for row in breakdown.rows]
        rows.append([overall_label, *report.overall_counts])
        tables.append((str(breakdown.title), [str(breakdown.title), *labels], rows))
    rules = [[str(figure.label), str(figure.rule)] for figure in FIGURES.values()]
    tables.append((str(_("How each figure is counted")), [str(_("Figure")), str(_("Rule"))], rules))
    return tables


def report_heading(report: GrantReport) -> list[list[str]]:
    """The lines naming the report's period and centers, above every download's tables."""
    return [
        [str(_("Period")), report.name, report.start.isoformat(), report.end.isoformat()],
        [str(_("Centers")), ", ".join(center.code for center in report.centers)],
        [str(UNDUPLICATED_RULE)],
        [str(NOT_ADDITIVE_NOTE)],
    ]
