"""Synthetic participants with a known effect and confounded selection, to check the estimator
(tests/evaluation and bench/bench_evaluation.py).

Younger people, women and people without "arbetssökande med förhinder" (AF code 14) are both
more likely to be enrolled and more likely to reach work or studies anyway, so the naive
difference overstates the effect. The intervention adds ``effect`` to everyone's probability of
work or studies, so the true effect on the treated is exactly ``effect``.
"""

from __future__ import annotations

import math

import numpy as np

from stegvis.evaluation.estimate import Covariate, Unit

COVARIATES = [
    Covariate("age", "Ålder vid start", "numeric"),
    Covariate("gender", "Kön", "category"),
    Covariate("af_code", "AF-kod vid start", "category"),
    Covariate("income", "Försörjning vid start", "flags"),
    Covariate("years_in_sweden", "År i Sverige", "numeric"),
]


def draw(
    n: int, *, effect: float = 0.15, seed: int = 0, shift: float = 0.0
) -> tuple[list[Unit], float]:
    """``n`` people, about a third of them treated; returns them and the true effect.

    ``shift`` moves the treated group's ages (a large shift removes the common support)."""
    rng = np.random.default_rng(seed)
    units = []
    for _ in range(n):
        age = float(rng.uniform(20, 60))
        woman = bool(rng.random() < 0.5)
        af = str(rng.choice(["11", "14", "EJ_AKTUELL"], p=[0.5, 0.3, 0.2]))
        income = ["ekonomiskt_bistand"] if rng.random() < 0.6 else ["etableringsersattning"]
        years = float(rng.uniform(0, 10))
        logit = (
            -0.8
            - 0.07 * (age - 40)
            + 0.6 * woman
            - 0.8 * (af == "14")
            + 0.4 * (income == ["ekonomiskt_bistand"])
            + 0.05 * (years - 5)
        )
        treated = bool(rng.random() < 1 / (1 + math.exp(-logit)))
        if shift:
            age = age - shift if treated else age + shift
        base = (
            0.45
            - 0.008 * (age - 40)
            + 0.08 * woman
            - 0.18 * (af == "14")
            - 0.05 * (income == ["ekonomiskt_bistand"])
            + 0.01 * (years - 5)
        )
        base = min(0.8, max(0.05, base))
        chance = base + effect if treated else base
        units.append(
            Unit(
                treated=treated,
                outcome=bool(rng.random() < chance),
                values={
                    "age": round(age),
                    "gender": "kvinna" if woman else "man",
                    "af_code": af,
                    "income": income,
                    "years_in_sweden": round(years),
                },
            )
        )
    return units, effect
