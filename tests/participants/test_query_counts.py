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


# The participant page's tabs and the most queries each may run: the 14 every tab shares
# (session, membership, two-factor devices, the person, the consents, referrals and
# enrolments that decide the scope, the audit entry, code lists) and what the tab shows.
TAB_QUERIES = {
    "": 16,
    "plan": 16,
    "kartlaggning": 20,
    "overlamning": 16,
    "enkater": 16,
    "tidslinje": 21,
}
TABS = list(TAB_QUERIES)


@pytest.mark.parametrize("tab", TABS)
def test_participant_page_query_count_does_not_grow_with_history(
    tab,
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
    url = f"/f/{federation.slug}/deltagare/{person.pk}/?flik={tab}"
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
    # Each tab reads only what it shows; the page that once showed every section at once ran
    # 36 queries.
    assert few <= TAB_QUERIES[tab]


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


# --- Constant as the data grows tenfold -------------------------------------------------------
# Each first page after login (per role), the caseload and a participant page run the same
# number of queries with N and with 10×N rows of what they list or count.

N = 3


def _grow(n, *, intervention, register, enrol, contact, offset):
    """n people in the intervention, the contact's, half with a finished earlier enrolment, and
    n pending referrals of further people."""
    from stegvis.participants import services

    for i in range(n):
        person = register(
            intervention,
            first_name=f"P{offset + i}",
            last_name=f"Efternamn{(offset + i) % 7}",
            born=date(1960, 1, 1) + timedelta(days=offset + i * 37),
        )
        if i % 2:
            enrol(person, intervention, date(2024, 1, 1), date(2024, 6, 30), main_contact=contact)
        enrol(person, intervention, date(2026, 1, 1), main_contact=contact)
    for i in range(n):
        person = register(
            intervention,
            first_name=f"R{offset + i}",
            born=date(1970, 1, 1) + timedelta(days=offset + i * 41),
        )
        services.referral_create(
            actor=contact.user,
            membership=contact,
            participant=person,
            intervention=intervention,
            reason="Behöver stöd mot arbete.",
            referred_on=date(2026, 2, 1),
        )


@pytest.fixture
def grow(scope, case_worker, intervention, register, enrol):
    done = {"rows": 0}

    def to(total):
        _grow(
            total - done["rows"],
            intervention=intervention,
            register=register,
            enrol=enrol,
            contact=case_worker,
            offset=done["rows"] * 2,
        )
        done["rows"] = total

    return to


@pytest.fixture
def role_members(federation, intervention, make_member):
    from stegvis.core.roles import Role

    return {
        "insatsansvarig": make_member(
            federation, Role.INTERVENTION_LEAD, "ida", interventions=[intervention]
        ),
        "styrgrupp": make_member(federation, Role.STEERING, "sten"),
        "utvärderare": make_member(federation, Role.EVALUATOR, "ulla"),
    }


def _counts_at_n_and_10n(client, grow, membership, url):
    client.force_login(membership.user)
    grow(N)
    _queries(client, url)  # the first visit may add a federation's default settings
    few = _queries(client, url)
    grow(10 * N)
    many = _queries(client, url)
    return few, many


@pytest.mark.parametrize("mine", ["me", "all"])
def test_caseload_query_count_is_constant_at_ten_times_the_rows(
    client, grow, case_worker, federation, mine
):
    url = f"/f/{federation.slug}/deltagare/?mine={mine}"
    few, many = _counts_at_n_and_10n(client, grow, case_worker, url)
    assert many == few
    assert few <= 12


def test_caseload_lists_in_name_order_across_pages(client, grow, case_worker, federation):
    """Reading pages in index order keeps the order users rely on: anonymous last, then by
    last and first name, and every row exactly once across pages."""
    from stegvis.participants.models import Enrolment

    grow(45)  # 45 ongoing enrolments: two pages of 40
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltagare/"
    first = client.get(url)
    second = client.get(url + "?sida=2")
    assert "Deltagande 1–40, fler på nästa sida" in first.content.decode()
    assert "45 deltaganden" in second.content.decode()
    shown = [e.pk for e in first.context["page"]] + [e.pk for e in second.context["page"]]
    expected = list(
        Enrolment.objects.filter(main_contact=case_worker, end_date__isnull=True)
        .order_by("participant__last_name", "participant__first_name", "participant_id")
        .values_list("pk", flat=True)
    )
    assert shown == expected
    assert client.get(url + "?sida=9").context["page"].object_list == []


def test_the_whole_list_pages_in_name_order_with_people_enrolled_twice(
    client, grow, case_worker, federation, other_intervention, enrol
):
    """``?mine=all`` reads a page through the first people of the list: a person with two
    ongoing enrolments fills two rows, and every row still comes exactly once, in order."""
    from stegvis.participants.models import Enrolment, Participant

    grow(70)
    case_worker.interventions.add(other_intervention)
    for person in Participant.objects.order_by("pk")[:50:3]:  # some twice, across the pages
        enrol(person, other_intervention, date(2026, 2, 1), main_contact=case_worker)
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/deltagare/?mine=all"
    shown = []
    for number in (1, 2, 3):
        shown += [e.pk for e in client.get(f"{url}&sida={number}").context["page"]]
    expected = list(
        Enrolment.objects.filter(end_date__isnull=True)
        .order_by(*Participant.list_order("participant__"), "-start_date", "id")
        .values_list("pk", flat=True)
    )
    assert 80 < len(expected) <= 120  # three pages
    assert shown == expected
    only = client.get(f"{url}&intervention={other_intervention.pk}").context["page"]
    assert [e.pk for e in only] == [
        pk
        for pk in expected
        if Enrolment.objects.get(pk=pk).intervention_id == other_intervention.pk
    ]


def test_case_worker_dashboard_query_count_is_constant_at_ten_times_the_rows(
    client, grow, case_worker, federation
):
    few, many = _counts_at_n_and_10n(client, grow, case_worker, f"/f/{federation.slug}/")
    assert many == few
    assert few <= 24  # 36 before the figures were counted in one query each panel


@pytest.mark.parametrize("role", ["insatsansvarig", "styrgrupp", "utvärderare"])
def test_role_dashboard_query_count_is_constant_at_ten_times_the_rows(
    client, grow, role_members, federation, role
):
    few, many = _counts_at_n_and_10n(client, grow, role_members[role], f"/f/{federation.slug}/")
    assert many == few


def test_administrator_dashboard_query_count_is_constant_at_ten_times_the_rows(
    client, grow, pure_admin, federation
):
    few, many = _counts_at_n_and_10n(client, grow, pure_admin, f"/f/{federation.slug}/")
    assert many == few


@pytest.mark.parametrize("tab", TABS)
def test_participant_page_query_count_is_constant_at_ten_times_the_rows(
    client, grow, case_worker, federation, tab
):
    from stegvis.participants.models import Participant

    grow(N)
    person = Participant.objects.filter(first_name="P1").get()  # with an earlier enrolment
    url = f"/f/{federation.slug}/deltagare/{person.pk}/?flik={tab}"
    few, many = _counts_at_n_and_10n(client, grow, case_worker, url)
    assert many == few
