"""What a report counts: interventions, period and disaggregation (SPEC §8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from stegvis.core import reference
from stegvis.core.models import Authority, Hub
from stegvis.interventions.models import Intervention


@dataclass(frozen=True)
class ReportFilters:
    """``interventions`` None means every intervention in the federation. Without dates the
    whole history counts.

    ``authority`` is the referring authority (anvisande huvudman) for participant reports and
    the financier's authority for budget; ``hub`` is the intervention's hub; ``municipality``
    the participant's municipality.
    """

    interventions: tuple[Intervention, ...] | None = None
    date_from: date | None = None
    date_to: date | None = None
    authority: Authority | None = None
    hub: Hub | None = None
    municipality: str = ""

    @property
    def intervention_ids(self) -> list[int] | None:
        if self.interventions is None:
            return None
        return [i.pk for i in self.interventions]

    def period_text(self) -> str:
        if self.date_from and self.date_to:
            return f"{self.date_from:%Y-%m-%d} – {self.date_to:%Y-%m-%d}"
        if self.date_from:
            return f"från {self.date_from:%Y-%m-%d}"
        if self.date_to:
            return f"till och med {self.date_to:%Y-%m-%d}"
        return "hela historiken"

    def describe(self) -> str:
        parts = []
        if self.interventions is None:
            parts.append("Alla insatser")
        else:
            parts.append(", ".join(f"{i.code} {i.name}" for i in self.interventions))
        parts.append(f"Period: {self.period_text()}")
        if self.authority:
            parts.append(f"Huvudman: {self.authority.name}")
        if self.hub:
            parts.append(f"Knutpunkt: {self.hub.name}")
        if self.municipality:
            parts.append(f"Kommun: {self.municipality}")
        return " · ".join(parts)

    def with_interventions(self, interventions) -> ReportFilters:
        from dataclasses import replace

        return replace(self, interventions=tuple(interventions))


def excluded_exit_reasons() -> set[str]:
    """Exit reasons that take an enrolment out of every statistic (felregistrering)."""
    return reference.keys_with_flag(reference.Kind.EXIT_REASON, "excluded_from_statistics")


def enrolments(filters: ReportFilters) -> QuerySet:
    """Enrolments the filters select, without felregistreringar and without any period."""
    from stegvis.participants.models import Enrolment

    qs = Enrolment.objects.all()
    excluded = excluded_exit_reasons()
    if excluded:
        qs = qs.exclude(exit_reason__in=sorted(excluded))
    ids = filters.intervention_ids
    if ids is not None:
        qs = (
            qs.filter(intervention_id=ids[0])
            if len(ids) == 1
            else qs.filter(intervention_id__in=ids)
        )
    if filters.authority is not None:
        qs = qs.filter(referral__referring_authority=filters.authority)
    if filters.hub is not None:
        qs = qs.filter(intervention__hub=filters.hub)
    if filters.municipality:
        qs = qs.filter(participant__municipality=filters.municipality)
    return qs


def active_in_period(qs: QuerySet, filters: ReportFilters) -> QuerySet:
    """Active at any time in the period: started on or before its end, not ended before its
    start."""
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    if filters.date_from:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=filters.date_from))
    return qs


def exited_in_period(qs: QuerySet, filters: ReportFilters) -> QuerySet:
    qs = qs.filter(end_date__isnull=False)
    if filters.date_from:
        qs = qs.filter(end_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(end_date__lte=filters.date_to)
    return qs


def started_in_period(qs: QuerySet, filters: ReportFilters) -> QuerySet:
    if filters.date_from:
        qs = qs.filter(start_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    return qs


def interventions(filters: ReportFilters) -> QuerySet[Intervention]:
    qs = Intervention.objects.all()
    if filters.intervention_ids is not None:
        qs = qs.filter(pk__in=filters.intervention_ids)
    if filters.hub is not None:
        qs = qs.filter(hub=filters.hub)
    return qs.order_by("code")
