from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role

pytestmark = pytest.mark.django_db

AGGREGATE_ONLY = [
    Role.INTERVENTION_LEAD,
    Role.STEERING,
    Role.EVALUATOR,
    Role.ASSOCIATION_COORDINATOR,
    Role.ASSOCIATION_LEADER,
]


@pytest.fixture
def person(scope, intervention, register, enrol):
    person = register(intervention, first_name="Rasha", last_name="Haddad")
    enrol(person, intervention, date(2026, 1, 1))
    return person


@pytest.fixture
def hidden_person(scope, admin, other_intervention, register):
    admin.interventions.add(other_intervention)
    return register(other_intervention, first_name="Dold", born=date(1985, 1, 1))


def test_list_shows_only_what_the_case_worker_may_see(api, person, hidden_person, case_worker):
    response = api(case_worker).get("/participants")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [p["id"] for p in body["items"]] == [person.pk]
    assert body["items"][0]["first_name"] == "Rasha"


def test_admin_lists_every_participant(api, person, hidden_person, admin):
    body = api(admin).get("/participants").json()
    assert {p["id"] for p in body["items"]} == {person.pk, hidden_person.pk}


def test_detail_inside_scope_is_200_and_logged(api, person, case_worker):
    response = api(case_worker).get(f"/participants/{person.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == person.pk
    assert AuditEntry.objects.filter(
        action="read", object_id=str(person.pk), actor_username="bob", reason="api"
    ).exists()


def test_detail_outside_the_case_workers_interventions_is_404(api, hidden_person, case_worker):
    response = api(case_worker).get(f"/participants/{hidden_person.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Hittades inte."}


def test_detail_in_another_federation_is_404(api, person, outsider):
    assert api(outsider).get(f"/participants/{person.pk}").status_code == 404
    assert api(outsider).get("/participants").json()["count"] == 0


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_roles_without_personal_data_get_403(api, person, federation, make_member, role):
    member = make_member(federation, role)
    for path in ("/participants", f"/participants/{person.pk}", "/enrolments", "/referrals"):
        response = api(member).get(path)
        assert response.status_code == 403, path
        assert "behörighet" in response.json()["detail"]


def test_missing_or_revoked_token_is_401(client, api, admin):
    assert client.get("/api/v1/participants").status_code == 401
    caller = api(admin)
    from stegvis.core.models import ApiToken

    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    response = caller.get("/participants")
    assert response.status_code == 401
    assert "återkallad" in response.json()["detail"]


def test_rate_limit_per_token(api, admin, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    caller = api(admin)
    statuses = [caller.get("/interventions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_pagination_and_filters(api, scope, admin, intervention, register):
    for i in range(5):
        register(intervention, first_name=f"Namn{i}", born=date(1980 + i, 2, 2))
    caller = api(admin)
    page = caller.get("/participants", limit=2, offset=2).json()
    assert page["count"] == 5
    assert len(page["items"]) == 2
    assert caller.get("/participants", q="Namn3").json()["count"] == 1
    assert caller.get("/participants", intervention="INS-1").json()["count"] == 5
    assert caller.get("/participants", intervention="FINNS-INTE").status_code == 404


def test_register_refer_accept_and_exit_through_the_api(api, case_worker, intervention):
    caller = api(case_worker)
    created = caller.post(
        "/participants",
        {
            "intervention": "INS-1",
            "gender": "man",
            "municipality": "Lund",
            "personal_number": "19121212-1212",
            "first_name": "Test",
            "last_name": "Testsson",
            "consent": {"method": "written", "given_on": "2026-01-05"},
        },
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    referral = caller.post(
        "/referrals",
        {
            "participant_id": pid,
            "intervention": "INS-1",
            "reason": "Behöver stöd",
            "referred_on": "2026-01-06",
        },
    )
    assert referral.status_code == 201
    rid = referral.json()["id"]
    decided = caller.post(
        f"/referrals/{rid}/decision", {"decision": "accept", "start_date": "2026-01-10"}
    )
    assert decided.json()["status"] == "accepted"
    enrolments = caller.get("/enrolments", intervention="INS-1").json()
    assert enrolments["count"] == 1
    eid = enrolments["items"][0]["id"]
    exited = caller.post(
        f"/enrolments/{eid}/exit", {"end_date": "2026-06-30", "exit_reason": "arbete"}
    )
    assert exited.status_code == 200
    assert exited.json()["exit_reason"] == "arbete"


def test_invalid_personal_number_is_a_400_naming_the_field(api, case_worker, intervention):
    response = api(case_worker).post(
        "/participants",
        {
            "intervention": "INS-1",
            "gender": "man",
            "municipality": "Lund",
            "personal_number": "19121212-1213",
            "first_name": "A",
            "last_name": "B",
            "consent": {"method": "written", "given_on": "2026-01-05"},
        },
    )
    assert response.status_code == 400
    assert "Kontrollsiffran" in response.json()["detail"]["personal_number"][0]


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/participants/{participant_id}" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_user_in_two_federations_must_name_one(
    api, client, federation, other_federation, make_member, token_for
):
    make_member(federation, Role.STEERING, "dora")
    member = make_member(other_federation, Role.STEERING, "dora")
    headers = token_for(member)
    assert client.get("/api/v1/interventions", **headers).status_code == 400
    response = client.get("/api/v1/interventions", HTTP_X_FEDERATION="beta", **headers)
    assert response.status_code == 200


def test_a_nul_character_is_refused_with_400_naming_the_parameter(api, person, case_worker):
    # PostgreSQL cannot compare text with NUL in it; it used to end as a server error.
    response = api(case_worker).get("/participants", q="Ra\x00sha")
    assert response.status_code == 400
    assert response.json() == {"detail": "Parametern 'q' innehåller ett otillåtet tecken (NUL)."}
    assert api(case_worker).get("/participants", q="Rasha").json()["count"] == 1


def test_a_nul_character_in_a_json_body_is_refused(api, case_worker, intervention):
    response = api(case_worker).post(
        "/participants", {"first_name": "A\u0000b", "intervention": intervention.code}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Innehållet innehåller ett otillåtet tecken (NUL)."}


def test_a_raw_nul_byte_in_a_json_body_is_a_client_error(client, token_for, case_worker):
    response = client.post(
        "/api/v1/participants",
        b'{"first_name": "A\x00b"}',
        content_type="application/json",
        **token_for(case_worker),
    )
    assert 400 <= response.status_code < 500


def test_the_list_costs_the_same_queries_for_three_times_the_people(
    api, scope, intervention, other_intervention, register, enrol, case_worker
):
    """Each row's consents and scope come from one read for the page, not one per person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stegvis.participants.models import Consent

    def add(n):
        for i in range(n):
            person = register(intervention, first_name=f"Person{i}", born=date(1980, 1, 1 + i))
            enrol(person, intervention, date(2026, 1, 1))
            Consent.objects.create(
                participant=person,
                intervention=other_intervention,
                scope=Consent.Scope.SHARING,
                method=Consent.Method.WRITTEN,
                given_on=date(2026, 1, 2),
            )

    caller = api(case_worker)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = caller.get("/participants").json()
        assert all(len(p["consents"]) == 2 for p in body["items"])
        return len(captured), body["count"]

    add(3)
    queries()  # the first call of a session writes its last-seen time
    few, count = queries()
    assert count == 3
    add(6)
    many, count = queries()
    assert count == 9
    assert many == few
