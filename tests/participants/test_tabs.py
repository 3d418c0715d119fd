"""The participant page's tabs: the overview by default, one tab per app and the timeline; each
tab reads and logs only what it shows."""

from datetime import date

import pytest

from stegvis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(register, enrol, intervention, case_worker):
    participant = register(intervention)
    enrol(participant, intervention, date(2026, 1, 5), main_contact=case_worker)
    return participant


def _page(client, federation, person, tab=None):
    url = f"/f/{federation.slug}/deltagare/{person.pk}/"
    response = client.get(url if tab is None else f"{url}?flik={tab}")
    assert response.status_code == 200
    return response


def _reads(person):
    return list(
        AuditEntry.objects.filter(
            action=AuditEntry.Action.READ, object_type="participant", object_id=str(person.pk)
        )
        .order_by("pk")
        .values_list("reason", flat=True)
    )


def test_the_overview_is_the_default_and_marks_its_tab(client, federation, person, case_worker):
    client.force_login(case_worker.user)
    body = _page(client, federation, person).content.decode()
    assert '<nav class="tabs" aria-label="Personens sida">' in body
    assert '<a href="?" aria-current="page">Översikt</a>' in body
    positions = []
    for tab, title in [
        ("kartlaggning", "Kartläggning"),
        ("plan", "Plan och möten"),
        ("overlamning", "Överlämning"),
        ("enkater", "Enkätsvar"),
        ("tidslinje", "Tidslinje"),
    ]:
        link = f'<a href="?flik={tab}">{title}</a>'
        assert link in body
        positions.append(body.index(link))
    assert positions == sorted(positions)  # in the order of the work
    assert "Deltaganden" in body
    assert "<h2>Tidslinje</h2>" not in body


def test_an_unknown_tab_shows_the_overview(client, federation, person, case_worker):
    client.force_login(case_worker.user)
    response = _page(client, federation, person, "<script>")
    assert response.context["tab"] == ""
    assert '<a href="?" aria-current="page">Översikt</a>' in response.content.decode()
    assert _reads(person)[-1] == "deltagarsida"


def test_each_tab_is_logged_with_its_name(client, federation, person, case_worker):
    client.force_login(case_worker.user)
    before = len(_reads(person))
    _page(client, federation, person, "tidslinje")
    _page(client, federation, person, "plan")
    reads = _reads(person)[before:]
    assert reads[0] == "deltagarsida, tidslinje"
    assert "deltagarsida, plan och möten" in reads
    assert "deltagarsida" not in reads  # a tab does not also read the overview


def test_the_timeline_tab_shows_the_enrolment_and_not_the_overview(
    client, federation, person, case_worker
):
    client.force_login(case_worker.user)
    response = _page(client, federation, person, "tidslinje")
    body = response.content.decode()
    assert '<a href="?flik=tidslinje" aria-current="page">Tidslinje</a>' in body
    assert "<h2>Tidslinje</h2>" in body
    assert "enrolments" not in response.context  # the overview's reads are not made
    assert response.context["timeline"]


def test_an_empty_tab_says_so(client, federation, register, enrol, intervention, case_worker):
    """A person whose only enrolment has ended has nothing to hand over."""
    person = register(intervention)
    enrol(person, intervention, date(2025, 1, 5), date(2025, 6, 30), main_contact=case_worker)
    client.force_login(case_worker.user)
    body = _page(client, federation, person, "overlamning").content.decode()
    assert "Inget att visa här för de insatser du ser." in body
    assert "Överlämning till annan insats" not in body


def test_a_tab_of_a_person_out_of_scope_is_not_found(
    client, federation, person, make_member, other_intervention
):
    from stegvis.core.roles import Role

    stranger = make_member(federation, Role.CASE_WORKER, "sara", interventions=[other_intervention])
    client.force_login(stranger.user)
    for tab in ("", "plan", "tidslinje"):
        response = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/?flik={tab}")
        assert response.status_code == 404
