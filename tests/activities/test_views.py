"""Pages: the owner, a colleague without scope, and an outsider (404)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from stegvis.activities import services
from stegvis.activities.models import Activity, Attendance
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def placed(make_activity, scope, intervention, register, enrol, admin, leader):
    """An approved activity led by ``leader`` with one participant, present at every session."""
    activity = make_activity()
    activity.leaders.add(leader)
    person = register(intervention, first_name="Rasha", last_name="Haddad")
    enrolment = enrol(person, intervention, TODAY - timedelta(days=90))
    place = services.place_create(
        actor=admin.user, membership=admin, activity=activity, enrolment=enrolment
    )
    return activity, place


def test_coordinator_creates_activity_that_fails_then_passes_approval(
    client, coordinator, association, working_group, federation
):
    client.force_login(coordinator.user)
    base = f"/f/{federation.slug}"
    response = client.post(
        f"{base}/aktiviteter/ny/",
        {
            "association": association.pk,
            "title": "Promenadgrupp",
            "category": "sport",
            "capacity": 12,
            "leader_count": 1,
            "working_group": working_group.pk,
            "s-first_date": (TODAY + timedelta(days=1)).isoformat(),
            "s-count": 4,
            "s-every_days": 7,
        },
    )
    activity = Activity.objects.get(title="Promenadgrupp")
    assert response.status_code == 302
    client.post(f"{base}/aktiviteter/{activity.pk}/godkann/")
    body = client.get(f"{base}/aktiviteter/{activity.pk}/").content.decode()
    assert "Aktiviteten kan inte godkännas ännu" in body
    assert "Bara 4 tillfällen" in body
    assert "12 planerade deltagare kräver minst 2 ledare" in body
    activity.refresh_from_db()
    assert activity.status == "draft"


def test_activity_detail_hides_names_from_roles_without_scope(
    client, placed, federation, make_member, coordinator, case_worker
):
    activity, _place = placed
    url = f"/f/{federation.slug}/aktiviteter/{activity.pk}/"
    client.force_login(case_worker.user)
    assert "Rasha Haddad" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(reason="deltagare i aktivitet", actor_username="bob").exists()
    for member in (coordinator, make_member(federation, Role.STEERING, "karin")):
        client.force_login(member.user)
        body = client.get(url).content.decode()
        assert "Rasha" not in body
        assert "Deltagare i en annan insats" in body


def test_outsider_gets_404_on_activity_pages(client, placed, outsider, federation):
    activity, _place = placed
    session = activity.sessions.first()
    client.force_login(outsider.user)
    for url in (
        f"/f/{federation.slug}/aktiviteter/",
        f"/f/{federation.slug}/aktiviteter/{activity.pk}/",
        f"/f/{federation.slug}/narvaro/{session.pk}/",
        f"/f/{federation.slug}/ersattningar/",
        f"/f/{federation.slug}/platser/",
    ):
        assert client.get(url).status_code == 404, url
    beta = f"/f/beta/aktiviteter/{activity.pk}/"
    assert client.get(beta).status_code == 404


def test_leader_sees_only_first_names_on_own_list_and_records_without_js(
    client, placed, leader, federation
):
    activity, place = placed
    session = activity.sessions.order_by("date").first()
    client.force_login(leader.user)
    url = f"/f/{federation.slug}/narvaro/{session.pk}/"
    body = client.get(url).content.decode()
    assert "Rasha" in body
    assert "Haddad" not in body
    assert "D-" not in body
    assert AuditEntry.objects.filter(reason="närvarolista", actor_username="erik").exists()
    response = client.post(url, {"present": [str(place.pk)]})
    assert response.status_code == 302
    assert Attendance.objects.get(session=session, place=place).present is True
    # htmx toggle: one row back, saved at once
    toggle = client.post(f"{url}{place.pk}/", {"state": "0"}, HTTP_HX_REQUEST="true")
    assert toggle.status_code == 200
    assert "Frånvarande" in toggle.content.decode()
    assert Attendance.objects.get(session=session, place=place).present is False


def test_other_leader_gets_404_on_the_list(client, placed, federation, make_member, association):
    activity, _place = placed
    other = make_member(federation, Role.ASSOCIATION_LEADER, "olle", association=association)
    client.force_login(other.user)
    session = activity.sessions.first()
    assert client.get(f"/f/{federation.slug}/narvaro/{session.pk}/").status_code == 404
    assert client.get(f"/f/{federation.slug}/aktiviteter/").status_code == 302  # to own page
    assert client.get(f"/f/{federation.slug}/ersattningar/").status_code == 403


def test_payout_report_xlsx_and_pdf(client, placed, admin, coordinator, federation):
    activity, place = placed
    for session in activity.sessions.all():
        services.attendance_record(
            actor=admin.user, membership=None, session=session, place=place, present=True
        )
    compensation = services.compensation_compute(
        actor=coordinator.user, membership=coordinator, activity=activity
    )
    services.compensation_approve(actor=admin.user, membership=admin, compensation=compensation)
    client.force_login(admin.user)
    base = f"/f/{federation.slug}/ersattningar/utbetalningar"
    xlsx = client.get(f"{base}.xlsx?association={activity.association_id}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[0] == "Språkcaféet" and row[8] == 1500 for row in values if row)
    assert "Rasha" not in str(values)
    pdf = client.get(f"{base}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Språkcaféet" in text
    assert "1 500 kr" in text
    assert AuditEntry.objects.filter(action="export", object_type="payout_report").count() == 2


def test_compensation_pages_by_role(client, placed, federation, make_member, case_worker):
    client.force_login(case_worker.user)
    assert client.get(f"/f/{federation.slug}/ersattningar/").status_code == 403
    lead = make_member(federation, Role.INTERVENTION_LEAD, "jonas")
    client.force_login(lead.user)
    assert client.get(f"/f/{federation.slug}/ersattningar/").status_code == 200


def test_placement_booking_page(
    client, scope, admin, case_worker, intervention, register, enrol, federation
):
    placement = services.placement_create(
        actor=admin.user,
        membership=admin,
        kind="work_training",
        employer="Kommunens park",
        title="Parkarbete",
        supervisor_name="Bo",
        start_date=TODAY,
        end_date=TODAY + timedelta(days=60),
        capacity=1,
    )
    person = register(intervention, first_name="Omar")
    enrolment = enrol(person, intervention, TODAY - timedelta(days=5))
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/platser/{placement.pk}/"
    response = client.post(
        url,
        {
            "enrolment": enrolment.pk,
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert "Omar" in client.get(url).content.decode()
    assert client.get(f"/f/{federation.slug}/platser/").status_code == 200


def test_dashboard_panels_for_coordinator_and_leader(
    client, placed, coordinator, leader, federation
):
    client.force_login(coordinator.user)
    assert "Aktiviteter" in client.get(f"/f/{federation.slug}/").content.decode()
    client.force_login(leader.user)
    body = client.get(f"/f/{federation.slug}/").content.decode()
    assert "Mina tillfällen" in body
    assert "Samtalsgrupp" in body


def test_coordinator_sees_attendance_as_counts_only(client, placed, coordinator, federation):
    activity, _place = placed
    session = activity.sessions.first()
    client.force_login(coordinator.user)
    assert client.get(f"/f/{federation.slug}/narvaro/{session.pk}/").status_code == 404
    body = client.get(f"/f/{federation.slug}/aktiviteter/{activity.pk}/").content.decode()
    assert f"/narvaro/{session.pk}/" not in body


def test_register_extract_and_timeline_show_the_activity(client, placed, admin, federation):
    activity, place = placed
    person = place.enrolment.participant
    client.force_login(admin.user)
    extract = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/utdrag.json").json()
    assert extract["aktiviteter"][0]["aktivitet"] == activity.title
    assert extract["praktik_och_arbetsträning"] == []
    body = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/?flik=tidslinje").content
    assert "Plats i aktivitet" in body.decode()


def test_coordinator_cancels_an_activity_from_its_page(client, placed, coordinator, federation):
    activity, place = placed
    client.force_login(coordinator.user)
    url = f"/f/{federation.slug}/aktiviteter/{activity.pk}/"
    assert "Ställ in aktiviteten" in client.get(url).content.decode()

    refused = client.post(f"{url}stall-in/", {"reason": ""}, follow=True)
    assert "Skriv varför aktiviteten ställs in." in refused.content.decode()
    activity.refresh_from_db()
    assert activity.status == Activity.Status.APPROVED

    response = client.post(f"{url}stall-in/", {"reason": "Ledaren har flyttat."}, follow=True)
    body = response.content.decode()
    assert "Aktiviteten är inställd från" in body
    assert "Ledaren har flyttat." in body
    assert "Godkänn aktiviteten" not in body
    assert "Ställ in aktiviteten</button>" not in body
    place.refresh_from_db()
    assert place.status == "left"


def test_leader_cannot_cancel_an_activity(client, placed, leader, federation):
    activity, _ = placed
    client.force_login(leader.user)
    response = client.post(
        f"/f/{federation.slug}/aktiviteter/{activity.pk}/stall-in/", {"reason": "Nej."}
    )
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status == Activity.Status.APPROVED


def test_dates_are_swedish_whatever_language_the_browser_asks_for(
    client, placed, coordinator, federation
):
    activity, _ = placed
    client.force_login(coordinator.user)
    body = client.get(
        f"/f/{federation.slug}/aktiviteter/{activity.pk}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    session = activity.sessions.order_by("date").first()
    # The session table shows ISO dates like every other table; no English month or day.
    assert f"<td>{session.date:%Y-%m-%d}</td>" in body
    assert "Mon " not in body
    assert "Tue " not in body
    assert '<html lang="sv"' in body
