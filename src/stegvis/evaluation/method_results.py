"""The effect estimate as a result of the knowledge bank's methods (SPEC §8–9).

A method's effect is read from the latest estimate kept for each of its interventions
(:class:`~stegvis.evaluation.models.EffectResult`, written whenever an evaluation runs): with one
intervention that estimate and its bootstrap interval; with several, their random-effects
combination (statsmodels' ``combine_effects``, DerSimonian–Laird), each estimate's variance taken
from its 95 % interval. In percentage points; the number behind it is the treated people.
"""

from __future__ import annotations

from stegvis.evaluation.models import EffectResult
from stegvis.knowledge.results import RESULT_SOURCES, Figure, ResultSource

KEY = "effect"
LABEL = "Effekt (procentenheter)"
OUTCOME = "work_or_studies"


def _pp(value: float) -> float:
    return round(100 * float(value), 1)


def effect_figure(interventions: list, filters) -> Figure | None:
    # Imported here, not at start-up: SciPy and statsmodels are slow to load.
    import numpy as np
    from scipy.stats import norm
    from statsmodels.stats.meta_analysis import combine_effects

    rows = list(
        EffectResult.objects.filter(
            intervention__in=interventions,
            outcome=OUTCOME,
            estimate__isnull=False,
            ci_low__isnull=False,
            ci_high__isnull=False,
        ).order_by("intervention__code")
    )
    if not rows:
        return None
    people = sum(r.n_treated for r in rows)
    if len(rows) == 1:
        (r,) = rows
        return Figure(_pp(r.estimate), people, _pp(r.ci_low), _pp(r.ci_high), unit="procentenheter")
    effects = np.array([r.estimate for r in rows], dtype=float)
    # A zero-width interval (no variation) would get infinite weight: give it a tiny variance.
    z = float(norm.ppf(0.975))
    variances = np.array(
        [max(((r.ci_high - r.ci_low) / (2 * z)) ** 2, 1e-8) for r in rows], dtype=float
    )
    combined = combine_effects(effects, variances, method_re="chi2")
    low, high = combined.conf_int(alpha=0.05)[1]
    return Figure(_pp(combined.mean_effect_re), people, _pp(low), _pp(high), unit="procentenheter")


if not any(source.key == KEY for source in RESULT_SOURCES):
    RESULT_SOURCES.append(ResultSource(KEY, LABEL, effect_figure))
