"""The effect estimate over the API: the command's JSON, logged, kept for the knowledge bank;
small groups hidden for those who may not see exact counts; other tenants' codes are 404."""

from __future__ import annotations

from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.evaluation import services
from stegvis.evaluation.models import EffectResult
from stegvis.interventions.models import Intervention

pytestmark = pytest.mark.django_db


def effect_url(intervention) -> str:
    return f"/interventions/{intervention.pk}/effect"


@pytest.fixture
def groups(scope, intervention, other_intervention, populate):
    populate(intervention, 80, 0.45, seed=5)
    populate(other_intervention, 120, 0.25, seed=6)
    return intervention, other_intervention


def test_admin_gets_the_commands_json_and_the_estimate_is_kept(
    scope, intervention, api, admin, groups
):
    response = api(admin).get(effect_url(intervention), comparison="INS-2", bootstrap=30)
    assert response.status_code == 200, response.content
    data = response.json()
    expected = services.effect_evaluate(
        actor=None,
        intervention_code="INS-1",
        comparison_codes=["INS-2"],
        bootstrap=30,
        reason="jämförelse i test",
    ).as_dict()
    assert data == expected
    assert (data["n_treated"], data["n_comparison"]) == (80, 120)
    assert data["ci_low"] < data["estimate"] < data["ci_high"]
    entry = AuditEntry.objects.filter(reason="effektskattning via API").get()
    assert entry.object_id == "INS-1"
    assert entry.actor == admin.user
    assert EffectResult.objects.get(intervention=groups[0]).n_treated == 80


def test_period_and_bootstrap_are_checked(scope, intervention, api, admin, groups):
    caller = api(admin)
    response = caller.get(effect_url(intervention), comparison="INS-2", bootstrap=5000)
    assert response.status_code == 422
    response = caller.get(
        effect_url(intervention),
        comparison="INS-2",
        **{"from": "2025-01-01", "to": "2024-01-01"},
    )
    assert response.status_code == 422
    assert "ligger efter" in str(response.json()["errors"])
    response = caller.get(
        effect_url(intervention), comparison="INS-2", bootstrap=0, **{"from": "2024-06-01"}
    )
    assert response.status_code == 200
    assert response.json()["period"] == {"from": "2024-06-01", "to": None}
    assert response.json()["n_treated"] < 80


def test_without_a_comparison_group_the_answer_names_the_field(
    scope, intervention, api, admin, groups
):
    response = api(admin).get(effect_url(intervention))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "comparison"]
    response = api(admin).get(effect_url(intervention), comparison="FINNS-EJ")
    assert response.status_code == 422
    assert "FINNS-EJ" in response.json()["errors"][0]["msg"]


def test_a_case_worker_may_not_export_estimates(scope, intervention, api, case_worker, groups):
    assert api(case_worker).get(effect_url(intervention), comparison="INS-2").status_code == 403


def test_another_federations_intervention_is_not_found(
    scope, intervention, api, admin, outsider, other_federation, groups
):
    with federation_scope(other_federation):
        Intervention.objects.create(code="INS-9", name="Deras insats")
        theirs = Intervention.objects.get(code="INS-9")
    response = api(admin).get(f"/interventions/{theirs.pk}/effect", comparison="INS-2")
    assert response.status_code == 404
    response = api(outsider).get(effect_url(intervention), comparison="INS-2")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(reason="effektskattning via API").exists()


def test_steering_sees_small_groups_hidden(
    scope, api, member, federation, intervention, other_intervention, populate
):
    threshold = int(federation.setting("small_cell_threshold"))
    populate(intervention, threshold - 1, 0.5, seed=7)
    populate(other_intervention, 60, 0.3, seed=8)
    response = api(member(Role.STEERING)).get(
        effect_url(intervention), comparison="INS-2", bootstrap=10
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["n_treated"] == f"<{threshold}"
    assert data["n_comparison"] == 60
    assert data["estimate"] is None
    assert data["ci_low"] is None
    assert data["balance"] == []
    assert set(data["naive"].values()) == {None}
    assert "small_groups" in [w["code"] for w in data["warnings"]]


def test_steering_sees_large_groups_in_full(scope, intervention, api, member, groups):
    data = (
        api(member(Role.STEERING))
        .get(effect_url(intervention), comparison="INS-2", bootstrap=10)
        .json()
    )
    assert data["n_treated"] == 80
    assert data["estimate"] is not None
    assert data["balance"]


def test_the_default_comparison_is_the_interventions_cohort(
    scope, intervention, api, admin, groups
):
    from stegvis.evaluation.models import ComparisonCohort, ComparisonPerson

    cohort = ComparisonCohort.objects.create(code="REG", name="Register", intervention=groups[0])
    for n in range(40):
        ComparisonPerson.objects.create(
            cohort=cohort,
            person_hash=f"{n:064d}",
            birth_year=1985,
            gender="kvinna" if n % 2 else "man",
            start_date=date(2024, 3, 1),
            af_code_before="11",
            income_sources_before=["ekonomiskt_bistand"],
            end_date=date(2024, 12, 1),
            work_or_studies=n % 4 == 0,
        )
    data = api(admin).get(effect_url(intervention), bootstrap=0).json()
    assert data["comparison"] == ["REG"]
    assert data["n_comparison"] == 40
