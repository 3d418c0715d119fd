"""Everyday traps in the activity flows: one transaction per submit, every error at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities.models import Activity

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _activity_post(association, working_group, **extra):
    data = {
        "association": association.pk,
        "title": "Promenadgrupp",
        "category": "sport",
        "capacity": 8,
        "leader_count": 1,
        "working_group": working_group.pk,
        "s-first_date": (TODAY + timedelta(days=1)).isoformat(),
        "s-count": 4,
        "s-every_days": 7,
        "s-start_time": "18:00",
        "s-end_time": "17:00",
    }
    data.update(extra)
    return data


def test_failed_new_activity_saves_nothing_and_resubmit_makes_no_duplicate(
    client, coordinator, association, working_group, federation
):
    client.force_login(coordinator.user)
    url = f"/f/{federation.slug}/aktiviteter/ny/"
    for _ in range(2):
        response = client.post(url, _activity_post(association, working_group))
        assert response.status_code == 200
        assert "Sluttiden måste vara efter starttiden." in response.content.decode()
    assert not Activity.objects.filter(title="Promenadgrupp").exists()


def test_new_activity_shows_activity_and_session_errors_at_once(
    client, coordinator, association, working_group, federation
):
    client.force_login(coordinator.user)
    response = client.post(
        f"/f/{federation.slug}/aktiviteter/ny/",
        _activity_post(association, working_group, title="", capacity=""),
    )
    body = response.content.decode()
    assert body.count("Detta fält måste fyllas i.") >= 2
    assert "Sluttiden måste vara efter starttiden." in body
    assert not Activity.objects.exists()


def test_payout_cannot_precede_its_approval(
    make_activity, scope, intervention, register, enrol, admin, coordinator, federation, make_member
):
    from django.core.exceptions import ValidationError

    from stegvis.activities import services
    from stegvis.activities.models import Attendance, Compensation
    from stegvis.core.roles import Role

    lead = make_member(federation, Role.INTERVENTION_LEAD, "jonas")
    activity = make_activity()
    person = register(intervention)
    enrolment = enrol(person, intervention, TODAY - timedelta(days=90))
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
    )
    for session in activity.sessions.all():
        Attendance.objects.create(federation=federation, session=session, place=place, present=True)
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    services.compensation_approve(actor=lead.user, membership=lead, compensation=compensation)
    with pytest.raises(ValidationError) as exc:
        services.compensation_mark_paid(
            actor=lead.user,
            membership=lead,
            compensation=compensation,
            paid_on=TODAY - timedelta(days=1),
        )
    assert "paid_on" in exc.value.message_dict
    services.compensation_mark_paid(
        actor=lead.user, membership=lead, compensation=compensation, paid_on=TODAY
    )
    compensation.refresh_from_db()
    assert compensation.status == Compensation.Status.PAID


def test_attendance_waits_until_the_session_has_started(
    make_activity, scope, intervention, register, enrol, admin, leader, federation, monkeypatch
):
    from datetime import datetime, time

    from django.core.exceptions import ValidationError

    from stegvis.activities import services
    from stegvis.activities.models import Session

    activity = make_activity()
    activity.leaders.add(leader)
    person = register(intervention)
    enrolment = enrol(person, intervention, TODAY - timedelta(days=90))
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
    )
    noon = timezone.make_aware(datetime.combine(TODAY, time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    later = Session.objects.create(
        federation=federation, activity=activity, date=TODAY, start_time=time(12, 1)
    )
    begun = Session.objects.create(
        federation=federation, activity=activity, date=TODAY, start_time=time(12, 0)
    )
    with pytest.raises(ValidationError, match="inte börjat"):
        services.attendance_record(
            actor=leader.user, membership=leader, session=later, place=place, present=True
        )
    services.attendance_record(
        actor=leader.user, membership=leader, session=begun, place=place, present=True
    )
    assert Session(date=TODAY).has_started()  # no time: from the start of the day
    assert not Session(date=TODAY + timedelta(days=1)).has_started()


def test_quality_approval_is_sent_first_and_recorded_only_by_the_working_group(
    client, make_activity, coordinator, working_group, federation, make_member
):
    from stegvis.core.roles import Role

    activity = make_activity(approve=False)
    base = f"/f/{federation.slug}/aktiviteter/{activity.pk}"
    af_worker = make_member(federation, Role.CASE_WORKER, "amira")
    working_group.members.add(af_worker)

    # The form holds the working-group field it validates.
    client.force_login(af_worker.user)
    page = client.get(f"{base}/").content.decode()
    assert "Inte skickad för godkännande" in page
    assert 'name="working_group"' not in page
    response = client.post(
        f"{base}/kvalitet/", {"working_group": working_group.pk, "note": "Bra"}, follow=True
    )
    assert "har inte skickats för godkännande" in response.content.decode()

    # The coordinator sends it; he is not in the group and cannot record its decision.
    client.force_login(coordinator.user)
    client.post(f"{base}/skicka/")
    activity.refresh_from_db()
    assert activity.submitted_on == TODAY
    response = client.post(
        f"{base}/kvalitet/", {"working_group": working_group.pk, "note": "Bra"}, follow=True
    )
    assert "Välj en giltig" in response.content.decode() or "Bara medlemmar" in (
        response.content.decode()
    )
    activity.refresh_from_db()
    assert not activity.is_quality_approved

    # A member of the group records it.
    client.force_login(af_worker.user)
    page = client.get(f"{base}/").content.decode()
    assert 'name="working_group"' in page
    client.post(f"{base}/kvalitet/", {"working_group": working_group.pk, "note": "Bra upplägg"})
    activity.refresh_from_db()
    assert activity.is_quality_approved
    assert activity.quality_approved_by == af_worker.user


def test_only_members_record_quality_approval_in_the_service(
    make_activity, coordinator, working_group
):
    from django.core.exceptions import PermissionDenied

    from stegvis.activities import services

    activity = make_activity(approve=False)
    services.activity_submit(actor=coordinator.user, membership=coordinator, activity=activity)
    with pytest.raises(PermissionDenied, match="Bara medlemmar i Samverkansgrupp Nordöst"):
        services.activity_quality_approve(
            actor=coordinator.user, membership=coordinator, activity=activity
        )
    working_group.members.add(coordinator)
    services.activity_quality_approve(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    assert activity.is_quality_approved
