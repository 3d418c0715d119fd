"""Lead times and gaps in the chain (report ``lead-times``): how long people wait between
referral, decision and start, how long they stand on the waiting list, the days between one
step's end and the next one's start, and how often they change intervention.

Medians are Python's :func:`statistics.median`; the 90th percentile is the nearest rank (the
smallest value with at least 90 % of the values at or below it), NumPy's ``inverted_cdf``.
The filters select referrals by their referral date (anvisningsdatum).
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import QuerySet

from stegvis.core.tenancy import require_federation
from stegvis.reports.filters import ReportFilters, excluded_exit_reasons
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


@dataclass
class Case:
    """One referral's dates."""

    pk: int
    participant_id: int
    intervention_id: int
    authority_id: int | None
    hub_id: int | None
    status: str
    referred_on: date
    decided_on: date | None
    start_date: date | None

    @property
    def to_decision(self) -> int | None:
        return (self.decided_on - self.referred_on).days if self.decided_on else None

    @property
    def decision_to_start(self) -> int | None:
        if self.status != "accepted" or not self.decided_on or not self.start_date:
            return None
        return (self.start_date - self.decided_on).days

    @property
    def to_start(self) -> int | None:
        if self.status != "accepted" or not self.start_date:
            return None
        return (self.start_date - self.referred_on).days


def cases(filters: ReportFilters) -> list[Case]:
    rows = (
        referrals(filters)
        .values(
            "pk",
            "participant_id",
            "intervention_id",
            "referring_authority_id",
            "intervention__hub_id",
            "status",
            "referred_on",
            "decided_on",
            "enrolments__start_date",
        )
        .order_by("referred_on", "pk")
    )
    found: dict[int, Case] = {}
    for r in rows:
        found.setdefault(
            r["pk"],
            Case(
                r["pk"],
                r["participant_id"],
                r["intervention_id"],
                r["referring_authority_id"],
                r["intervention__hub_id"],
                r["status"],
                r["referred_on"],
                r["decided_on"],
                r["enrolments__start_date"],
            ),
        )
    return list(found.values())


def _gaps(filters: ReportFilters) -> list[int]:
    """Days between the end of one step and the start of the person's next step, for next
    steps in the selection whose referral (or, without one, start) falls in the period."""
    from stegvis.participants.models import Enrolment

    excluded = sorted(excluded_exit_reasons())
    steps = Enrolment.objects.exclude(exit_reason__in=excluded).values(
        "participant_id",
        "intervention_id",
        "start_date",
        "end_date",
        "referral__referred_on",
        "referral__referring_authority_id",
        "intervention__hub_id",
        "participant__municipality",
    )
    by_person = defaultdict(list)
    for s in steps.order_by("participant_id", "start_date", "id"):
        by_person[s["participant_id"]].append(s)
    ids = filters.intervention_ids
    gaps = []
    for chain in by_person.values():
        for before, after in itertools.pairwise(chain):
            if before["end_date"] is None:
                continue
            day = after["referral__referred_on"] or after["start_date"]
            if ids is not None and after["intervention_id"] not in ids:
                continue
            if filters.date_from and day < filters.date_from:
                continue
            if filters.date_to and day > filters.date_to:
                continue
            if (
                filters.authority
                and after["referral__referring_authority_id"] != filters.authority.pk
            ):
                continue
            if filters.hub and after["intervention__hub_id"] != filters.hub.pk:
                continue
            if filters.municipality and after["participant__municipality"] != filters.municipality:
                continue
            gaps.append(max(0, (after["start_date"] - before["end_date"]).days))
    return gaps


def _changes_per_person(found: list[Case]) -> list[int]:
    """For each person referred in the selection: how many times they changed intervention
    (their steps in the federation, minus one)."""
    from stegvis.participants.models import Enrolment

    people = {c.participant_id for c in found}
    steps = defaultdict(int)
    for pid in (
        Enrolment.objects.filter(participant_id__in=people)
        .exclude(exit_reason__in=sorted(excluded_exit_reasons()))
        .values_list("participant_id", flat=True)
    ):
        steps[pid] += 1
    return [max(0, steps[p] - 1) for p in sorted(people) if steps[p]]


def _row(key: str, label: str, values: list[int], over: int | None = None) -> Row:
    return Row(key, label, [len(values), median(values), p90(values), over])


def compute(filters: ReportFilters, ctx):
    target = target_days()
    found = cases(filters)
    to_decision = [c.to_decision for c in found if c.to_decision is not None]
    decision_start = [c.decision_to_start for c in found if c.decision_to_start is not None]
    to_start = [c.to_start for c in found if c.to_start is not None]
    waiting = [(ctx.as_of - c.referred_on).days for c in found if c.status == "pending"]
    waitlist = [
        (ctx.as_of - c.decided_on).days for c in found if c.status == "waitlisted" and c.decided_on
    ]
    rows = [
        _row(
            "anvisning_beslut",
            "Anvisning till beslut",
            to_decision,
            sum(1 for d in to_decision if d > target),
        ),
        _row("beslut_start", "Beslut till start", decision_start),
        _row("anvisning_start", "Anvisning till start", to_start),
        _row(
            "vantar_beslut",
            "Väntar på beslut (dagar hittills)",
            waiting,
            sum(1 for d in waiting if d > target),
        ),
        _row("vantelista", "På väntelistan (dagar hittills)", waitlist),
        _row("glapp", "Glapp mellan två steg", _gaps(filters)),
        _row(
            "byten_per_person",
            "Byten av insats per person (antal, inte dagar)",
            _changes_per_person(found),
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
        _by(found, "Per insats", _intervention_labels(), lambda c: c.intervention_id),
        _by(found, "Per anvisande huvudman", _authority_labels(), lambda c: c.authority_id),
        _by(found, "Per knutpunkt", _hub_labels(), lambda c: c.hub_id),
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


def _by(found: list[Case], title: str, labels: dict, key) -> Table:
    groups: dict = defaultdict(list)
    for c in found:
        groups[key(c)].append(c)
    rows = []
    for group_key in sorted(groups, key=lambda k: labels.get(k, "Uppgift saknas")):
        items = groups[group_key]
        decided = [c.to_decision for c in items if c.to_decision is not None]
        started = [c.to_start for c in items if c.to_start is not None]
        rows.append(
            Row(
                str(group_key) if group_key is not None else "saknas",
                labels.get(group_key, "Uppgift saknas"),
                [
                    len(decided),
                    median(decided),
                    p90(decided),
                    len(started),
                    median(started),
                    p90(started),
                ],
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
