"""Assessments and step-wise ratings over the API: every endpoint for every role, a case worker
outside the intervention, and another federation."""

from datetime import date

import pytest

from stegvis.assessments import selectors, services
from stegvis.core.models import AuditEntry
from tests.api.conftest import ROLES, call, personal

pytestmark = pytest.mark.django_db


def _rating(ids):
    return {
        "rated_on": "2026-02-01",
        "scores": [{"dimension_id": ids["dimension"], "score": 3}],
    }


ENDPOINTS = {
    "assessments": ("get", "/assessments", None, personal()),
    "assessment": ("get", "/assessments/{assessment}", None, personal()),
    "dimensions": ("get", "/progress-dimensions", None, personal()),
    "ratings": ("get", "/enrolments/{enrolment}/ratings", None, personal()),
    "rate": ("post", "/enrolments/{enrolment}/ratings", _rating, personal(201)),
}
OBJECTS = ["assessment", "ratings", "rate"]


@pytest.fixture
def world(scope, admin, intervention, other_intervention, register, enrol):
    """An enrolment in INS-1 with an assessment and one rating; one in INS-2 likewise."""
    ids = {}
    for key, where in (("", intervention), ("hidden_", other_intervention)):
        person = register(where, first_name="Rasha" if not key else "Dold")
        enrolment = enrol(person, where, date(2026, 1, 5))
        admin.interventions.add(where)
        assessment = services.assessment_create(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            data=services.AssessmentData(
                assessed_on=date(2026, 1, 20), swedish_level="A2", need_language="high"
            ),
        )
        dimension = selectors.dimensions()[0]
        services.ratings_record(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            rated_on=date(2026, 1, 20),
            rater="staff",
            scores={dimension.pk: 2},
        )
        ids.update(
            {
                f"{key}person": person.pk,
                f"{key}enrolment": enrolment.pk,
                f"{key}assessment": assessment.pk,
                "dimension": dimension.pk,
            }
        )
    return ids


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(api, world, member, role):
    caller = api(member(role))
    for name, endpoint in ENDPOINTS.items():
        response = call(caller, endpoint, world)
        assert response.status_code == endpoint[3][role], (name, response.content)


def test_case_worker_outside_the_intervention_gets_404(api, world, stranger):
    caller = api(stranger)
    for name in OBJECTS:
        assert call(caller, ENDPOINTS[name], world).status_code == 404, name
    listed = caller.get("/assessments").json()["items"]
    assert [a["id"] for a in listed] == [world["hidden_assessment"]]


def test_another_federation_gets_404(api, world, outsider):
    caller = api(outsider)
    for name in OBJECTS:
        assert call(caller, ENDPOINTS[name], world).status_code == 404, name
    assert caller.get("/assessments").json()["count"] == 0


def test_x_federation_of_a_federation_one_is_not_in_is_403(client, world, outsider, token_for):
    for name in ENDPOINTS:
        if ENDPOINTS[name][0] == "get":
            path = ENDPOINTS[name][1].format(**world)
            response = client.get(f"/api/v1{path}", HTTP_X_FEDERATION="alfa", **token_for(outsider))
            assert response.status_code == 403, name


def test_case_worker_lists_only_own_interventions_and_reads_are_logged(api, world, case_worker):
    caller = api(case_worker)
    body = caller.get("/assessments").json()
    assert [a["id"] for a in body["items"]] == [world["assessment"]]
    assert body["items"][0]["swedish_level"] == "A2"
    assert AuditEntry.objects.filter(
        action="read", actor_username="bob", object_id=str(world["person"]), reason="api"
    ).exists()
    before = AuditEntry.objects.filter(actor_username="bob", action="read").count()
    assert caller.get(f"/assessments/{world['assessment']}").status_code == 200
    after = AuditEntry.objects.filter(actor_username="bob", action="read").count()
    assert after == before + 1


def test_filters(api, world, admin):
    caller = api(admin)
    assert caller.get("/assessments").json()["count"] == 2
    assert caller.get("/assessments", intervention="INS-2").json()["count"] == 1
    assert caller.get("/assessments", enrolment=world["enrolment"]).json()["count"] == 1
    assert caller.get("/assessments", intervention="INS-9").status_code == 404


def test_recording_ratings_uses_the_service_rules(api, world, case_worker):
    caller = api(case_worker)
    path = f"/enrolments/{world['enrolment']}/ratings"
    created = caller.post(path, _rating(world))
    assert created.status_code == 201
    assert created.json()["items"][0]["score"] == 3
    ratings = caller.get(path).json()
    assert ratings["count"] == 2
    assert [r["score"] for r in ratings["items"]] == [2, 3]
    future = caller.post(path, {**_rating(world), "rated_on": "2999-01-01"})
    assert future.status_code == 400
    assert "framtiden" in future.json()["detail"]["rated_on"][0]
    unknown = caller.post(
        path, {"rated_on": "2026-02-01", "scores": [{"dimension_id": 999999, "score": 3}]}
    )
    assert unknown.status_code == 400
    out_of_range = caller.post(
        path, {**_rating(world), "scores": [{"dimension_id": world["dimension"], "score": 6}]}
    )
    assert out_of_range.status_code == 422
