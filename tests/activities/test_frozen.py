"""Frozen payouts: approval freezes the attendance a compensation counts; a later change is a
correction with who, why and the difference in money, on the next payout file."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from stegvis.activities import importing, payout, services
from stegvis.activities.models import Attendance, CompensationCorrection
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from tests.api.conftest import api, token_for  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def lead(federation, make_member):
    """The NAD process lead: approves, pays and corrects compensations."""
    return make_member(federation, Role.INTERVENTION_LEAD, "jonas")


@pytest.fixture
def world(make_activity, scope, intervention, register, enrol, admin, leader, coordinator):
    """Seven weekly sessions, the last one today; three participants. The compensation is
    computed as of the sixth session (a week ago), so that session is the last one frozen.

    Presence over the six counted sessions (share 1/2, 1 500 kr): A 3 of 6 (counts, exactly
    at the boundary), B 2 of 6 (does not count), C 4 of 6 (counts)."""
    activity = make_activity(sessions=7, first=TODAY - timedelta(days=42))
    activity.leaders.add(leader)
    places = []
    for name in ("Amal", "Bashir", "Cyrus"):
        person = register(intervention, first_name=name)
        enrolment = enrol(person, intervention, TODAY - timedelta(days=90))
        places.append(
            services.place_create(
                actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
            )
        )
    sessions = list(activity.sessions.order_by("date"))
    pattern = [[1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0]]
    for place, presences in zip(places, pattern, strict=True):
        for session, present in zip(sessions, presences, strict=False):
            services.attendance_record(
                actor=admin.user, membership=None, session=session, place=place, present=present
            )
    compensation = services.compensation_compute(
        actor=coordinator.user,
        membership=coordinator,
        activity=activity,
        as_of=TODAY - timedelta(days=7),
    )
    assert (compensation.sessions_held, compensation.participant_count) == (6, 2)
    assert compensation.period_end == TODAY - timedelta(days=7)
    return activity, places, sessions, compensation


def _approve(compensation, lead, on=None):
    return services.compensation_approve(
        actor=lead.user, membership=lead, compensation=compensation, on=on
    )


def test_draft_attendance_can_change_but_approval_then_needs_a_recount(world, admin, lead):
    _activity, places, sessions, compensation = world
    services.attendance_record(
        actor=admin.user, membership=None, session=sessions[3], place=places[1], present=True
    )
    with pytest.raises(ValidationError, match="Räkna om"):
        _approve(compensation, lead)


def test_approval_freezes_attendance_up_to_the_last_counted_session(world, admin, lead, leader):
    _activity, places, sessions, compensation = world
    _approve(compensation, lead)
    # The last counted session is frozen...
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            actor=leader.user, membership=leader, session=sessions[5], place=places[1], present=True
        )
    assert "ingår i en godkänd ersättning och är låst" in error.value.messages[0]
    assert Attendance.objects.get(session=sessions[5], place=places[1]).present is False
    # ... even a first mark for a place that never had one there.
    Attendance.objects.filter(session=sessions[0], place=places[2]).delete()
    with pytest.raises(ValidationError, match="låst"):
        services.attendance_record(
            actor=leader.user, membership=leader, session=sessions[0], place=places[2], present=True
        )
    # ... the day after it is not: today's session is still open.
    services.attendance_record(
        actor=leader.user, membership=leader, session=sessions[6], place=places[1], present=True
    )
    with pytest.raises(ValidationError, match="låst"):
        services.session_cancel(actor=admin.user, membership=admin, session=sessions[2])
    with pytest.raises(ValidationError, match="låst"):
        services.activity_cancel(
            actor=admin.user,
            membership=admin,
            activity=sessions[0].activity,
            reason="Lokalen brann",
            on=TODAY - timedelta(days=7),
        )
    # Cancelling from today, after the frozen period, is allowed.
    services.activity_cancel(
        actor=admin.user,
        membership=admin,
        activity=sessions[0].activity,
        reason="Lokalen brann",
        on=TODAY,
    )


def test_correction_at_the_attendance_boundary_changes_the_money(world, lead, admin):
    _activity, places, sessions, compensation = world
    _approve(compensation, lead)
    services.compensation_mark_paid(
        actor=lead.user, membership=lead, compensation=compensation, reference="V-1"
    )
    # A: 3 of 6 counts; one presence less is 2 of 6 and does not: 1 500 kr back (credit).
    credit = services.compensation_correct(
        actor=lead.user,
        membership=lead,
        compensation=compensation,
        session=sessions[0],
        place=places[0],
        present=False,
        reason="Ledaren bockade fel person första gången.",
    )
    assert (credit.participants_before, credit.participants_after) == (2, 1)
    assert credit.amount_sek == -1500
    assert credit.entry == "Kredit"
    assert (credit.present_before, credit.present_after) == (True, False)
    assert credit.created_by == lead.user
    assert credit.settled_on is None
    # B: 2 of 6 does not count; one presence more is 3 of 6 and does: 1 500 kr more (debit).
    debit = services.compensation_correct(
        actor=lead.user,
        membership=lead,
        compensation=compensation,
        session=sessions[2],
        place=places[1],
        present=True,
        reason="Närvarolistan på papper visar att Bashir var där.",
    )
    assert (debit.participants_before, debit.participants_after) == (1, 2)
    assert (debit.amount_sek, debit.entry) == (1500, "Debet")
    # C: 4 of 6; one presence less is 3 of 6, still counts: recorded, no money, settled.
    none = services.compensation_correct(
        actor=lead.user,
        membership=lead,
        compensation=compensation,
        session=sessions[3],
        place=places[2],
        present=False,
        reason="Gick hem efter tio minuter.",
    )
    assert none.amount_sek == 0
    assert none.settled_on == TODAY
    # The attendance really changed; the paid compensation did not.
    assert Attendance.objects.get(session=sessions[0], place=places[0]).present is False
    compensation.refresh_from_db()
    assert (compensation.amount_sek, compensation.participant_count) == (3000, 2)
    amounts = services.compensation_paid_amounts(compensation)
    assert amounts == {
        "approved": 3000,
        "corrected": 0,
        "total": 3000,
        "paid": 3000,
        "pending": 0,
    }
    logged = AuditEntry.objects.filter(object_type="compensation", action="update")
    assert logged.filter(reason__startswith="rättelse: Ledaren bockade fel").exists()
    detail = logged.get(reason__startswith="rättelse: Ledaren").detail
    assert (detail["amount_sek"], detail["present_before"], detail["present_after"]) == (
        -1500,
        True,
        False,
    )


def test_paid_corrected_and_pending_amounts(world, lead):
    _activity, places, sessions, compensation = world
    _approve(compensation, lead)
    assert services.compensation_paid_amounts(compensation)["pending"] == 3000
    services.compensation_mark_paid(actor=lead.user, membership=lead, compensation=compensation)
    credit = services.compensation_correct(
        actor=lead.user,
        membership=lead,
        compensation=compensation,
        session=sessions[1],
        place=places[0],
        present=False,
        reason="Fel datum i listan.",
    )
    amounts = services.compensation_paid_amounts(compensation)
    assert (amounts["paid"], amounts["corrected"], amounts["pending"], amounts["total"]) == (
        3000,
        -1500,
        -1500,
        1500,
    )
    services.correction_settle(
        actor=lead.user, membership=lead, correction=credit, reference="Kreditfaktura 7"
    )
    amounts = services.compensation_paid_amounts(compensation)
    assert (amounts["paid"], amounts["pending"]) == (1500, 0)
    with pytest.raises(ValidationError, match="reglerades redan"):
        services.correction_settle(actor=lead.user, membership=lead, correction=credit)


def test_correction_is_refused_without_reason_for_a_draft_or_without_the_role(
    world, lead, coordinator, make_activity
):
    _activity, places, sessions, compensation = world
    args = {"compensation": compensation, "session": sessions[0], "place": places[0]}
    with pytest.raises(ValidationError, match="utkast"):
        services.compensation_correct(
            actor=lead.user, membership=lead, present=False, reason="Fel", **args
        )
    _approve(compensation, lead)
    with pytest.raises(PermissionDenied):
        services.compensation_correct(
            actor=coordinator.user, membership=coordinator, present=False, reason="Fel", **args
        )
    with pytest.raises(ValidationError) as error:
        services.compensation_correct(
            actor=lead.user, membership=lead, present=False, reason="  ", **args
        )
    assert error.value.message_dict == {"reason": ["Skriv varför närvaron rättas."]}
    with pytest.raises(ValidationError, match="redan registrerad som närvarande"):
        services.compensation_correct(
            actor=lead.user, membership=lead, present=True, reason="Fel", **args
        )
    # Today's session is after the compensation's period: not a correction, just attendance.
    with pytest.raises(ValidationError) as error:
        services.compensation_correct(
            actor=lead.user,
            membership=lead,
            compensation=compensation,
            session=sessions[6],
            place=places[0],
            present=True,
            reason="Fel",
        )
    assert error.value.message_dict == {"session": ["Tillfället ingår inte i ersättningen."]}
    other = make_activity(title="Annan grupp")
    with pytest.raises(ValidationError) as error:
        services.compensation_correct(
            actor=lead.user,
            membership=lead,
            compensation=compensation,
            session=other.sessions.first(),
            place=places[0],
            present=True,
            reason="Fel",
        )
    assert "session" in error.value.message_dict
    assert not CompensationCorrection.objects.exists()


def test_payout_file_carries_the_correction_until_it_is_settled(world, lead, federation):
    _activity, places, sessions, compensation = world
    _approve(compensation, lead, on=TODAY - timedelta(5))
    services.compensation_mark_paid(
        actor=lead.user, membership=lead, compensation=compensation, paid_on=TODAY - timedelta(3)
    )
    correction = services.compensation_correct(
        actor=lead.user,
        membership=lead,
        compensation=compensation,
        session=sessions[4],
        place=places[1],
        present=True,
        reason="Papperslistan",
    )

    def report(**filters):
        return payout.build_report(
            payout.report_compensations(compensation.__class__.objects.all()),
            start=filters.get("start"),
            end=filters.get("end"),
            federation_name=federation.name,
            corrections=payout.report_corrections(**filters),
        )

    first = report()
    assert [(line.entry[:8], line.amount) for line in first.lines] == [
        ("Ersättni", 3000),
        ("Rättelse", 1500),
    ]
    assert "debet" in first.lines[1].entry
    assert (first.paid, first.corrected, first.pending, first.total) == (3000, 1500, 1500, 4500)
    sheet = load_workbook(io.BytesIO(payout.to_xlsx(first))).active
    values = [[c.value for c in row] for row in sheet.iter_rows() if row]
    assert any(row[8] == 1500 and str(row[12]).startswith("Rättelse") for row in values)
    assert [values[-1][0], values[-1][8]] == ["Att betala ut", 1500]
    services.correction_settle(
        actor=lead.user, membership=lead, correction=correction, settled_on=TODAY
    )
    # Settled today: in a file for today, not in one for last month.
    assert len(report(start=TODAY).lines) == 2
    assert report(start=TODAY).pending == 0
    last_month = report(end=TODAY - timedelta(days=30))
    assert [line.entry for line in last_month.lines] == ["Ersättning"]


def test_leader_web_api_and_import_are_refused_on_frozen_sessions(
    world,
    lead,
    leader,
    admin,
    client,
    federation,
    api,  # noqa: F811
):
    activity, places, sessions, compensation = world
    _approve(compensation, lead)
    client.force_login(leader.user)
    base = f"/f/{federation.slug}/narvaro/{sessions[5].pk}/"
    page = client.get(base).content.decode()
    assert "är låst" in page
    assert "Spara närvaron" not in page
    toggle = client.post(f"{base}{places[1].pk}/", {"state": "1"}, HTTP_HX_REQUEST="true")
    assert toggle.status_code == 400
    assert "låst" in toggle.content.decode()
    response = api(leader).post(
        f"/sessions/{sessions[5].pk}/attendance",
        {"records": [{"place_id": places[1].pk, "present": True}]},
    )
    assert response.status_code == 400
    assert "låst" in response.json()["detail"][0]
    assert Attendance.objects.get(session=sessions[5], place=places[1]).present is False
    text = (
        "activity_id;session_date;participant;present\n"
        f"{activity.pk};{sessions[5].date:%Y-%m-%d};D-{places[1].enrolment.participant_id:06d};ja\n"
    )
    # The import is for staff who see the participants (here the case worker's role).
    with pytest.raises(importing.ImportFailed) as error:
        importing.parse_attendance(text, membership=admin)
    assert "låst" in str(error.value.errors[0])


def test_correction_pages_owner_colleague_outsider(world, lead, coordinator, outsider, client):
    _activity, places, sessions, compensation = world
    _approve(compensation, lead)
    federation = compensation.federation
    url = f"/f/{federation.slug}/ersattningar/{compensation.pk}/rattelse/"
    form = {
        "session": sessions[0].pk,
        "place": places[0].pk,
        "present": "0",
        "reason": "Fel i listan",
    }
    client.force_login(outsider.user)
    assert client.post(url, form).status_code == 404
    client.force_login(coordinator.user)
    assert client.post(url, form).status_code == 403
    page = client.get(f"/f/{federation.slug}/ersattningar/{compensation.pk}/").content.decode()
    assert "Rätta närvaron" not in page
    client.force_login(lead.user)
    response = client.post(url, {**form, "reason": ""})
    assert response.status_code == 200
    assert "Skriv varför närvaron rättas." in response.content.decode() or (
        "Detta fält måste fyllas i" in response.content.decode()
    )
    response = client.post(url, form)
    assert response.status_code == 302
    correction = CompensationCorrection.objects.get()
    assert correction.amount_sek == -1500
    page = client.get(response["Location"]).content.decode()
    assert "Fel i listan" in page
    assert "Amal" not in page  # places by number only
    settle = client.post(
        f"{url}{correction.pk}/reglerad/", {"paid_on": TODAY.isoformat(), "reference": "K-9"}
    )
    assert settle.status_code == 302
    correction.refresh_from_db()
    assert (correction.settled_on, correction.settlement_reference) == (TODAY, "K-9")


def test_dashboard_to_pay_includes_unsettled_corrections(world, lead, coordinator, client):
    _activity, places, sessions, compensation = world
    _approve(compensation, lead)
    services.compensation_mark_paid(actor=lead.user, membership=lead, compensation=compensation)
    services.compensation_correct(
        actor=lead.user,
        membership=lead,
        compensation=compensation,
        session=sessions[0],
        place=places[0],
        present=False,
        reason="Fel person",
    )
    client.force_login(coordinator.user)
    page = client.get(f"/f/{compensation.federation.slug}/").content.decode()
    # Paid: nothing approved left, but 1 500 kr to claim back.
    assert "<dt>Att betala ut (kr)</dt><dd>-1500</dd>" in page


def test_compensations_and_their_amounts_over_the_api(
    world,
    lead,
    coordinator,
    case_worker,
    outsider,
    api,  # noqa: F811
):
    *_rest, compensation = world
    _approve(compensation, lead)
    listed = api(coordinator).get("/compensations", status="approved")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    item = listed.json()["items"][0]
    assert (item["id"], item["participant_count"], item["amount_sek"]) == (compensation.pk, 2, 3000)
    assert item["period_end"] == compensation.period_end.isoformat()
    assert api(coordinator).get("/compensations", status="paid").json()["count"] == 0
    detail = api(lead).get(f"/compensations/{compensation.pk}").json()
    assert detail["amounts"] == {
        "approved": 3000,
        "corrected": 0,
        "total": 3000,
        "paid": 0,
        "pending": 3000,
    }
    assert detail["corrections"] == []
    # No names anywhere: places are numbers.
    assert "Amal" not in str(detail)
    assert api(case_worker).get("/compensations").status_code == 403
    assert api(case_worker).get(f"/compensations/{compensation.pk}").status_code == 403
    assert api(outsider).get(f"/compensations/{compensation.pk}").status_code == 404
    assert api(outsider).get("/compensations").json()["count"] == 0


def test_correction_and_settlement_over_the_api(world, lead, coordinator, api):  # noqa: F811
    _activity, places, sessions, compensation = world
    url = f"/compensations/{compensation.pk}/corrections"
    body = {
        "session_id": sessions[0].pk,
        "place_id": places[0].pk,
        "present": False,
        "reason": "Ledaren bockade fel person.",
    }
    # Still a draft: the attendance is changed and the compensation counted again instead.
    draft = api(lead).post(url, body)
    assert draft.status_code == 400
    assert "utkast" in draft.json()["detail"][0]
    _approve(compensation, lead)
    assert api(coordinator).post(url, body).status_code == 403
    blank = api(lead).post(url, {**body, "reason": "   "})
    assert blank.status_code == 400
    assert blank.json()["detail"] == {"reason": ["Skriv varför närvaron rättas."]}
    other = api(lead).post(url, {**body, "session_id": sessions[6].pk})
    assert other.json()["detail"] == {"session": ["Tillfället ingår inte i ersättningen."]}
    same = api(lead).post(url, {**body, "present": True})
    assert "ingen rättelse behövs" in same.json()["detail"][0]
    assert not CompensationCorrection.objects.exists()
    assert Attendance.objects.get(session=sessions[0], place=places[0]).present is True

    created = api(lead).post(url, body)
    assert created.status_code == 201
    correction = created.json()
    assert (correction["amount_sek"], correction["entry"]) == (-1500, "Kredit")
    assert (correction["present_before"], correction["present_after"]) == (True, False)
    assert correction["session_date"] == sessions[0].date.isoformat()
    assert correction["settled_on"] is None
    assert AuditEntry.objects.filter(
        object_type="compensation", reason="rättelse: Ledaren bockade fel person."
    ).exists()
    amounts = api(lead).get(f"/compensations/{compensation.pk}").json()["amounts"]
    assert (amounts["corrected"], amounts["total"], amounts["pending"]) == (-1500, 1500, 1500)

    settle = f"{url}/{correction['id']}/settle"
    assert api(coordinator).post(settle, {"reference": "K-1"}).status_code == 403
    settled = api(lead).post(settle, {"reference": "K-1"})
    assert settled.status_code == 200
    assert (settled.json()["settled_on"], settled.json()["settlement_reference"]) == (
        TODAY.isoformat(),
        "K-1",
    )
    again = api(lead).post(settle, {"reference": "K-2"})
    assert again.status_code == 400
    assert "reglerades redan" in again.json()["detail"][0]
    # A correction is found only under its own compensation.
    assert (
        api(lead)
        .post(f"/compensations/{compensation.pk + 99}/corrections/{correction['id']}/settle", {})
        .status_code
        == 404
    )
