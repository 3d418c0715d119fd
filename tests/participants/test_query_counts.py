"""Pages run a bounded number of queries however many rows they show (no N+1)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # the session's last-seen time is written on the first request only
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _people(n, intervention, register, enrol, contact, offset=0):
    for i in range(n):
        person = register(
            intervention,
            first_name=f"P{offset + i}",
            born=date(1960, 1, 1) + timedelta(days=offset + i * 37),
        )
        enrol(person, intervention, date(2026, 1, 1), main_contact=contact)


def test_caseload_query_count_does_not_grow_with_rows(
    client, scope, admin, case_worker, intervention, register, enrol, federation
):
    _people(3, intervention, register, enrol, case_worker)
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltagare/?mine=all"
    few = _queries(client, url)
    _people(25, intervention, register, enrol, case_worker, offset=100)
    many = _queries(client, url)
    assert many == few
    assert few <= 25


def test_participant_page_query_count_does_not_grow_with_history(
    client,
    scope,
    admin,
    case_worker,
    intervention,
    other_intervention,
    register,
    enrol,
    federation,
):
    from stegvis.participants import services

    case_worker.interventions.add(other_intervention)
    admin.interventions.add(other_intervention)
    person = register(intervention)
    first = enrol(person, intervention, date(2025, 1, 1), date(2025, 6, 30), main_contact=admin)
    enrol(person, other_intervention, date(2026, 1, 1), main_contact=case_worker)
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltagare/{person.pk}/"
    _queries(client, url)  # the first visit may add a federation's default settings
    few = _queries(client, url)
    services.enrolment_hand_over(
        actor=admin.user,
        membership=admin,
        enrolment=first,
        to_contact=case_worker,
        handed_over_on=date(2025, 3, 1),
    )
    for year in (2026, 2027):
        enrol(person, intervention, date(year, 1, 1), date(year, 6, 30), main_contact=admin)
    many = _queries(client, url)
    assert many == few
    # Sections from participants, assessments, plans, activities, surveys and transfers.
    assert few <= 36


def test_a_list_logs_one_read_per_person_however_many_rows_are_theirs(
    client, scope, case_worker, intervention, other_intervention, register, enrol, federation
):
    from stegvis.core.models import AuditEntry

    case_worker.interventions.add(other_intervention)
    person = register(intervention)
    enrol(person, intervention, date(2026, 1, 1), main_contact=case_worker)
    enrol(person, other_intervention, date(2026, 2, 1), main_contact=case_worker)
    client.force_login(case_worker.user)
    before = AuditEntry.objects.filter(action="read", reason="mina deltagare").count()
    page = client.get(f"/f/{federation.slug}/deltagare/").content.decode()
    assert page.count(f"/deltagare/{person.pk}/") == 2  # two rows, one person
    reads = AuditEntry.objects.filter(action="read", reason="mina deltagare")
    assert reads.count() - before == 1
    assert reads.last().object_id == str(person.pk)
