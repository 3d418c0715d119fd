"""Attendance from the leader's phone, sent after being offline: the later mark wins, every
mark is logged, frozen sessions refuse marks; the service worker and manifest are served."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities import services
from stegvis.activities.models import Attendance, AttendanceMark
from stegvis.core.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOW = timezone.now()


@pytest.fixture
def world(make_activity, scope, intervention, register, enrol, admin, leader):
    activity = make_activity(sessions=5)
    activity.leaders.add(leader)
    places = []
    for name in ("Amal", "Bashir"):
        enrolment = enrol(
            register(intervention, first_name=name), intervention, TODAY - timedelta(90)
        )
        places.append(
            services.place_create(
                actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
            )
        )
    return activity, places, list(activity.sessions.order_by("date"))


def _sync(leader, session, *marks):
    return services.attendance_sync(
        actor=leader.user,
        membership=leader,
        session=session,
        marks=[services.Mark(*m) for m in marks],
    )


def test_later_mark_wins_whichever_arrives_first_and_both_are_logged(world, leader):
    _activity, (amal, _b), sessions = world
    session = sessions[-1]
    # Phone B marked Amal present at 10:05 and sends first; phone A marked her absent at 10:00
    # and sends later (it was offline): B's later mark stands.
    first = _sync(leader, session, (amal.pk, True, NOW - timedelta(minutes=55), "B"))
    assert first[0]["outcome"] == "applied"
    second = _sync(leader, session, (amal.pk, False, NOW - timedelta(minutes=60), "A"))
    assert second[0] == {
        "place": amal.pk,
        "outcome": "older",
        "present": True,
        "message": second[0]["message"],
    }
    assert "senare markering" in second[0]["message"]
    assert Attendance.objects.get(session=session, place=amal).present is True
    log = AttendanceMark.objects.filter(session=session, place=amal).order_by("marked_at")
    assert [(m.device, m.present, m.outcome) for m in log] == [
        ("A", False, "older"),
        ("B", True, "applied"),
    ]
    # One minute later than B: applies.
    third = _sync(leader, session, (amal.pk, False, NOW - timedelta(minutes=54), "A"))
    assert third[0]["outcome"] == "applied"
    assert Attendance.objects.get(session=session, place=amal).present is False


def test_a_mark_in_the_same_batch_is_ordered_by_time_and_the_future_counts_as_now(world, leader):
    _activity, (amal, bashir), sessions = world
    results = _sync(
        leader,
        sessions[-1],
        (amal.pk, True, NOW - timedelta(minutes=1), "A"),
        (amal.pk, False, NOW - timedelta(minutes=2), "B"),
        (bashir.pk, True, NOW + timedelta(days=2), "A"),  # a phone clock two days ahead
    )
    assert Attendance.objects.get(session=sessions[-1], place=amal).present is True
    assert {r["outcome"] for r in results} == {"applied"}
    ahead = AttendanceMark.objects.get(place=bashir)
    assert ahead.marked_at <= timezone.now()
    # A web mark made after it (now) therefore is not overridden by the skewed phone.
    services.attendance_record(
        actor=leader.user, membership=leader, session=sessions[-1], place=bashir, present=False
    )
    late = _sync(leader, sessions[-1], (bashir.pk, True, NOW - timedelta(minutes=5), "A"))
    assert late[0]["outcome"] == "older"


def test_frozen_session_refuses_marks_and_nothing_changes(world, leader, admin, coordinator):
    activity, (amal, bashir), sessions = world
    for session in sessions:
        services.attendance_record(
            actor=admin.user, membership=None, session=session, place=amal, present=True
        )
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    services.compensation_approve(actor=admin.user, membership=admin, compensation=compensation)
    results = _sync(leader, sessions[-1], (bashir.pk, True, NOW, "A"))
    assert results[0]["outcome"] == "refused"
    assert "låst" in results[0]["message"]
    assert not Attendance.objects.filter(place=bashir).exists()
    assert AttendanceMark.objects.get(place=bashir).outcome == "refused"


def test_sync_endpoint_for_leader_colleague_and_outsider(
    world, leader, client, federation, association, make_member, outsider
):
    _activity, (amal, _b), sessions = world
    url = f"/f/{federation.slug}/narvaro/{sessions[-1].pk}/synk/"
    body = {"marks": [{"place": amal.pk, "present": True, "at": NOW.isoformat(), "device": "A"}]}
    client.force_login(outsider.user)
    assert client.post(url, body, content_type="application/json").status_code == 404
    other = make_member(federation, Role.ASSOCIATION_LEADER, "olle", association=association)
    client.force_login(other.user)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(leader.user)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] == "applied"
    bad = client.post(
        url,
        json.dumps({"marks": [{"place": amal.pk, "present": "ja", "at": NOW.isoformat()}]}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["detail"] == ["Markering 1: present ska vara true eller false."]
    naive = client.post(
        url,
        {"marks": [{"place": amal.pk, "present": True, "at": "2026-01-01T10:00:00"}]},
        content_type="application/json",
    )
    assert "tidszon" in naive.json()["detail"][0]


def test_service_worker_and_manifest_are_served_under_the_attendance_pages(
    client, leader, federation, world
):
    client.force_login(leader.user)
    sw = client.get(f"/f/{federation.slug}/narvaro/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("text/javascript")
    assert b"caches.open" in sw.content
    manifest = client.get(f"/f/{federation.slug}/narvaro/manifest.webmanifest").json()
    assert manifest["start_url"] == f"/f/{federation.slug}/narvaro/"
    assert manifest["scope"] == manifest["start_url"]
    page = client.get(f"/f/{federation.slug}/narvaro/").content.decode()
    assert 'rel="manifest"' in page
    assert "attendance-offline.js" in page
    assert "<script>" not in page  # no inline script: the Content-Security-Policy allows none
