"""Plans and meetings over the API: every endpoint for every role, a case worker outside the
intervention, and another federation."""

from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.plans import services
from stegvis.plans.models import Plan
from tests.api.conftest import ROLES, call, personal

pytestmark = pytest.mark.django_db


def _meeting(ids):
    return {"kind": "follow_up", "held_on": "2026-02-10", "notes": "Gick bra."}


ENDPOINTS = {
    "enrolment_plan": ("get", "/enrolments/{enrolment}/plan", None, personal()),
    "plan": ("get", "/plans/{plan}", None, personal()),
    "versions": ("get", "/plans/{plan}/versions", None, personal()),
    "meetings": ("get", "/meetings", None, personal()),
    "meeting": ("get", "/meetings/{meeting}", None, personal()),
    "new_meeting": ("post", "/enrolments/{enrolment}/meetings", _meeting, personal(201)),
}
OBJECTS = ["enrolment_plan", "plan", "versions", "meeting", "new_meeting"]


@pytest.fixture
def world(scope, admin, case_worker, intervention, other_intervention, register, enrol):
    """In INS-1 and in INS-2: an enrolment with a plan (a goal, an action) and a tripartite
    meeting that set the next follow-up (a second plan version)."""
    ids = {}
    for key, where in (("", intervention), ("hidden_", other_intervention)):
        admin.interventions.add(where)
        person = register(where, first_name="Rasha" if not key else "Dold")
        enrolment = enrol(person, where, date(2026, 1, 5), main_contact=admin)
        plan = services.plan_create(
            actor=admin.user, membership=admin, enrolment=enrolment, participant_goals="Jobb"
        )
        goal = services.goal_save(actor=admin.user, membership=admin, plan=plan, title="Svenska B1")
        services.action_save(
            actor=admin.user,
            membership=admin,
            plan=plan,
            data=services.ActionData(what="Anmäl till SFI", goal=goal, by_participant=True),
        )
        meeting = services.meeting_save(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            data=services.MeetingData(
                kind="tripartite", held_on=date(2026, 1, 12), next_follow_up=date(2026, 3, 1)
            ),
        )
        ids.update(
            {
                f"{key}person": person.pk,
                f"{key}enrolment": enrolment.pk,
                f"{key}plan": plan.pk,
                f"{key}meeting": meeting.pk,
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
    listed = caller.get("/meetings").json()["items"]
    assert [m["id"] for m in listed] == [world["hidden_meeting"]]


def test_another_federation_gets_404(api, world, outsider):
    caller = api(outsider)
    for name in OBJECTS:
        assert call(caller, ENDPOINTS[name], world).status_code == 404, name
    assert caller.get("/meetings").json()["count"] == 0


def test_x_federation_of_a_federation_one_is_not_in_is_403(client, world, outsider, token_for):
    for name, (method, path, _body, _statuses) in ENDPOINTS.items():
        if method == "get":
            response = client.get(
                f"/api/v1{path.format(**world)}", HTTP_X_FEDERATION="alfa", **token_for(outsider)
            )
            assert response.status_code == 403, name


def test_plan_with_goals_actions_and_versions(api, world, case_worker):
    caller = api(case_worker)
    plan = caller.get(f"/enrolments/{world['enrolment']}/plan").json()
    assert plan["id"] == world["plan"]
    assert plan["participant_goals"] == "Jobb"
    assert plan["next_follow_up"] == "2026-03-01"
    assert [g["title"] for g in plan["goals"]] == ["Svenska B1"]
    assert plan["actions"][0]["what"] == "Anmäl till SFI"
    assert plan["actions"][0]["goal_id"] == plan["goals"][0]["id"]
    assert caller.get(f"/plans/{world['plan']}").json() == plan
    versions = caller.get(f"/plans/{world['plan']}/versions").json()
    assert versions["count"] == Plan.objects.get(pk=world["plan"]).versions.count()
    numbers = [v["number"] for v in versions["items"]]
    assert numbers == sorted(numbers, reverse=True)
    assert versions["items"][-1]["reason"] == "Planen skapades"
    assert versions["items"][0]["changes"]


def test_enrolment_without_a_plan_is_404_in_swedish(
    api, world, scope, admin, intervention, register, enrol
):
    person = register(intervention, first_name="Utan")
    enrolment = enrol(person, intervention, date(2026, 1, 5))
    response = api(admin).get(f"/enrolments/{enrolment.pk}/plan")
    assert response.status_code == 404
    assert response.json()["detail"] == "Deltagandet har ingen plan än."


def test_reading_plans_and_meetings_is_logged(api, world, case_worker):
    caller = api(case_worker)
    reads = AuditEntry.objects.filter(
        actor_username="bob", action="read", object_id=str(world["person"])
    )
    for path in (f"/plans/{world['plan']}", f"/meetings/{world['meeting']}", "/meetings"):
        before = reads.count()
        assert caller.get(path).status_code == 200
        assert reads.count() == before + 1, path


def test_meeting_filters(api, world, admin):
    caller = api(admin)
    assert caller.get("/meetings").json()["count"] == 2
    assert caller.get("/meetings", intervention="INS-1").json()["count"] == 1
    assert caller.get("/meetings", enrolment=world["hidden_enrolment"]).json()["count"] == 1
    assert caller.get("/meetings", **{"from": "2026-02-01"}).json()["count"] == 0
    assert caller.get("/meetings", intervention="INS-9").status_code == 404


def test_creating_a_meeting_goes_through_the_service(
    api, world, case_worker, admin, make_member, federation
):
    caller = api(case_worker)
    path = f"/enrolments/{world['enrolment']}/meetings"
    created = caller.post(
        path,
        {
            "kind": "tripartite",
            "held_on": "2026-02-10",
            "attendee_ids": [case_worker.pk],
            "next_follow_up": "2026-04-01",
            "plan_agreed": True,
        },
    )
    assert created.status_code == 201, created.json()
    assert created.json()["attendee_ids"] == [case_worker.pk]
    plan = caller.get(f"/plans/{world['plan']}").json()
    assert (plan["agreed_on"], plan["next_follow_up"]) == ("2026-02-10", "2026-04-01")
    bad = caller.post(
        path, {"kind": "sip", "held_on": "2026-02-10", "next_follow_up": "2026-02-01"}
    )
    assert bad.status_code == 400
    assert "next_follow_up" in bad.json()["detail"]
    steering = make_member(federation, Role.STEERING, "stina")
    not_staff = caller.post(path, {**_meeting(world), "attendee_ids": [steering.pk]})
    assert not_staff.status_code == 400
    assert "attendees" in not_staff.json()["detail"]
