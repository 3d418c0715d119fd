"""Reads of the evaluation app that decide what a member may see: the Effekt page shows
aggregates only, with small counts hidden as in reports (reports.access)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from stegvis.core.models import Membership
from stegvis.evaluation import effects, presentation, returns
from stegvis.evaluation.models import ComparisonCohort
from stegvis.interventions.models import Intervention
from stegvis.reports import access
from stegvis.reports.filters import ReportFilters

# Bootstrap rounds behind the page's interval (the command line takes --bootstrap).
PAGE_BOOTSTRAP = 200


def hide_below(membership: Membership, intervention: Intervention) -> int:
    """0 when the member sees exact counts for the intervention, else the threshold."""
    filters = ReportFilters(interventions=(intervention,))
    if access.must_hide_small_cells(membership, filters, asked=False):
        return int(membership.federation.setting("small_cell_threshold"))
    return 0


def comparison_choices(intervention: Intervention) -> list[tuple[str, str]]:
    """Every group the intervention can be compared with: cohorts first, then interventions."""
    cohorts = [
        (c.code, f"{c.code} {c.name} ({c.get_source_display().lower()})")
        for c in ComparisonCohort.objects.order_by("code")
    ]
    others = [
        (i.code, f"{i.code} {i.name}")
        for i in Intervention.objects.filter(kind=Intervention.Kind.INDIVIDUAL)
        .exclude(pk=intervention.pk)
        .order_by("code")
    ]
    return cohorts + others


def default_comparison(intervention: Intervention) -> list[str]:
    return list(
        ComparisonCohort.objects.filter(intervention=intervention)
        .order_by("code")
        .values_list("code", flat=True)[:1]
    )


def effect_view(
    *,
    membership: Membership,
    intervention: Intervention,
    comparison_codes: list[str],
    date_from: date | None = None,
    date_to: date | None = None,
) -> presentation.EffectView:
    comparisons = effects.resolve_comparisons(comparison_codes, intervention)
    evaluation = effects.evaluate(
        intervention=intervention,
        comparisons=comparisons,
        date_from=date_from,
        date_to=date_to,
        bootstrap=PAGE_BOOTSTRAP,
    )
    economy = returns.socio_economic_return(evaluation, today=timezone.localdate())
    return presentation.build(evaluation, economy, hide_below=hide_below(membership, intervention))
