"""Lead times and gaps in the chain (report ``lead-times``): how long people wait between
referral, decision and start, how long they stand on the waiting list, the days between one
step's end and the next one's start, and how often they change intervention.

Medians are Python's :func:`statistics.median`; the 90th percentile is the nearest rank (the
smallest value with at least 90 % of the values at or below it), NumPy's ``inverted_cdf``.
The filters select referrals by their referral date (anvisningsdatum).

The report counts in the database: each lead time arrives as (days, count) pairs grouped by
SQL (:class:`Distribution`), and the gaps between a person's steps are found with a window
function, so the report's cost grows with the number of distinct day counts, not with a Python
object per referral or per step (10 000 000 enrolments would not fit in memory that way).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import date

import numpy as np
from django.db import connection
from django.db.models import Count, DateField, F, QuerySet, Value, Window
from django.db.models.functions import Cast, Coalesce, Lag

from stegvis.core.tenancy import require_federation
from stegvis.reports.filters import ReportFilters, excluded_exit_reasons
from stegvis.reports.sql import DaysBetween, days_between_sql
from stegvis.reports.tables import Row, Table

TARGET_SETTING = "lead_time_decision_days"


def target_days() -> int:
    return int(require_federation().setting(TARGET_SETTING))


def median(values: list[int]):
    """``statistics.median``; a whole number is given as an int (7, not 7.0)."""
    if not values:
        return None
    found = statistics.median(values)
    return int(found) if float(found).is_integer() else found


def p90(values: list[int]):
    """Nearest-rank 90th percentile: the smallest value with ≥ 90 % of values at or below."""
    if not values:
        return None
    return int(np.percentile(values, 90, method="inverted_cdf"))


def p90_rank(n: int) -> int:
    """The 0-based rank :func:`p90` takes among ``n`` sorted values (NumPy's ``inverted_cdf``
    rule, in the same floating point)."""
    index = n * (90 / 100) - 1
    below = math.floor(index)
    return max(0, below if index == below else below + 1)


class Distribution:
    """Whole-number values held as counts per value, as a SQL ``GROUP BY`` gives them. Its
    :meth:`median` and :meth:`p90` equal :func:`median` and :func:`p90` of the values listed
    one by one."""

    def __init__(self, counts: dict[int, int] | None = None):
        self.counts: dict[int, int] = defaultdict(int)
        for value, n in (counts or {}).items():
            self.add(value, n)

    def add(self, value: int, n: int = 1) -> None:
        if value is not None and n:
            self.counts[int(value)] += n

    def __len__(self) -> int:
        return sum(self.counts.values())

    def _at(self, ranks: list[int]) -> list[int]:
        """The values at these 0-based ranks (ascending) of the sorted values."""
        found, seen, wanted = [], 0, iter(ranks)
        rank = next(wanted, None)
        for value in sorted(self.counts):
            seen += self.counts[value]
            while rank is not None and rank < seen:
                found.append(value)
                rank = next(wanted, None)
            if rank is None:
                break
        return found

    def median(self):
        n = len(self)
        if not n:
            return None
        if n % 2:
            return self._at([n // 2])[0]
        low, high = self._at([n // 2 - 1, n // 2])
        found = (low + high) / 2
        return int(found) if found.is_integer() else found

    def p90(self):
        n = len(self)
        return self._at([p90_rank(n)])[0] if n else None

    def above(self, limit: int) -> int:
        return sum(n for value, n in self.counts.items() if value > limit)


def referrals(filters: ReportFilters) -> QuerySet:
    """Referrals the filters select (by referral date), without felregistreringar."""
    from stegvis.participants.models import Referral

    qs = Referral.objects.all()
    excluded = excluded_exit_reasons()
    if excluded:
        qs = qs.exclude(enrolments__exit_reason__in=sorted(excluded))
    ids = filters.intervention_ids
    if ids is not None:
        qs = qs.filter(intervention_id__in=ids)
    if filters.date_from:
        qs = qs.filter(referred_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(referred_on__lte=filters.date_to)
    if filters.authority is not None:
        qs = qs.filter(referring_authority=filters.authority)
    if filters.hub is not None:
        qs = qs.filter(intervention__hub=filters.hub)
    if filters.municipality:
        qs = qs.filter(participant__municipality=filters.municipality)
    return qs


def _row(key: str, label: str, values: Distribution, over: int | None = None) -> Row:
    return Row(key, label, [len(values), values.median(), values.p90(), over])


GROUPS = ("intervention_id", "referring_authority_id", "intervention__hub_id")


def _grouped(qs: QuerySet, days, keys=()) -> dict[tuple, Distribution]:
    """{group key: distribution of ``days``} for the referrals ``qs``; groups whose days are
    all NULL are there too, empty."""
    rows = qs.annotate(days=days).values(*keys, "days").annotate(n=Count("pk")).order_by()
    found: dict[tuple, Distribution] = defaultdict(Distribution)
    for r in rows:
        found[tuple(r[k] for k in keys)].add(r["days"], r["n"])
    return found


def _merged(groups: dict[tuple, Distribution], position: int | None = None) -> dict:
    """The distributions summed over every group (``position`` None) or per one part of the
    group key."""
    out: dict = defaultdict(Distribution)
    for key, found in groups.items():
        target = out[None if position is None else key[position]]
        for value, n in found.counts.items():
            target.add(value, n)
    return out


def _sql_distribution(sql: str, params) -> Distribution:
    """A ``SELECT value, COUNT(*) ... GROUP BY value`` as a distribution."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Distribution(dict(cursor.fetchall()))


