"""The federation's reports (SPEC §8): one function per report, each counting in the database
and returning a :class:`~stegvis.reports.tables.Table`.

``build_report(name, ...)`` is the one entry point the command line, the web pages and the API
share; it returns the JSON shape ``{"report", "columns", "rows", "total"}``. Every report runs
inside a federation scope, and no report counts an enrolment exited as felregistrering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from stegvis.core import reference
from stegvis.core.dates import months_between
from stegvis.core.tenancy import require_federation
from stegvis.interventions.models import (
    Budget,
    Financier,
    Intervention,
    OutcomeBooking,
    ResultGoal,
    StructuralActivity,
)
from stegvis.reports import distance as distance_module
from stegvis.reports import filters as f
from stegvis.reports.filters import ReportFilters
from stegvis.reports.goals import GoalStatus, count_share
from stegvis.reports.sql import DateNumber, JsonListHas, YearMonth
from stegvis.reports.tables import Row, Table, share, suppress

MISSING = "saknas"
MISSING_LABEL = "Uppgift saknas"

# (key, label, lowest age, first age of the next band)
AGE_BANDS = [
    ("-17", "Under 18 år", None, 18),
    ("18-24", "18–24 år", 18, 25),
    ("25-29", "25–29 år", 25, 30),
    ("30-39", "30–39 år", 30, 40),
    ("40-49", "40–49 år", 40, 50),
    ("50-59", "50–59 år", 50, 60),
    ("60-", "60 år och äldre", 60, None),
]


@dataclass
class Context:
    as_of: date
    # Shares computed from fewer people than this are not shown (0: show all).
    hide_below: int = 0


@dataclass
class ReportDefinition:
    name: str
    title: str
    description: str
    compute: Callable[[ReportFilters, Context], tuple[Table, list[Table], list[str]]]
    # Which filters the report uses (the others are ignored and said so on the page).
    uses: frozenset[str] = frozenset({"intervention", "period", "authority", "hub", "municipality"})
    suppressible: bool = True
    chart_columns: tuple[str, ...] = ()
    chart_orientation: str = "horizontal"
    chart_unit: str = ""

    @property
    def download_slug(self) -> str:
        """The Swedish title as a file name: "Ålder och kön" → ``alder-och-kon``."""
        from django.utils.text import slugify

        plain = self.title.translate(str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE"))
        return slugify(plain)


@dataclass
class Report:
    definition: ReportDefinition
    filters: ReportFilters
    table: Table
    extra_tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    external: bool = False
    threshold: int = 5

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def tables(self) -> list[Table]:
        return [self.table, *self.extra_tables]

    @property
    def is_suppressed(self) -> bool:
        return self.table.suppressed_with is not None

    def as_dict(self) -> dict:
        """The contract shape shared by the command line and the API."""
        table = self.table
        return {
            "report": self.name,
            "columns": list(table.columns),
            "rows": [{"label": row.key, "values": list(row.values)} for row in table.rows],
            "total": {"label": "Totalt", "values": list(table.total.values)}
            if table.total
            else None,
        }


def _genders() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in reference.codes(reference.Kind.GENDER, active_only=False)]


def _gender_table(title: str, counts: dict[tuple[str, str], int], row_keys) -> Table:
    """Rows × gender columns with a row total and a total row (sum of rows)."""
    genders = _genders()
    rows = []
    for key, label in row_keys:
        values = [counts.get((key, g), 0) for g, _ in genders]
        rows.append(Row(key, label, [*values, sum(values)]))
    totals = [sum(row.values[i] for row in rows) for i in range(len(genders) + 1)]
    return Table(
        title=title,
        columns=[g for g, _ in genders] + ["totalt"],
        column_labels=[label for _, label in genders] + ["Totalt"],
        rows=rows,
        total=Row("totalt", "Totalt", totals),
        total_column=len(genders),
        additive_columns=set(range(len(genders) + 1)),
    )


# --- Participants per age band and gender -------------------------------------------------


def age_expression():
    """Age in whole years at enrolment start, as SQL (see
    :class:`~stegvis.reports.sql.DateNumber`): (YYYYMMDD of start − YYYYMMDD of birth) / 10000.

    Anonymous records know only the birth year and count as born 1 July, like
    ``Participant.age_on``.
    """
    birth = Coalesce(
        DateNumber("participant__birth_date"), F("participant__birth_year") * 10000 + 701
    )
    return ExpressionWrapper(
        (DateNumber("start_date") - birth) / 10000, output_field=IntegerField()
    )


def age_band(age: int) -> str:
    for key, _label, lower, upper in AGE_BANDS:
        if (lower is None or age >= lower) and (upper is None or age < upper):
            return key
    raise AssertionError("unreachable")  # pragma: no cover


def age_gender(filters: ReportFilters, ctx: Context):
    # The database groups by exact age and gender (a few hundred groups at most, each row's
    # age computed once); the groups are then folded into bands.
    qs = (
        f.active_in_period(f.enrolments(filters), filters)
        .annotate(age=age_expression())
        .values("age", "participant__gender")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {}
    for r in qs:
        key = (age_band(r["age"]), r["participant__gender"])
        counts[key] = counts.get(key, 0) + r["n"]
    bands = [
        (key, label)
        for key, label, lower, _upper in AGE_BANDS
        if lower is not None or any(k[0] == key for k in counts)
    ]
    table = _gender_table("Deltagare per ålder och kön", counts, bands)
    notes = ["Ålder vid inskrivningen. Räknar deltaganden som pågick någon gång under perioden."]
    return table, [], notes


# --- Exit reason per gender ----------------------------------------------------------------


def exit_gender(filters: ReportFilters, ctx: Context):
    qs = (
        f.exited_in_period(f.enrolments(filters), filters)
        .values("exit_reason", "participant__gender")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(r["exit_reason"], r["participant__gender"]): r["n"] for r in qs}
    codes = reference.codes(reference.Kind.EXIT_REASON, active_only=False)
    row_keys = [(c.key, c.label) for c in codes]
    known = {c.key for c in codes}
    row_keys += sorted({(k, k) for k, _g in counts if k not in known})
    table = _gender_table("Avslutsorsak per kön", counts, row_keys)
    work = {c.key for c in codes if c.flags.get("work_or_studies")}
    parts = []
    for index, label in enumerate(table.column_labels):
        whole = table.total.values[index]
        part = sum(row.values[index] for row in table.rows if row.key in work)
        value = share(part, whole)
        shown = value is not None and whole >= ctx.hide_below
        parts.append(f"{label.lower()} {value:.0f} %" if shown else f"{label.lower()} –")
    notes = [
        "Andel till arbete eller studier: " + ", ".join(parts) + ".",
        "Räknar avslut daterade i perioden. Felregistreringar räknas inte.",
    ]
    return table, [], notes


def work_or_studies_share(filters: ReportFilters) -> tuple[int, int]:
    """(exits to work or studies, all exits) in the period."""
    work = reference.keys_with_flag(reference.Kind.EXIT_REASON, "work_or_studies")
    qs = f.exited_in_period(f.enrolments(filters), filters)
    result = qs.aggregate(all=Count("id"), work=Count("id", filter=Q(exit_reason__in=work)))
    return result["work"], result["all"]


# --- Status before and after ---------------------------------------------------------------


def af_code_change(filters: ReportFilters, ctx: Context):
    qs = (
        f.exited_in_period(f.enrolments(filters), filters)
        .values("af_code_before", "af_code_after")
        .annotate(n=Count("id"))
        .order_by()
    )
    pairs = {(r["af_code_before"] or MISSING, r["af_code_after"] or MISSING): r["n"] for r in qs}
    codes = [(c.key, c.label) for c in reference.codes(reference.Kind.AF_CODE, active_only=False)]
    known = {k for k, _ in codes}
    seen = {k for pair in pairs for k in pair}
    codes += sorted((k, k) for k in seen - known - {MISSING})
    codes.append((MISSING, MISSING_LABEL))
    rows = []
    for key, label in codes:
        before = sum(n for (b, _a), n in pairs.items() if b == key)
        after = sum(n for (_b, a), n in pairs.items() if a == key)
        rows.append(Row(key, label, [before, after]))
    total = sum(pairs.values())
    table = Table(
        title="Inskrivningskod hos AF före och efter",
        columns=["fore", "efter"],
        column_labels=["Vid start", "Vid avslut"],
        rows=rows,
        total=Row("totalt", "Totalt", [total, total]),
        additive_columns={0, 1},
    )
    used = [(k, label) for k, label in codes if any(k in pair for pair in pairs)]
    matrix = Table(
        title="Från kod vid start (rader) till kod vid avslut (kolumner)",
        columns=[k for k, _ in used] + ["totalt"],
        column_labels=[_short_code(k, label) for k, label in used] + ["Totalt"],
        rows=[
            Row(
                b,
                label,
                [pairs.get((b, a), 0) for a, _ in used]
                + [sum(pairs.get((b, a), 0) for a, _ in used)],
            )
            for b, label in used
        ],
        total_column=len(used),
    )
    notes = ["Räknar deltaganden som avslutades i perioden, med koden vid start och vid avslut."]
    return table, [matrix] if used else [], notes


def _short_code(key: str, label: str) -> str:
    """A narrow column heading: the number for numeric codes, else the label's first part."""
    if key == MISSING:
        return "Saknas"
    return key if key.isdigit() else label.split("(")[0].strip()


