"""The effect evaluation over the API: the JSON of ``stegvis evaluate effect`` for one
intervention against its comparison groups, computed and logged by the same service.

Fetching an estimate is an export of aggregates (as the Effekt page's downloads): it needs the
right to export reports and is logged. Members who must not see small counts (the reports'
rule) get the counts below the federation's threshold as ``"<5"``, and no estimate, interval,
balance or shares when either group is that small.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from stegvis.api.base import ERRORS, NotFound, PathId, require
from stegvis.core.roles import Perm
from stegvis.evaluation import selectors, services
from stegvis.evaluation.effects import EvaluationError
from stegvis.interventions.models import Intervention
from stegvis.reports.runner import InvalidPeriod, parse_period

router = Router(tags=["effektutvärdering"])

DAY = r"^\d{4}-\d{2}-\d{2}$"
MAX_BOOTSTRAP = 1000


class EffectQuery(Schema):
    comparison: str | None = Field(
        None,
        description="Jämförelsegruppernas koder, kommaseparerade (utan: insatsens förvalda grupp)",
    )
    date_from: str | None = Field(None, alias="from", pattern=DAY, description="Start från")
    date_to: str | None = Field(None, alias="to", pattern=DAY, description="Start till")
    bootstrap: int = Field(200, ge=0, le=MAX_BOOTSTRAP, description="Omdragningar för intervallet")


class EffectOut(Schema):
    intervention: str
    comparison: list[str]
    outcome: str
    method: str
    period: dict[str, str | None]
    n_treated: int | str
    n_comparison: int | str
    naive: dict[str, float | None]
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    share_comparison_weighted: float | None
    bootstrap: int
    left_out: dict[str, int | str]
    balance: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


def _hidden(data: dict, threshold: int) -> dict:
    """The estimate as a member who must not see small counts gets it."""

    def count(n):
        return f"<{threshold}" if isinstance(n, int) and 0 < n < threshold else n

    small = any(
        isinstance(data[k], int) and data[k] < threshold for k in ("n_treated", "n_comparison")
    )
    data["n_treated"] = count(data["n_treated"])
    data["n_comparison"] = count(data["n_comparison"])
    data["left_out"] = {k: count(v) for k, v in data["left_out"].items()}
    if small:
        for key in ("estimate", "ci_low", "ci_high", "share_comparison_weighted"):
            data[key] = None
        data["naive"] = dict.fromkeys(data["naive"])
        data["balance"] = []
        data["warnings"] = [
            *data["warnings"],
            {
                "code": "small_groups",
                "message": f"En grupp har färre än {threshold} personer: skattningen visas inte.",
            },
        ]
    return data


@router.get("/interventions/{intervention_id}/effect", response={200: EffectOut, **ERRORS})
def intervention_effect(request, intervention_id: PathId, query: Query[EffectQuery]):
    require(request, Perm.EXPORT_REPORTS)
    intervention = Intervention.objects.filter(
        pk=intervention_id, kind=Intervention.Kind.INDIVIDUAL
    ).first()
    if intervention is None:
        raise NotFound("Insatsen finns inte i förbundet.")
    try:
        date_from, date_to = parse_period(query.date_from, query.date_to, names=("from", "to"))
    except InvalidPeriod as exc:
        raise NinjaValidationError(
            [{"type": "value_error", "loc": ["query", exc.field], "msg": str(exc)}]
        ) from exc
    codes = [c.strip() for c in (query.comparison or "").split(",") if c.strip()]
    codes = codes or selectors.default_comparison(intervention)
    if not codes:
        raise NinjaValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "comparison"],
                    "msg": "Ange minst en jämförelsegrupp (comparison).",
                }
            ]
        )
    try:
        evaluation = services.effect_evaluate(
            actor=request.user,
            intervention_code=intervention.code,
            comparison_codes=codes,
            date_from=date_from,
            date_to=date_to,
            bootstrap=query.bootstrap,
            reason="effektskattning via API",
        )
    except EvaluationError as exc:
        raise NinjaValidationError(
            [{"type": "value_error", "loc": ["query", "comparison"], "msg": str(exc)}]
        ) from exc
    data = evaluation.as_dict()
    threshold = selectors.hide_below(request.membership, intervention)
    return _hidden(data, threshold) if threshold else data
