"""The effect on the treated (ATT) of an intervention on a binary outcome, with the diagnostics
a reviewer asks for (SPEC §8, docs/evaluation.md). No Django in here: the caller gives one
:class:`Unit` per person and gets an :class:`Estimate` back.

Method: a logistic propensity score (statsmodels Logit) on the intake
covariates; comparison people weighted by p / (1 − p) so that they resemble the treated
(inverse probability weighting for the ATT); the effect is the treated coefficient of a
weighted least-squares regression of the outcome on treatment (statsmodels WLS), which equals
the difference between the treated share and the weighted comparison share. The 95 % interval
is a percentile bootstrap that resamples within each group and refits the propensity model, so
the uncertainty of the weights is part of the interval.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from statsmodels.discrete.discrete_model import Logit
from statsmodels.regression.linear_model import WLS
from statsmodels.stats.weightstats import DescrStatsW
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)
from statsmodels.tools.tools import add_constant
from threadpoolctl import threadpool_limits

METHOD = "ipw_att"
METHOD_LABEL = (
    "Viktning med inversen av sannolikheten att delta (IPW, effekt på de som deltog), "
    "logistisk modell för sannolikheten, 95 % bootstrapintervall"
)
MISSING_LEVEL = "saknas"
OTHER_LEVEL = "övrigt"
# A category level held by fewer people than this is pooled into "övrigt": a dummy for two
# people only adds noise and separation to the propensity model.
MIN_LEVEL = 5
# Fewer people than this in a group: no estimate at all.
MIN_GROUP = 10
# Fewer than this: an estimate with a warning that it is uncertain.
SMALL_GROUP = 30
# |SMD| above this after weighting: the covariate is not balanced (a common rule of thumb).
SMD_LIMIT = 0.1
CLIP = 1e-6
PENALTY = 1.0  # L1 weight per coefficient of the fallback fit


@dataclass(frozen=True)
class Covariate:
    """``kind``: "numeric" (a number or None), "category" (a key or "" for missing) or
    "flags" (a list of keys, several may hold at once, e.g. income sources)."""

    name: str
    label: str
    kind: str
    levels: dict[str, str] = field(default_factory=dict)  # key -> label, for readable rows


@dataclass
class Unit:
    treated: bool
    outcome: bool
    values: dict  # covariate name -> value


@dataclass
class Notice:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass
class Balance:
    covariate: str
    label: str
    smd_before: float | None
    smd_after: float | None
    mean_treated: float
    mean_comparison: float
    mean_comparison_weighted: float | None

    def as_dict(self) -> dict:
        return {
            "covariate": self.covariate,
            "label": self.label,
            "smd_before": _round(self.smd_before),
            "smd_after": _round(self.smd_after),
        }


@dataclass
class Estimate:
    n_treated: int
    n_comparison: int
    share_treated: float | None
    share_comparison: float | None
    naive: float | None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    share_comparison_weighted: float | None = None
    balance: list[Balance] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    propensity_treated: list[float] = field(default_factory=list)
    propensity_comparison: list[float] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)  # per unit, in input order
    propensity: list[float] = field(default_factory=list)  # per unit, in input order
    effective_comparison: float | None = None  # Kish effective sample size of the weights
    bootstrap: int = 0

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Notice(code, message))

    def has_warning(self, code: str) -> bool:
        return any(w.code == code for w in self.warnings)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


# --- Design matrix -------------------------------------------------------------------------


@dataclass
class Design:
    matrix: np.ndarray  # without constant
    columns: list[str]  # stable keys, "covariate" or "covariate=level"
    labels: list[str]
    missing: dict[str, int]  # covariate label -> people without a value


def design(units: list[Unit], covariates: list[Covariate]) -> Design:
    """Numbers from covariates: numeric as is (missing: the mean and an indicator), one dummy
    per category level except the most common one (missing is a level of its own), one
    indicator per flag. Columns that do not vary are left out."""
    n = len(units)
    columns: list[np.ndarray] = []
    keys: list[str] = []
    labels: list[str] = []
    missing: dict[str, int] = {}

    def add(values, key, label):
        array = np.asarray(values, dtype=float)
        if n and np.ptp(array) > 0:
            columns.append(array)
            keys.append(key)
            labels.append(label)

    for cov in covariates:
        raw = [u.values.get(cov.name) for u in units]
        if cov.kind == "numeric":
            present = [v for v in raw if v is not None]
            if not present:
                continue
            gaps = n - len(present)
            if gaps:
                missing[cov.label] = gaps
            mean = float(np.mean(present))
            add([mean if v is None else v for v in raw], cov.name, cov.label)
            if gaps:
                add(
                    [1.0 if v is None else 0.0 for v in raw],
                    f"{cov.name}={MISSING_LEVEL}",
                    f"{cov.label}: uppgift saknas",
                )
        elif cov.kind == "category":
            levels = [v or MISSING_LEVEL for v in raw]
            if all(v == MISSING_LEVEL for v in levels):
                continue
            gaps = levels.count(MISSING_LEVEL)
            if gaps:
                missing[cov.label] = gaps
            counts = Counter(levels)
            reference = max(sorted(counts), key=lambda k: counts[k])
            rare = {v for v in counts if counts[v] < MIN_LEVEL}
            # Rare levels together make "övriga"; if even that is rare, they join the most
            # common level.
            pooled = OTHER_LEVEL if sum(counts[v] for v in rare) >= MIN_LEVEL else reference
            levels = [pooled if v in rare else v for v in levels]
            counts = Counter(levels)
            for level in sorted(counts):
                if level == reference:
                    continue
                name = (
                    "uppgift saknas"
                    if level == MISSING_LEVEL
                    else "övriga"
                    if level == OTHER_LEVEL
                    else cov.levels.get(level, level)
                )
                add(
                    [1.0 if v == level else 0.0 for v in levels],
                    f"{cov.name}={level}",
                    f"{cov.label}: {name}",
                )
        elif cov.kind == "flags":
            held = [set(v or ()) for v in raw]
            every = Counter(key for keys_ in held for key in keys_)
            if not every:
                continue
            gaps = sum(1 for keys_ in held if not keys_)
            if gaps:
                missing[cov.label] = gaps
            for key in sorted(every):
                if every[key] < MIN_LEVEL:
                    continue
                add(
                    [1.0 if key in keys_ else 0.0 for keys_ in held],
                    f"{cov.name}={key}",
                    f"{cov.label}: {cov.levels.get(key, key)}",
                )
        else:  # pragma: no cover - a programming error
            raise ValueError(f"unknown covariate kind {cov.kind}")
    matrix = np.column_stack(columns) if columns else np.zeros((n, 0))
    return Design(matrix=matrix, columns=keys, labels=labels, missing=missing)


# --- The estimator -------------------------------------------------------------------------


class SeparationError(Exception):
    """The covariates tell the groups apart perfectly: there is no common support."""


def propensity(matrix: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """P(treated | covariates) from a logistic regression (statsmodels Logit)."""
    # A resample may leave a covariate without variation: it says nothing, and would make
    # the model singular.
    matrix = matrix[:, np.ptp(matrix, axis=0) > 0] if matrix.size else matrix
    exog = add_constant(matrix, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        model = Logit(treated.astype(float), exog)
        try:
            result = model.fit(disp=0, maxiter=100)
            converged = result.mle_retvals.get("converged", True)
            score = result.predict(exog)
        except (PerfectSeparationWarning, PerfectSeparationError) as exc:
            raise SeparationError(str(exc)) from exc
        except np.linalg.LinAlgError:
            converged = False
        if not converged:
            # Quasi-separation (a covariate level held by one group only): a slightly
            # penalised fit (L1, the constant free) keeps the scores finite, and the overlap
            # check then judges whether the groups are comparable.
            alpha = np.full(exog.shape[1], PENALTY)
            alpha[0] = 0.0
            try:
                params = model.fit_regularized(
                    method="l1", alpha=alpha, disp=0, trim_mode="off"
                ).params
            except np.linalg.LinAlgError as exc:
                raise SeparationError(str(exc)) from exc
            score = model.predict(params, exog)
    return np.clip(np.asarray(score), CLIP, 1 - CLIP)


def att_weights(score: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """1 for the treated, p / (1 − p) for the comparison people."""
    return np.where(treated, 1.0, score / (1.0 - score))


def weighted_difference(outcome: np.ndarray, treated: np.ndarray, weights: np.ndarray) -> float:
    """The treated coefficient of WLS(outcome ~ 1 + treated): treated share minus the weighted
    comparison share."""
    exog = add_constant(treated.astype(float), has_constant="add")
    return float(WLS(outcome, exog, weights=weights).fit().params[1])


def _att(matrix, treated, outcome) -> tuple[float, np.ndarray, np.ndarray]:
    score = propensity(matrix, treated)
    weights = att_weights(score, treated)
    return weighted_difference(outcome, treated, weights), score, weights


def smd(values: np.ndarray, treated: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Standardised mean difference: (mean treated − mean comparison) / pooled SD, the SD of
    the unweighted groups (so before and after share a denominator)."""
    t, c = values[treated], values[~treated]
    sd = np.sqrt((DescrStatsW(t).var + DescrStatsW(c).var) / 2)
    mean_c = DescrStatsW(c, weights=None if weights is None else weights[~treated]).mean
    difference = DescrStatsW(t).mean - mean_c
    if sd == 0:
        return 0.0
    return float(difference / sd)