def income_change(filters: ReportFilters, ctx: Context):
    codes = [
        (c.key, c.label) for c in reference.codes(reference.Kind.INCOME_SOURCE, active_only=False)
    ]
    aggregates = {"all": Count("id")}
    for i, (key, _label) in enumerate(codes):
        aggregates[f"b{i}"] = Count("id", filter=Q(JsonListHas("income_sources_before", key)))
        aggregates[f"a{i}"] = Count("id", filter=Q(JsonListHas("income_sources_after", key)))
    aggregates["b_none"] = Count("id", filter=Q(income_sources_before=[]))
    aggregates["a_none"] = Count("id", filter=Q(income_sources_after=[]))
    result = f.exited_in_period(f.enrolments(filters), filters).aggregate(**aggregates)
    rows = [
        Row(key, label, [result[f"b{i}"], result[f"a{i}"]]) for i, (key, label) in enumerate(codes)
    ]
    rows.append(Row(MISSING, MISSING_LABEL, [result["b_none"], result["a_none"]]))
    table = Table(
        title="Försörjning före och efter",
        columns=["fore", "efter"],
        column_labels=["Vid start", "Vid avslut"],
        rows=rows,
        total=Row("totalt", "Antal avslutade", [result["all"], result["all"]]),
    )
    notes = [
        "Räknar deltaganden som avslutades i perioden. En person kan ha flera "
        "försörjningskällor, så raderna kan summera till mer än antalet avslutade."
    ]
    return table, [], notes


