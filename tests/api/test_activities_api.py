"""Activities, sessions, attendance and placements over the API: every endpoint for every
role, a colleague without scope, another leader, and another federation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities import services
from stegvis.activities.models import Attendance
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from tests.api.conftest import ROLES
from tests.api.conftest import call as call_endpoint

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

A = Role.FEDERATION_ADMIN
LEAD = Role.INTERVENTION_LEAD
CW = Role.CASE_WORKER
COORD = Role.ASSOCIATION_COORDINATOR
LEADER = Role.ASSOCIATION_LEADER
STEER = Role.STEERING
EVAL = Role.EVALUATOR
REF = Role.REFERRER

CATALOGUE = {A: 200, LEAD: 200, CW: 200, COORD: 200, LEADER: 200, STEER: 200, EVAL: 403, REF: 403}
ATTENDANCE = {A: 403, LEAD: 403, CW: 403, COORD: 403, LEADER: 200, STEER: 403, EVAL: 403, REF: 403}
PLACEMENTS = {A: 200, LEAD: 200, CW: 200, COORD: 200, LEADER: 403, STEER: 200, EVAL: 403, REF: 403}

# name -> (method, path, body, status per role)
ENDPOINTS = {
    "activities": ("get", "/activities", None, CATALOGUE),
    "activity": ("get", "/activities/{activity}", None, CATALOGUE),
    "sessions": ("get", "/activities/{activity}/sessions", None, CATALOGUE),
    "places": ("get", "/activities/{activity}/places", None, CATALOGUE),
    "attendance": ("get", "/sessions/{session}/attendance", None, ATTENDANCE),
    "record": (
        "post",
        "/sessions/{session}/attendance",
        lambda ids: {"records": [{"place_id": ids["place"], "present": True}]},
        ATTENDANCE,
    ),
    "placements": ("get", "/placements", None, PLACEMENTS),
    "placement": ("get", "/placements/{placement}", None, PLACEMENTS),
}
OBJECT_ENDPOINTS = [name for name, (_m, path, _b, _s) in ENDPOINTS.items() if "{" in path]


@pytest.fixture
def world(scope, admin, intervention, association, make_activity, register, enrol, member):
    """An approved activity with five held sessions, led by the member with the leader role,
    where one participant of INS-1 has a place; a placement booked for the same person."""
    activity = make_activity()
    leader = member(Role.ASSOCIATION_LEADER, association=association)
    activity.leaders.add(leader)
    person = register(intervention, first_name="Rasha", last_name="Haddad")
    enrolment = enrol(person, intervention, TODAY - timedelta(days=90))
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
    )
    placement = services.placement_create(
        actor=admin.user,
        membership=admin,
        kind="internship",
        employer="Bageriet AB",
        title="Bagare",
        supervisor_name="Kim",
        capacity=1,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=60),
    )
    services.placement_book(
        actor=admin.user,
        membership=admin,
        placement=placement,
        enrolment=enrolment,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=30),
    )
    return {
        "activity": activity.pk,
        "session": activity.sessions.order_by("date").first().pk,
        "place": place.pk,
        "placement": placement.pk,
        "person": person.pk,
    }


def call(caller, name, ids):
    return call_endpoint(caller, ENDPOINTS[name], ids)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(api, world, member, role):
    caller = api(member(role))
    for name, (_m, _p, _b, statuses) in ENDPOINTS.items():
        response = call(caller, name, world)
        assert response.status_code == statuses[role], (name, response.content)


def test_another_federation_gets_404_for_objects_and_empty_lists(api, world, outsider):
    caller = api(outsider)
    for name in OBJECT_ENDPOINTS:
        # Attendance lists are the leaders' alone: refused by role before any look-up.
        expected = 403 if ENDPOINTS[name][3] is ATTENDANCE else 404
        assert call(caller, name, world).status_code == expected, name
    assert caller.get("/activities").json()["count"] == 0
    assert caller.get("/placements").json()["count"] == 0


def test_x_federation_of_a_federation_one_is_not_in_is_403(client, world, outsider, token_for):
    for name in ["activities", "activity", "attendance", "placement"]:
        path = ENDPOINTS[name][1].format(**world)
        response = client.get(f"/api/v1{path}", HTTP_X_FEDERATION="alfa", **token_for(outsider))
        assert response.status_code == 403, name


def test_leader_of_another_activity_gets_404(
    api, world, federation, association, make_member, make_activity
):
    other = make_member(federation, Role.ASSOCIATION_LEADER, "olle", association=association)
    make_activity(title="Promenadgrupp").leaders.add(other)
    caller = api(other)
    for name in ["activity", "sessions", "places", "attendance", "record"]:
        assert call(caller, name, world).status_code == 404, name
    titles = [a["title"] for a in caller.get("/activities").json()["items"]]
    assert titles == ["Promenadgrupp"]


def test_names_only_for_participants_in_ones_own_interventions(api, world, admin, stranger):
    own = api(admin).get(f"/activities/{world['activity']}/places").json()["items"]
    assert own[0]["name"] == "Rasha Haddad"
    assert own[0]["participant_id"] == world["person"]
    hidden = api(stranger).get(f"/activities/{world['activity']}/places").json()["items"]
    assert hidden[0] | {"id": 0} == {
        "id": 0,
        "status": "active",
        "start_date": own[0]["start_date"],
        "end_date": None,
        "visible": False,
        "participant_id": None,
        "reference": "",
        "name": "",
    }
    booking = api(stranger).get(f"/placements/{world['placement']}").json()["bookings"][0]
    assert (booking["name"], booking["participant_id"]) == ("", None)
    assert not AuditEntry.objects.filter(actor_username="sven", action="read").exists()


def test_leader_sees_first_names_and_records_attendance(api, world, member):
    caller = api(member(Role.ASSOCIATION_LEADER))
    sheet = caller.get(f"/sessions/{world['session']}/attendance").json()
    assert sheet["items"] == [{"place_id": world["place"], "first_name": "Rasha", "present": None}]
    response = caller.post(
        f"/sessions/{world['session']}/attendance",
        {"records": [{"place_id": world["place"], "present": True}]},
    )
    assert response.status_code == 200
    assert response.json()["present"] == 1
    assert response.json()["session"]["recorded"] == 1
    assert Attendance.objects.get(place_id=world["place"]).present is True
    assert AuditEntry.objects.filter(
        action="read", object_id=str(world["person"]), reason="närvarolista"
    ).exists()


def test_attendance_follows_the_service_rules(api, world, member, scope):
    from stegvis.activities.models import Session

    caller = api(member(Role.ASSOCIATION_LEADER))
    upcoming = Session.objects.create(activity_id=world["activity"], date=TODAY + timedelta(7))
    response = caller.post(
        f"/sessions/{upcoming.pk}/attendance",
        {"records": [{"place_id": world["place"], "present": True}]},
    )
    assert response.status_code == 400
    assert "kommande tillfälle" in response.json()["detail"][0]
    response = caller.post(
        f"/sessions/{world['session']}/attendance",
        {"records": [{"place_id": 999999, "present": True}]},
    )
    assert response.status_code == 404


def test_listing_places_is_logged(api, world, admin):
    api(admin).get(f"/activities/{world['activity']}/places")
    assert AuditEntry.objects.filter(
        action="read", object_id=str(world["person"]), reason="deltagare i aktivitet"
    ).exists()


def test_activity_filters(api, world, admin, hub, association):
    caller = api(admin)
    assert caller.get("/activities", hub="nordost").json()["count"] == 1
    assert caller.get("/activities", association=association.pk).json()["count"] == 1
    assert caller.get("/activities", status="approved").json()["count"] == 1
    assert caller.get("/activities", status="draft").json()["count"] == 0
    assert caller.get("/activities", hub="finns-inte").status_code == 404
    detail = caller.get(f"/activities/{world['activity']}").json()
    assert detail["free_places"] == 9
    assert {c["key"] for c in detail["checks"]} >= {"min_sessions"}
    sessions = caller.get(f"/activities/{world['activity']}/sessions", limit=2).json()
    assert sessions["count"] == 5
    assert len(sessions["items"]) == 2
