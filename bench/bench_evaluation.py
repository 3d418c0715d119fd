"""Benchmark 5: the effect estimator against synthetic data with a known effect and confounded
selection (stegvis.evaluation.synthetic), over many independent draws.

Measures: the adjusted estimate's mean bias as a share of the true effect (target ≤ 10 %), the
naive difference's bias beside it, how often the 95 % bootstrap interval covers the truth
(target ≥ 90 %), and the time of one estimate with its interval. The test suite runs the same
check on a few draws (tests/evaluation/test_estimate.py).
"""

from __future__ import annotations

import statistics
import time

from bench.common import number, save

REPLICATES = 50
PEOPLE = 2000
BOOTSTRAP = 200


def run(replicates: int = REPLICATES) -> dict:
    from stegvis.evaluation import estimate as est
    from stegvis.evaluation import synthetic

    estimates, naive, covered, seconds = [], [], [], []
    truth = 0.0
    for seed in range(replicates):
        units, truth = synthetic.draw(PEOPLE, seed=10_000 + seed)
        started = time.perf_counter()
        result = est.estimate_att(
            units, synthetic.COVARIATES, bootstrap=BOOTSTRAP, seed=10_000 + seed
        )
        seconds.append(time.perf_counter() - started)
        estimates.append(result.estimate)
        naive.append(result.naive)
        covered.append(result.ci_low <= truth <= result.ci_high)
    bias = statistics.mean(estimates) - truth
    naive_bias = statistics.mean(naive) - truth
    coverage = sum(covered) / len(covered)
    per_estimate = statistics.median(seconds)
    result = {
        "name": "evaluation",
        "replicates": replicates,
        "people": PEOPLE,
        "bootstrap": BOOTSTRAP,
        "true_effect": truth,
        "mean_estimate": statistics.mean(estimates),
        "mean_naive": statistics.mean(naive),
        "coverage": coverage,
        "measures": [
            {
                "measure": f"skevhet, justerad skattning ({replicates} dragningar)",
                "subject": f"{100 * abs(bias) / truth:.1f} % av effekten",
                "baseline": f"{100 * abs(naive_bias) / truth:.1f} % (enkel skillnad)",
                "ratio": abs(bias) / abs(naive_bias) if naive_bias else 0.0,
                "target": "≤ 10 % av effekten",
                "met": abs(bias) <= 0.1 * truth,
            },
            {
                "measure": "täckning, 95 % intervall",
                "subject": f"{100 * coverage:.0f} %",
                "baseline": "95 % (nominellt)",
                "ratio": coverage / 0.95,
                "target": "≥ 90 %",
                "met": coverage >= 0.9,
            },
            {
                "measure": f"tid per skattning ({PEOPLE} personer, {BOOTSTRAP} omdragningar)",
                "subject": f"{number(per_estimate * 1000)} ms",
                "baseline": "–",
                "ratio": 1.0,
                "target": "–",
                "met": True,
            },
        ],
    }
    save(result)
    return result