def _gap_distribution(filters: ReportFilters) -> Distribution:
    """Days between the end of one step and the start of the person's next step, for next
    steps in the selection whose referral (or, without one, start) falls in the period. The
    previous step's end comes from ``LAG`` over the person's steps in start order, in SQL."""
    from stegvis.participants.models import Enrolment

    excluded = sorted(excluded_exit_reasons())
    steps = (
        Enrolment.objects.exclude(exit_reason__in=excluded)
        .annotate(
            step_start=F("start_date"),
            previous_end=Window(
                Lag("end_date"),
                partition_by=[F("participant_id")],
                order_by=[F("start_date").asc(), F("id").asc()],
            ),
        )
        .order_by()
    )
    columns, conditions, params = ["step_start", "previous_end"], [], []
    adapt = connection.ops.adapt_datefield_value
    ids = filters.intervention_ids
    if ids is not None:
        steps = steps.annotate(step_intervention=F("intervention_id"))
        columns.append("step_intervention")
        conditions.append(f"step_intervention IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if filters.date_from or filters.date_to:
        steps = steps.annotate(step_day=Coalesce("referral__referred_on", "start_date"))
        columns.append("step_day")
        if filters.date_from:
            conditions.append("step_day >= %s")
            params.append(adapt(filters.date_from))
        if filters.date_to:
            conditions.append("step_day <= %s")
            params.append(adapt(filters.date_to))
    if filters.authority:
        steps = steps.annotate(step_authority=F("referral__referring_authority_id"))
        columns.append("step_authority")
        conditions.append("step_authority = %s")
        params.append(filters.authority.pk)
    if filters.hub:
        steps = steps.annotate(step_hub=F("intervention__hub_id"))
        columns.append("step_hub")
        conditions.append("step_hub = %s")
        params.append(filters.hub.pk)
    if filters.municipality:
        steps = steps.annotate(step_municipality=F("participant__municipality"))
        columns.append("step_municipality")
        conditions.append("step_municipality = %s")
        params.append(filters.municipality)
    inner, inner_params = steps.values(*columns).query.sql_with_params()
    gap = days_between_sql(connection.vendor, "step_start", "previous_end")
    where = " AND ".join(["previous_end IS NOT NULL", *conditions])
    found = _sql_distribution(
        f"SELECT {gap}, COUNT(*) FROM ({inner}) steps WHERE {where} GROUP BY 1",  # noqa: S608
        [*inner_params, *params],
    )
    # A step that starts before the previous one ended counts as no gap.
    return Distribution(
        {0: sum(n for v, n in found.counts.items() if v <= 0)}
        | {v: n for v, n in found.counts.items() if v > 0}
    )


def _changes_distribution(filters: ReportFilters) -> Distribution:
    """For each person referred in the selection: how many times they changed intervention
    (their steps in the federation, minus one), counted per number in SQL."""
    from stegvis.participants.models import Enrolment

    per_person = (
        Enrolment.objects.filter(participant_id__in=referrals(filters).values("participant_id"))
        .exclude(exit_reason__in=sorted(excluded_exit_reasons()))
        .values("participant_id")
        .annotate(steps=Count("id"))
        .values("steps")
        .order_by()
    )
    inner, params = per_person.query.sql_with_params()
    found = _sql_distribution(
        f"SELECT steps, COUNT(*) FROM ({inner}) people GROUP BY steps",  # noqa: S608
        params,
    )
    return Distribution({max(0, steps - 1): n for steps, n in found.counts.items()})


def compute(filters: ReportFilters, ctx):
    target = target_days()
    selected = referrals(filters)
    as_of = Cast(Value(ctx.as_of), output_field=DateField())
    decided = _grouped(selected, DaysBetween("decided_on", "referred_on"), GROUPS)
    accepted = selected.filter(status="accepted")
    started = _grouped(accepted, DaysBetween("enrolments__start_date", "referred_on"), GROUPS)
    to_decision = _merged(decided)[None]
    decision_start = _merged(
        _grouped(accepted, DaysBetween("enrolments__start_date", "decided_on"))
    )[None]
    to_start = _merged(started)[None]
    waiting = _merged(
        _grouped(selected.filter(status="pending"), DaysBetween(as_of, "referred_on"))
    )[None]
    waitlist = _merged(
        _grouped(selected.filter(status="waitlisted"), DaysBetween(as_of, "decided_on"))
    )[None]
    rows = [
        _row("anvisning_beslut", "Anvisning till beslut", to_decision, to_decision.above(target)),
        _row("beslut_start", "Beslut till start", decision_start),
        _row("anvisning_start", "Anvisning till start", to_start),
        _row(
            "vantar_beslut",
            "Väntar på beslut (dagar hittills)",
            waiting,
            waiting.above(target),
        ),
        _row("vantelista", "På väntelistan (dagar hittills)", waitlist),
        _row("glapp", "Glapp mellan två steg", _gap_distribution(filters)),
        _row(
            "byten_per_person",
            "Byten av insats per person (antal, inte dagar)",
            _changes_distribution(filters),
        ),
    ]
    table = Table(
        title="Ledtider och glapp",
        columns=["antal", "median", "p90", "over_mal"],
        column_labels=["Antal", "Median (dagar)", "90:e percentilen (dagar)", "Över målet"],
        rows=rows,
        total=None,
        count_columns={0, 3},
        derived_from={1: 0, 2: 0},
    )
    extra = [
        _by(decided, started, 0, "Per insats", _intervention_labels()),
        _by(decided, started, 1, "Per anvisande huvudman", _authority_labels()),
        _by(decided, started, 2, "Per knutpunkt", _hub_labels()),
    ]
    notes = [
        f"Förbundets mål: beslut inom {target} dagar från anvisningen. "
        "Över målet räknar beslutade anvisningar som tog längre tid, och obeslutade som "
        "har väntat längre.",
        "Urvalet är anvisningar med anvisningsdatum i perioden. Beslut till start och "
        "anvisning till start räknar antagna anvisningar med startdatum; obeslutade räknas "
        "inte i ledtiderna.",
        "Glapp: dagar mellan ett avslutat steg och personens nästa steg (0 när de möts eller "
        "överlappar). Byten: antal steg per person minus ett.",
    ]
    return table, extra, notes


def _by(decided: dict, started: dict, position: int, title: str, labels: dict) -> Table:
    """One row per intervention, authority or hub with referrals in the selection."""
    to_decision, to_start = _merged(decided, position), _merged(started, position)
    rows = []
    for group_key in sorted(to_decision, key=lambda k: (labels.get(k, "Uppgift saknas"), str(k))):
        d, s = to_decision[group_key], to_start.get(group_key, Distribution())
        rows.append(
            Row(
                str(group_key) if group_key is not None else "saknas",
                labels.get(group_key, "Uppgift saknas"),
                [len(d), d.median(), d.p90(), len(s), s.median(), s.p90()],
            )
        )
    return Table(
        title=title,
        columns=[
            "antal_beslut",
            "median_beslut",
            "p90_beslut",
            "antal_start",
            "median_start",
            "p90_start",
        ],
        column_labels=[
            "Beslutade",
            "Median till beslut",
            "p90 till beslut",
            "Startade",
            "Median till start",
            "p90 till start",
        ],
        rows=rows,
        count_columns={0, 3},
        derived_from={1: 0, 2: 0, 4: 3, 5: 3},
    )


def _intervention_labels() -> dict:
    from stegvis.interventions.models import Intervention

    return {i.pk: f"{i.code} {i.name}" for i in Intervention.objects.all()}


def _authority_labels() -> dict:
    from stegvis.core.models import Authority

    return {a.pk: a.name for a in Authority.objects.all()}


def _hub_labels() -> dict:
    from stegvis.core.models import Hub

    return {h.pk: h.name for h in Hub.objects.all()}


def breaches(filters: ReportFilters, *, as_of: date) -> list:
    """Referrals over the federation's decision target: decided later than the target, or
    still undecided after it. Oldest first."""
    target = target_days()
    out = []
    for referral in referrals(filters).select_related("intervention").order_by("referred_on", "pk"):
        if referral.decided_on is not None:
            days = (referral.decided_on - referral.referred_on).days
        elif referral.status == "pending":
            days = (as_of - referral.referred_on).days
        else:
            continue
        if days > target:
            referral.lead_days = days
            out.append(referral)
    return out