# --- Follow-up 6 and 12 months after exit --------------------------------------------------


def followup(filters: ReportFilters, ctx: Context):
    from stegvis.participants.models import FollowUp

    exited = f.exited_in_period(f.enrolments(filters), filters)
    qs = (
        FollowUp.objects.filter(enrolment__in=exited)
        .values("months", "status", "situation")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, int], int] = {}
    for r in qs:
        key = r["situation"] if r["status"] == FollowUp.Status.DONE else r["status"]
        counts[(key, r["months"])] = counts.get((key, r["months"]), 0) + r["n"]
    keys = [
        *FollowUp.Situation.choices,
        (FollowUp.Status.NOT_REACHED, "Gick inte att nå"),
        (FollowUp.Status.PLANNED, "Inte gjord än"),
    ]
    months = list(FollowUp.MONTHS)
    rows = [Row(k, label, [counts.get((k, m), 0) for m in months]) for k, label in keys]
    totals = [sum(row.values[i] for row in rows) for i in range(len(months))]
    table = Table(
        title="Sysselsättning vid uppföljning efter avslut",
        columns=[f"m{m}" for m in months],
        column_labels=[f"Efter {m} månader" for m in months],
        rows=rows,
        total=Row("totalt", "Totalt", totals),
        additive_columns=set(range(len(months))),
    )
    work = [FollowUp.Situation.ARBETE, FollowUp.Situation.STUDIER]
    parts = []
    for i, m in enumerate(months):
        done = sum(row.values[i] for row in rows if row.key in FollowUp.Situation.values)
        part = sum(row.values[i] for row in rows if row.key in work)
        value = share(part, done)
        shown = value is not None and done >= ctx.hide_below
        parts.append(f"efter {m} månader {value:.0f} %" if shown else f"efter {m} månader –")
    notes = [
        "Av dem som gick att nå, andel i arbete eller studier: " + ", ".join(parts) + ".",
        "Räknar uppföljningarna för deltaganden som avslutades i perioden.",
    ]
    return table, [], notes


