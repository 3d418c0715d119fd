"""Writes of the evaluation app, and the logged entry points of an effect evaluation."""

from __future__ import annotations

from datetime import date

from stegvis.core import audit
from stegvis.evaluation import effects


def effect_evaluate(
    *,
    actor,
    intervention_code: str,
    comparison_codes: list[str],
    outcome: str = "work_or_studies",
    date_from: date | None = None,
    date_to: date | None = None,
    bootstrap: int = 200,
    seed: int = 20261201,
    reason: str,
) -> effects.Evaluation:
    """Resolve the groups, estimate, and log that the aggregate was produced."""
    intervention = effects.resolve_intervention(intervention_code)
    comparisons = effects.resolve_comparisons(comparison_codes, intervention)
    evaluation = effects.evaluate(
        intervention=intervention,
        comparisons=comparisons,
        outcome=outcome,
        date_from=date_from,
        date_to=date_to,
        bootstrap=bootstrap,
        seed=seed,
    )
    audit.log(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type="effect_estimate",
        object_id=intervention.code,
        reason=reason,
        detail={
            "comparison": [c.code for c in comparisons],
            "outcome": outcome,
            "n_treated": evaluation.result.n_treated,
            "n_comparison": evaluation.result.n_comparison,
        },
    )
    return evaluation
