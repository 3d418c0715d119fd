"""Contract: POST /api/v1/interventions → 201, a used code → 409, a case worker → 403."""

from datetime import date

import pytest

from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention

pytestmark = pytest.mark.django_db

BODY = {"code": "UNG-VAG", "name": "Unga vägen", "kind": "individual", "start_date": "2026-01-01"}


def test_admin_creates_and_lists(api, admin):
    response = api(admin).post("/interventions", BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "UNG-VAG"
    assert body["kind"] == "individual"
    assert body["start_date"] == "2026-01-01"
    listed = api(admin).get("/interventions").json()
    assert "UNG-VAG" in [i["code"] for i in listed["items"]]


def test_used_code_is_409(api, admin):
    assert api(admin).post("/interventions", BODY).status_code == 201
    response = api(admin).post("/interventions", {**BODY, "name": "Igen"})
    assert response.status_code == 409
    assert "UNG-VAG" in str(response.json()["detail"])


def test_case_worker_is_403(api, case_worker):
    assert api(case_worker).post("/interventions", BODY).status_code == 403


def test_intervention_lead_may_create(api, federation, make_member):
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    assert api(lead).post("/interventions", {**BODY, "kind": "structural"}).status_code == 201


def test_unknown_kind_is_422_and_bad_rule_400(api, admin):
    assert api(admin).post("/interventions", {**BODY, "kind": "annat"}).status_code == 422
    response = api(admin).post(
        "/interventions", {**BODY, "eligibility_rules": [{"type": "age", "min": 40, "max": 20}]}
    )
    assert response.status_code == 400
    assert "eligibility_rules" in response.json()["detail"]


def test_the_same_code_in_another_federation_is_201(api, admin, outsider):
    assert api(admin).post("/interventions", BODY).status_code == 201
    assert api(outsider).post("/interventions", BODY).status_code == 201


def test_patch_and_close(api, admin, federation):
    made = api(admin).post("/interventions", BODY).json()
    response = api(admin).client_patch(f"/interventions/{made['id']}", {"capacity": 25})
    assert response.status_code == 200
    assert response.json()["capacity"] == 25
    response = api(admin).post(f"/interventions/{made['id']}/close", {"closed_on": "2026-06-30"})
    assert response.status_code == 200
    assert response.json()["closed_on"] == "2026-06-30"
    with federation_scope(federation):
        assert not Intervention.objects.get(code="UNG-VAG").is_open_on(date(2026, 7, 1))


def test_other_federations_intervention_is_404(api, intervention, outsider):
    response = api(outsider).client_patch(f"/interventions/{intervention.pk}", {"capacity": 3})
    assert response.status_code == 404