# --- Flow per month ------------------------------------------------------------------------


def flow(filters: ReportFilters, ctx: Context):
    base = f.enrolments(filters)
    first = filters.date_from
    if first is None:
        first = base.order_by("start_date").values_list("start_date", flat=True).first()
    last = filters.date_to
    if last is None:
        latest = [
            base.order_by("-start_date").values_list("start_date", flat=True).first(),
            base.exclude(end_date=None)
            .order_by("-end_date")
            .values_list("end_date", flat=True)
            .first(),
            ctx.as_of,
        ]
        last = max(d for d in latest if d is not None)
    columns = ["startade", "avslutade", "aktiva"]
    labels = ["Startade", "Avslutade", "Aktiva under månaden"]
    if first is None or first > last:
        return (
            Table(
                "Flöde per månad",
                columns,
                labels,
                [],
                Row("totalt", "Totalt", [0, 0, 0]),
                additive_columns={0, 1},
            ),
            [],
            [],
        )

    def per_month(column: str) -> dict[str, int]:
        qs = (
            base.filter(**{f"{column}__gte": first, f"{column}__lte": last})
            .annotate(month=YearMonth(column))
            .values("month")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {r["month"]: r["n"] for r in qs}

    started, ended = per_month("start_date"), per_month("end_date")
    before = base.aggregate(
        started=Count("id", filter=Q(start_date__lt=first)),
        ended=Count("id", filter=Q(end_date__lt=first)),
    )
    rows = []
    cumulative_started, cumulative_ended = before["started"], before["ended"]
    for month in months_between(first, last):
        key = f"{month:%Y-%m}"
        # Active at some time in the month: started by its end, not ended before its start.
        # Ends before the month are the ones counted in earlier months.
        ended_before_month = cumulative_ended
        cumulative_started += started.get(key, 0)
        cumulative_ended += ended.get(key, 0)
        rows.append(
            Row(
                key,
                key,
                [started.get(key, 0), ended.get(key, 0), cumulative_started - ended_before_month],
            )
        )
    total_started, total_ended = sum(started.values()), sum(ended.values())
    total = Row(
        "totalt",
        "Hela perioden",
        [total_started, total_ended, before["started"] + total_started - before["ended"]],
    )
    table = Table("Flöde per månad", columns, labels, rows, total, additive_columns={0, 1})
    notes = [
        "Aktiva: deltaganden som pågick någon gång under månaden. Totalraden räknar "
        "aktiva någon gång under hela perioden."
    ]
    return table, [], notes


# --- Result goals --------------------------------------------------------------------------


def goal_statuses(filters: ReportFilters, *, as_of: date) -> list[GoalStatus]:
    """Every result goal of the selected interventions, judged on the period (SPEC §2)."""
    work = reference.keys_with_flag(reference.Kind.EXIT_REASON, "work_or_studies")
    goals = ResultGoal.objects.filter(intervention__in=f.interventions(filters)).select_related(
        "intervention"
    )
    statuses = []
    for goal in goals.order_by("intervention__code", "position", "id"):
        scoped = filters.with_interventions([goal.intervention])
        reached = decided = pending = 0
        outcome: float | int | None
        if goal.metric == ResultGoal.Metric.WORK_OR_STUDIES:
            cohort = f.started_in_period(f.enrolments(scoped), filters).values_list(
                "start_date", "end_date", "exit_reason"
            )
            counted = count_share(
                cohort, work_or_studies=work, within_months=goal.within_months, as_of=as_of
            )
            reached, decided, pending = counted.reached, counted.decided, counted.pending
            outcome = counted.outcome
        elif goal.metric == ResultGoal.Metric.PARTICIPANTS:
            outcome = reached = decided = f.started_in_period(f.enrolments(scoped), filters).count()
        else:
            activities = StructuralActivity.objects.filter(intervention=goal.intervention)
            if filters.date_from:
                activities = activities.filter(held_on__gte=filters.date_from)
            if filters.date_to:
                activities = activities.filter(held_on__lte=filters.date_to)
            if goal.metric == ResultGoal.Metric.ACTIVITIES:
                outcome = activities.count()
            else:
                outcome = activities.aggregate(n=Sum("attendees"))["n"] or 0
            reached = decided = outcome
        statuses.append(
            GoalStatus(
                goal_id=goal.pk,
                intervention_code=goal.intervention.code,
                title=goal.title,
                is_share=goal.is_share,
                target=goal.target,
                outcome=outcome,
                reached=reached,
                decided=decided,
                pending=pending,
            )
        )
    return statuses


def goals(filters: ReportFilters, ctx: Context):
    statuses = goal_statuses(filters, as_of=ctx.as_of)
    rows = [
        Row(
            f"{s.intervention_code}: {s.title}",
            f"{s.intervention_code}: {s.title}",
            [s.target, s.outcome, s.reached, s.decided, s.pending],
        )
        for s in statuses
    ]
    table = Table(
        title="Måluppfyllelse",
        columns=["mal", "utfall", "uppnadde", "underlag", "ej_avgjorda"],
        column_labels=["Mål", "Utfall", "Uppnådde", "Underlag", "Ej avgjorda än"],
        rows=rows,
        count_columns={2, 3, 4},
        derived_from={1: 3},
    )
    notes = [
        "Andelsmål: mål och utfall i procent. Underlag är de deltaganden som startade i "
        "perioden och vars utfall är känt; ej avgjorda pågår fortfarande inom tidsramen.",
        "Antalsmål: mål och utfall i antal under perioden.",
    ]
    return table, [], notes


# --- Budget and outcome per financier ------------------------------------------------------


def budget(filters: ReportFilters, ctx: Context):
    financiers = Financier.objects.filter(intervention__in=f.interventions(filters))
    if filters.authority is not None:
        financiers = financiers.filter(authority=filters.authority)
    budgets = Budget.objects.filter(financier__in=financiers)
    if filters.date_from:
        budgets = budgets.filter(year__gte=filters.date_from.year)
    if filters.date_to:
        budgets = budgets.filter(year__lte=filters.date_to.year)
    bookings = OutcomeBooking.objects.filter(financier__in=financiers)
    if filters.date_from:
        bookings = bookings.filter(booked_on__gte=filters.date_from)
    if filters.date_to:
        bookings = bookings.filter(booked_on__lte=filters.date_to)
    planned = dict(
        budgets.values("financier__name")
        .annotate(s=Sum("amount"))
        .values_list("financier__name", "s")
    )
    used = dict(
        bookings.values("financier__name")
        .annotate(s=Sum("amount"))
        .values_list("financier__name", "s")
    )
    names = list(
        dict.fromkeys(
            financiers.order_by("kind", "position", "name").values_list("name", flat=True)
        )
    )
    rows = []
    for name in names:
        b, u = planned.get(name) or 0, used.get(name) or 0
        rows.append(Row(name, name, [b, u, b - u, share(u, b)]))
    tb, tu = sum(r.values[0] for r in rows), sum(r.values[1] for r in rows)
    table = Table(
        title="Budget och utfall per finansiär",
        columns=["budget", "utfall", "kvar", "utfall_procent"],
        column_labels=["Budget (kr)", "Utfall (kr)", "Kvar (kr)", "Utfall (%)"],
        rows=rows,
        total=Row("totalt", "Totalt", [tb, tu, tb - tu, share(tu, tb)]),
        count_columns=set(),
    )
    notes = [
        "Budgeten avser hela kalenderår som perioden berör; utfallet är bokat i perioden.",
    ]
    return table, [], notes


# --- Distance travelled --------------------------------------------------------------------


def distance(filters: ReportFilters, ctx: Context):
    enrolments = f.active_in_period(f.enrolments(filters), filters)
    changes = distance_module.distance_travelled(distance_module.ratings_for(enrolments))
    rows = [
        Row(c.key, c.label, [c.people, c.improved, c.first_mean, c.latest_mean, c.change_mean])
        for c in changes
    ]
    table = Table(
        title="Stegförflyttning",
        columns=["antal", "forbattrade", "forsta", "senaste", "forandring"],
        column_labels=[
            "Skattade minst två gånger",
            "Förbättrade",
            "Medel första",
            "Medel senaste",
            "Förändring",
        ],
        rows=rows,
        count_columns={0, 1},
        derived_from={2: 0, 3: 0, 4: 0},
    )
    notes = ["Jämför varje persons första och senaste skattning på varje dimension."]
    if not distance_module.RATING_SOURCES:
        notes.insert(0, "Inga stegskattningar finns registrerade i stegvis än.")
    return table, [], notes


# --- Structural interventions: activities and volumes --------------------------------------


def volume(filters: ReportFilters, ctx: Context):
    activities = StructuralActivity.objects.filter(intervention__in=f.interventions(filters))
    if filters.date_from:
        activities = activities.filter(held_on__gte=filters.date_from)
    if filters.date_to:
        activities = activities.filter(held_on__lte=filters.date_to)
    sums = {
        r["kind"]: r
        for r in activities.values("kind")
        .annotate(
            n=Count("id"), people=Sum("attendees"), orgs=Sum("organisations"), hours=Sum("hours")
        )
        .order_by()
    }
    rows = []
    for key, label in StructuralActivity.Kind.choices:
        r = sums.get(key, {})
        rows.append(
            Row(
                key,
                label,
                [
                    r.get("n", 0),
                    r.get("people") or 0,
                    r.get("orgs") or 0,
                    float(r.get("hours") or 0),
                ],
            )
        )
    total = [sum(row.values[i] for row in rows) for i in range(4)]
    table = Table(
        title="Aktiviteter och volymer i strukturinsatser",
        columns=["aktiviteter", "deltagare", "organisationer", "timmar"],
        column_labels=["Aktiviteter", "Deltagare", "Organisationer", "Timmar"],
        rows=rows,
        total=Row("totalt", "Totalt", total),
        count_columns=set(),
    )
    return table, [], ["Strukturinsatser räknar aktiviteter och volymer i stället för deltagare."]


REPORTS: dict[str, ReportDefinition] = {
    d.name: d
    for d in [
        ReportDefinition(
            "age-gender",
            "Ålder och kön",
            "Deltagare per åldersgrupp och kön, ålder vid inskrivningen.",
            age_gender,
            chart_columns=("kvinna", "man", "annat"),
            chart_orientation="vertical",
        ),
        ReportDefinition(
            "exit-gender",
            "Avslutsorsak och kön",
            "Avslut per orsak och kön, med andelen till arbete eller studier.",
            exit_gender,
            chart_columns=("kvinna", "man", "annat"),
        ),
        ReportDefinition(
            "af-code-change",
            "AF-kod före och efter",
            "Inskrivningskod hos Arbetsförmedlingen vid start och vid avslut.",
            af_code_change,
            chart_columns=("fore", "efter"),
        ),
        ReportDefinition(
            "income-change",
            "Försörjning före och efter",
            "Försörjningskälla vid start och vid avslut.",
            income_change,
            chart_columns=("fore", "efter"),
        ),
        ReportDefinition(
            "followup",
            "Uppföljning efter avslut",
            "Vad deltagarna gör 6 och 12 månader efter avslutet.",
            followup,
            chart_columns=("m6", "m12"),
        ),
        ReportDefinition(
            "flow",
            "Flöde per månad",
            "Startade, avslutade och aktiva deltagare månad för månad.",
            flow,
            chart_columns=("startade", "avslutade", "aktiva"),
            chart_orientation="vertical",
        ),
        ReportDefinition(
            "goals",
            "Måluppfyllelse",
            "Insatsernas resultatmål och hur långt de har nåtts.",
            goals,
            uses=frozenset({"intervention", "period", "authority", "hub", "municipality"}),
            chart_columns=("mal", "utfall"),
        ),
        ReportDefinition(
            "budget",
            "Budget och utfall",
            "Budget och bokat utfall per finansiär.",
            budget,
            uses=frozenset({"intervention", "period", "authority", "hub"}),
            suppressible=False,
            chart_columns=("budget", "utfall"),
            chart_unit="kr",
        ),
        ReportDefinition(
            "distance",
            "Stegförflyttning",
            "Förändring mellan första och senaste skattning, per dimension.",
            distance,
            chart_columns=("forsta", "senaste"),
        ),
        ReportDefinition(
            "volume",
            "Strukturinsatser",
            "Aktiviteter, deltagare och timmar i strukturinriktade insatser.",
            volume,
            uses=frozenset({"intervention", "period", "hub"}),
            suppressible=False,
            chart_columns=("aktiviteter", "deltagare"),
        ),
    ]
}


def _lead_times(filters: ReportFilters, ctx: Context):
    from stegvis.reports import leadtimes

    return leadtimes.compute(filters, ctx)


REPORTS["lead-times"] = ReportDefinition(
    "lead-times",
    "Ledtider och glapp",
    "Dagar från anvisning till beslut och start, väntelistan, glapp mellan steg och byten "
    "per person: median och 90:e percentil.",
    _lead_times,
    chart_columns=("median", "p90"),
)


class UnknownReport(LookupError):
    pass


def compute_report(
    name: str,
    filters: ReportFilters,
    *,
    external: bool = False,
    as_of: date | None = None,
) -> Report:
    """Compute one report; ``external`` hides small cells (the federation's threshold)."""
    definition = REPORTS.get(name)
    if definition is None:
        raise UnknownReport(f"Rapporten '{name}' finns inte. Välj bland: {', '.join(REPORTS)}.")
    threshold = int(require_federation().setting("small_cell_threshold"))
    hide = external and definition.suppressible
    ctx = Context(as_of=as_of or timezone.localdate(), hide_below=threshold if hide else 0)
    table, extra, notes = definition.compute(filters, ctx)
    if hide:
        table = suppress(table, threshold)
        extra = [suppress(t, threshold) for t in extra]
        notes = [*notes, f"Värden under {threshold} visas som <{threshold} (extern användning)."]
        if table.secondary or any(t.secondary for t in extra):
            notes.append("Värden som visas som .. är dolda så att små tal inte kan räknas fram.")
    return Report(
        definition=definition,
        filters=filters,
        table=table,
        extra_tables=extra,
        notes=notes,
        external=hide,
        threshold=threshold,
    )


def build_report(
    name: str,
    *,
    intervention: Intervention | str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    authority=None,
    hub=None,
    municipality: str = "",
    external: bool = False,
    as_of: date | None = None,
) -> dict:
    """The report as ``{"report", "columns", "rows", "total"}`` (values aligned with columns).

    Counts are exact unless ``external`` is true; then small cells are the text ``"<5"``.
    Call inside a federation scope. ``intervention`` is an Intervention, its code, or None for
    every intervention.
    """
    if isinstance(intervention, str):
        found = Intervention.objects.filter(code=intervention).first()
        if found is None:
            raise LookupError(f"Insatsen '{intervention}' finns inte i förbundet.")
        intervention = found
    filters = ReportFilters(
        interventions=(intervention,) if intervention is not None else None,
        date_from=date_from,
        date_to=date_to,
        authority=authority,
        hub=hub,
        municipality=municipality,
    )
    return compute_report(name, filters, external=external, as_of=as_of).as_dict()