def estimate_att(
    units: list[Unit],
    covariates: list[Covariate],
    *,
    bootstrap: int = 200,
    seed: int = 20261201,
) -> Estimate:
    # Hundreds of small fits: BLAS threads only contend for the cores (ten times slower on a
    # busy machine), so the whole estimate runs single-threaded.
    with threadpool_limits(limits=1):
        return _estimate_att(units, covariates, bootstrap=bootstrap, seed=seed)


def _estimate_att(units, covariates, *, bootstrap: int, seed: int) -> Estimate:
    treated = np.array([u.treated for u in units], dtype=bool)
    outcome = np.array([1.0 if u.outcome else 0.0 for u in units])
    n_t, n_c = int(treated.sum()), int((~treated).sum())
    share_t = float(outcome[treated].mean()) if n_t else None
    share_c = float(outcome[~treated].mean()) if n_c else None
    naive = share_t - share_c if n_t and n_c else None
    result = Estimate(
        n_treated=n_t, n_comparison=n_c, share_treated=share_t, share_comparison=share_c,
        naive=naive,
    )  # fmt: skip
    if min(n_t, n_c) < MIN_GROUP:
        result.warn(
            "too_few",
            f"För få personer för en skattning: {n_t} deltagare och {n_c} i jämförelsegruppen "
            f"(minst {MIN_GROUP} i varje grupp behövs). Ingen effekt visas.",
        )
        return result
    if min(n_t, n_c) < SMALL_GROUP:
        result.warn(
            "small_groups",
            f"Små grupper ({n_t} deltagare, {n_c} i jämförelsegruppen): skattningen är osäker "
            "och intervallet brett. Läs den som en fingervisning, inte som ett resultat.",
        )
    data = design(units, covariates)
    for label, gaps in data.missing.items():
        result.warn(
            "missing_covariates",
            f"Uppgift saknas om {label.lower()} för {gaps} av {len(units)} personer; de "
            "jämförs som en egen grupp (”uppgift saknas”).",
        )
    matrix = data.matrix
    try:
        estimate, score, weights = _att(matrix, treated, outcome)
    except SeparationError:
        result.warn(
            "no_overlap",
            "Grupperna överlappar inte: bakgrundsvariablerna skiljer deltagarna helt från "
            "jämförelsegruppen (till exempel olika åldrar eller försörjning), så det finns "
            "ingen jämförbar person att jämföra med. Ingen effekt kan skattas; välj en annan "
            "jämförelsegrupp.",
        )
        result.balance = _balance(data, treated, None)
        return result
    result.propensity = score.tolist()
    result.weights = weights.tolist()
    result.propensity_treated = score[treated].tolist()
    result.propensity_comparison = score[~treated].tolist()
    result.balance = _balance(data, treated, weights)
    comparison_weights = weights[~treated]
    effective = float(comparison_weights.sum() ** 2 / (comparison_weights**2).sum())
    result.effective_comparison = effective
    top = float(score[~treated].max())
    outside = float((score[treated] > top + 1e-9).mean())
    if outside >= 0.5 or effective < 2:
        result.warn(
            "no_overlap",
            f"Grupperna överlappar nästan inte: {outside:.0%} av deltagarna har högre "
            "sannolikhet att delta än någon i jämförelsegruppen. Ingen effekt visas; välj en "
            "jämförelsegrupp som liknar deltagarna mer.",
        )
        return result
    if outside > 0.1 or effective < max(MIN_GROUP, 0.1 * n_c):
        result.warn(
            "poor_overlap",
            f"Svag överlappning: {outside:.0%} av deltagarna saknar jämförbara personer och "
            f"jämförelsegruppen väger som {effective:.0f} personer efter viktningen. "
            "Skattningen vilar på få jämförbara personer.",
        )
    result.estimate = estimate
    result.share_comparison_weighted = float(
        np.average(outcome[~treated], weights=comparison_weights)
    )
    unbalanced = [b.label for b in result.balance if abs(b.smd_after or 0) > SMD_LIMIT]
    if unbalanced:
        result.warn(
            "unbalanced",
            "Grupperna skiljer sig fortfarande efter viktningen i: "
            + ", ".join(unbalanced)
            + f" (standardiserad skillnad över {SMD_LIMIT}). Skattningen kan vara snedvriden.",
        )
    low, high, done = _bootstrap(matrix, treated, outcome, bootstrap, seed)
    result.bootstrap = done
    if done < max(20, bootstrap // 2):
        result.warn(
            "unstable",
            "Intervallet kunde inte beräknas: modellen gick inte att skatta i de flesta "
            "omdragningarna. Skattningen ska inte användas.",
        )
        return result
    result.ci_low, result.ci_high = low, high
    if low <= 0 <= high:
        result.warn(
            "not_significant",
            "Intervallet innehåller noll: data kan inte skilja effekten från ingen effekt.",
        )
    return result


def _balance(data: Design, treated: np.ndarray, weights: np.ndarray | None) -> list[Balance]:
    rows = []
    for index, key in enumerate(data.columns):
        values = data.matrix[:, index]
        rows.append(
            Balance(
                covariate=key,
                label=data.labels[index],
                smd_before=smd(values, treated),
                smd_after=None if weights is None else smd(values, treated, weights),
                mean_treated=float(values[treated].mean()),
                mean_comparison=float(values[~treated].mean()),
                mean_comparison_weighted=None
                if weights is None
                else float(np.average(values[~treated], weights=weights[~treated])),
            )
        )
    return rows


def _bootstrap(matrix, treated, outcome, rounds: int, seed: int):
    """Percentile interval: resample the treated and the comparison people separately (the
    group sizes stay fixed), refit the propensity model, re-weight, re-estimate."""
    if rounds <= 0:
        return None, None, 0
    rng = np.random.default_rng(seed)
    t_index = np.flatnonzero(treated)
    c_index = np.flatnonzero(~treated)
    draws = []
    for _ in range(rounds):
        index = np.concatenate(
            [rng.choice(t_index, t_index.size), rng.choice(c_index, c_index.size)]
        )
        try:
            value, _score, _weights = _att(matrix[index], treated[index], outcome[index])
        except SeparationError:
            continue
        draws.append(value)
    if not draws:
        return None, None, 0
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high), len(draws)


def propensity_histogram(result: Estimate, bins: int = 10) -> list[tuple[str, int, int]]:
    """(bin label, treated count, comparison count) over [0, 1] in ``bins`` equal bins."""
    edges = np.linspace(0, 1, bins + 1)
    treated, _ = np.histogram(result.propensity_treated, bins=edges)
    comparison, _ = np.histogram(result.propensity_comparison, bins=edges)
    rows = []
    for i in range(bins):
        label = f"{edges[i]:.1f}–{edges[i + 1]:.1f}".replace(".", ",")
        rows.append((label, int(treated[i]), int(comparison[i])))
    return rows
