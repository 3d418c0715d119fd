"""A leader's attendance list is one write: if the database fails halfway through the list,
none of it is saved, and the leader sees the Swedish outage page, not a half-saved list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from stegvis.activities import services
from stegvis.activities.models import Attendance

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def two_places(make_activity, scope, intervention, register, enrol, admin, leader):
    activity = make_activity()
    activity.leaders.add(leader)
    places = []
    for first, last in (("Rasha", "Haddad"), ("Yonas", "Tesfay")):
        person = register(intervention, first_name=first, last_name=last)
        enrolment = enrol(person, intervention, TODAY - timedelta(days=90))
        places.append(
            services.place_create(
                actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
            )
        )
    return activity, places


@pytest.fixture
def fails_on_second_mark(monkeypatch):
    """The first mark is written, then the database goes away."""
    real = services.attendance_record
    calls = []

    def record(**kwargs):
        calls.append(kwargs["place"].pk)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "attendance_record", record)
    return calls


def test_list_is_saved_whole_or_not_at_all(two_places, leader, fails_on_second_mark):
    activity, places = two_places
    session = activity.sessions.order_by("date").first()
    with pytest.raises(OperationalError):
        services.attendance_record_session(
            actor=leader.user,
            membership=leader,
            session=session,
            present_place_ids={p.pk for p in places},
        )
    assert len(fails_on_second_mark) == 2
    assert not Attendance.objects.filter(session=session).exists()


def test_whole_list_is_saved_when_the_database_answers(two_places, leader):
    activity, places = two_places
    session = activity.sessions.order_by("date").first()
    services.attendance_record_session(
        actor=leader.user, membership=leader, session=session, present_place_ids={places[0].pk}
    )
    marks = dict(Attendance.objects.filter(session=session).values_list("place_id", "present"))
    assert marks == {places[0].pk: True, places[1].pk: False}


def test_leader_gets_the_outage_page_and_no_half_list(
    two_places, leader, federation, fails_on_second_mark
):
    activity, places = two_places
    session = activity.sessions.order_by("date").first()
    client = Client(raise_request_exception=False)
    client.force_login(leader.user)
    response = client.post(
        f"/f/{federation.slug}/narvaro/{session.pk}/", {"present": [str(p.pk) for p in places]}
    )
    assert response.status_code == 503
    assert "Databasen svarar inte just nu" in response.content.decode()
    assert not Attendance.objects.filter(session=session).exists()
