"""``stegvis evaluate effect``: the JSON contract, the groups it counts and its errors."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import federation_scope

CONTRACT_KEYS = {
    "intervention", "comparison", "outcome", "method", "n_treated", "n_comparison", "naive",
    "estimate", "ci_low", "ci_high", "balance", "warnings",
}  # fmt: skip


def run(*extra, slug="alfa", intervention="INS-1", comparison="INS-2", bootstrap="40"):
    out = io.StringIO()
    call_command(
        "evaluate", "effect", "--federation", slug, "--intervention", intervention,
        "--comparison", comparison, "--outcome", "work_or_studies", "--format", "json",
        "--bootstrap", bootstrap, *extra, stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def codes(result) -> set[str]:
    return {w["code"] for w in result["warnings"]}


def test_prints_the_contract_shape_with_proportions(populate, intervention, other_intervention):
    populate(intervention, 60, 0.6, seed=1)
    populate(other_intervention, 80, 0.4, seed=2)
    result = run()
    assert set(result) >= CONTRACT_KEYS
    assert result["intervention"] == "INS-1"
    assert result["comparison"] == ["INS-2"]
    assert result["outcome"] == "work_or_studies"
    assert result["method"] == "ipw_att"
    assert (result["n_treated"], result["n_comparison"]) == (60, 80)
    naive = result["naive"]
    assert naive["estimate"] == pytest.approx(
        naive["share_treated"] - naive["share_comparison"], abs=1e-4
    )
    assert -1 <= result["ci_low"] <= result["estimate"] <= result["ci_high"] <= 1
    assert {"covariate", "smd_before", "smd_after"} <= set(result["balance"][0])
    assert "age" in {b["covariate"] for b in result["balance"]}
    assert "no_overlap" not in codes(result)


def test_naive_estimate_is_the_plain_difference_of_shares(enrol, intervention, other_intervention):
    start, end = date(2024, 2, 1), date(2024, 9, 1)
    for i in range(20):
        enrol(intervention, start, end, "arbete" if i < 15 else "annat", age=30 + i)
    for i in range(20):
        enrol(other_intervention, start, end, "studier" if i < 5 else "annat", age=30 + i)
    result = run(bootstrap="0")
    assert result["naive"]["estimate"] == 0.5  # 15/20 − 5/20


def test_active_enrolments_are_left_out_and_counted(
    enrol, populate, intervention, other_intervention
):
    populate(intervention, 30, 0.5, seed=3)
    populate(other_intervention, 30, 0.5, seed=4)
    for _ in range(3):
        enrol(intervention, date(2024, 5, 1))
    enrol(other_intervention, date(2024, 5, 1))
    result = run()
    assert (result["n_treated"], result["n_comparison"]) == (30, 30)
    warning = next(w for w in result["warnings"] if w["code"] == "active_left_out")
    assert warning["message"].startswith("4 pågående deltaganden")
    assert result["left_out"]["active_treated"] == 3


def test_no_active_warning_when_everyone_has_left(populate, intervention, other_intervention):
    populate(intervention, 30, 0.5, seed=3)
    populate(other_intervention, 30, 0.5, seed=4)
    assert "active_left_out" not in codes(run())


def test_felregistrering_is_not_counted(enrol, populate, intervention, other_intervention):
    populate(intervention, 30, 0.5, seed=5)
    populate(other_intervention, 30, 0.5, seed=6)
    enrol(intervention, date(2024, 3, 1), date(2024, 3, 2), "felregistrering")
    enrol(other_intervention, date(2024, 3, 1), date(2024, 3, 2), "felregistrering")
    result = run()
    assert (result["n_treated"], result["n_comparison"]) == (30, 30)


def test_period_filters_on_start_date(enrol, populate, intervention, other_intervention):
    populate(intervention, 30, 0.5, seed=7)  # starts 2024-01-10 … 2024-02-08
    populate(other_intervention, 30, 0.5, seed=8)
    enrol(intervention, date(2023, 12, 31), date(2024, 6, 1), "arbete")
    enrol(intervention, date(2025, 1, 1), date(2025, 6, 1), "arbete")
    result = run("--from", "2024-01-01", "--to", "2024-12-31")
    assert result["n_treated"] == 30
    assert run()["n_treated"] == 32
    assert run("--from", "2025-01-01", bootstrap="0")["n_treated"] == 1


def test_no_common_support_is_said(enrol, intervention, other_intervention):
    start, end = date(2024, 2, 1), date(2024, 9, 1)
    for i in range(30):
        enrol(intervention, start, end, "arbete" if i % 2 else "annat", age=20 + i % 11)
        enrol(other_intervention, start, end, "arbete" if i % 3 else "annat", age=45 + i % 15)
    result = run()
    assert "no_overlap" in codes(result)
    assert result["estimate"] is None
    message = next(w["message"] for w in result["warnings"] if w["code"] == "no_overlap")
    assert "överlappar" in message


def test_several_comparison_interventions_are_pooled(
    populate, scope, intervention, other_intervention
):
    from stegvis.interventions.models import Intervention

    third = Intervention.objects.create(code="INS-3", name="Tredje")
    populate(intervention, 30, 0.5, seed=9)
    populate(other_intervention, 20, 0.5, seed=10)
    populate(third, 25, 0.5, seed=11)
    result = run(comparison="INS-2,INS-3")
    assert result["comparison"] == ["INS-2", "INS-3"]
    assert result["n_comparison"] == 45


def test_logs_the_estimate(populate, federation, intervention, other_intervention):
    populate(intervention, 20, 0.5, seed=1)
    populate(other_intervention, 20, 0.5, seed=2)
    run(bootstrap="0")
    with federation_scope(federation):
        entry = AuditEntry.objects.get(object_type="effect_estimate")
    assert entry.object_id == "INS-1"
    assert entry.detail["n_treated"] == 20


@pytest.mark.parametrize(
    ("kwargs", "extra", "message"),
    [
        ({"comparison": "FINNS-EJ"}, (), "Jämförelsegruppen 'FINNS-EJ' finns inte"),
        ({"intervention": "FINNS-EJ"}, (), "Insatsen 'FINNS-EJ' finns inte"),
        ({"comparison": "INS-1"}, (), "kan inte jämföras med sig själv"),
        ({"slug": "gamma"}, (), "Förbundet 'gamma' finns inte"),
        ({}, ("--from", "2024-13-01"), "Ogiltigt datum för --from"),
        ({}, ("--from", "2025-01-01", "--to", "2024-01-01"), "--from ligger efter --to"),
    ],
)
def test_bad_arguments_get_a_swedish_message(
    intervention, other_intervention, kwargs, extra, message
):
    with pytest.raises(CommandError, match=message):
        run(*extra, **kwargs)


def test_other_federations_interventions_are_not_found(
    populate, intervention, other_intervention, other_federation
):
    populate(intervention, 20, 0.5)
    with pytest.raises(CommandError, match="Insatsen 'INS-1' finns inte"):
        run(slug="beta")
