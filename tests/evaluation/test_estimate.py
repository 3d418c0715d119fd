"""The estimator against synthetic data with a known effect and confounded selection
(bench/bench_evaluation.py runs many more replicates)."""

from __future__ import annotations

import statistics

import pytest

from stegvis.evaluation import estimate as est
from stegvis.evaluation import synthetic

REPLICATES = 8
PEOPLE = 1600


@pytest.fixture(scope="module")
def replicates():
    runs = []
    for seed in range(REPLICATES):
        units, truth = synthetic.draw(PEOPLE, seed=seed)
        runs.append((est.estimate_att(units, synthetic.COVARIATES, bootstrap=80, seed=seed), truth))
    return runs


def test_adjusted_estimate_is_unbiased_within_ten_percent_of_the_truth(replicates):
    truth = replicates[0][1]
    mean = statistics.mean(r.estimate for r, _ in replicates)
    assert abs(mean - truth) <= 0.1 * truth


def test_interval_covers_the_truth_in_at_least_ninety_percent(replicates):
    covered = [r.ci_low <= truth <= r.ci_high for r, truth in replicates]
    assert sum(covered) / len(covered) >= 0.9


def test_naive_difference_is_visibly_biased_by_the_selection(replicates):
    truth = replicates[0][1]
    naive = statistics.mean(r.naive for r, _ in replicates)
    # Younger, more employable people are enrolled: the plain difference overstates the effect.
    assert naive - truth > 0.05
    assert all(r.naive > r.estimate for r, _ in replicates)


def test_weighting_balances_the_covariates(replicates):
    result, _ = replicates[0]
    age = next(b for b in result.balance if b.covariate == "age")
    assert abs(age.smd_before) > 0.3
    assert abs(age.smd_after) < est.SMD_LIMIT
    assert not result.has_warning("unbalanced")


def test_no_common_support_gives_no_overlap_and_no_estimate():
    units, _ = synthetic.draw(400, seed=3, shift=30)
    result = est.estimate_att(units, synthetic.COVARIATES, bootstrap=20)
    assert result.has_warning("no_overlap")
    assert result.estimate is None
    assert result.ci_low is None
    assert result.naive is not None


def test_ample_overlap_has_no_overlap_warning(replicates):
    for result, _ in replicates:
        assert not result.has_warning("no_overlap")
        assert not result.has_warning("poor_overlap")


def test_too_few_people_give_no_estimate():
    units, _ = synthetic.draw(20, seed=1)
    result = est.estimate_att(units, synthetic.COVARIATES, bootstrap=10)
    assert result.has_warning("too_few")
    assert result.estimate is None


def test_missing_numeric_covariate_gets_an_indicator_and_a_warning():
    units, _ = synthetic.draw(300, seed=4)
    for unit in units[::3]:
        unit.values["years_in_sweden"] = None
    result = est.estimate_att(units, synthetic.COVARIATES, bootstrap=10)
    keys = [b.covariate for b in result.balance]
    assert "years_in_sweden" in keys
    assert "years_in_sweden=saknas" in keys
    messages = [w.message for w in result.warnings if w.code == "missing_covariates"]
    assert messages == [
        "Uppgift saknas om år i sverige för 100 av 300 personer; de jämförs "
        "som en egen grupp (”uppgift saknas”)."
    ]


def test_same_seed_gives_the_same_interval():
    units, _ = synthetic.draw(300, seed=5)
    first = est.estimate_att(units, synthetic.COVARIATES, bootstrap=30, seed=9)
    second = est.estimate_att(units, synthetic.COVARIATES, bootstrap=30, seed=9)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)
