"""Knowledge pages: who sees what, and another federation gets 404."""

from __future__ import annotations

import pytest

from stegvis.core.roles import Role
from stegvis.knowledge import services

pytestmark = pytest.mark.django_db


def test_methods_page_shows_ranking_and_hides_small_groups_for_steering(
    scope, federation, intervention, other_intervention, make_member, login, exits, link, admin
):
    link("MI", intervention)
    link("KBT", other_intervention)
    exits(intervention, work=15, other=10)
    exits(other_intervention, work=3, other=0)
    steering = make_member(federation, Role.STEERING, "stina")
    page = login(steering).get(f"/f/{federation.slug}/metoder/").content.decode()
    assert "Motiverande samtal (MI)" in page
    assert "60,0 %" in page  # 15 of 25
    assert "&lt;5" in page  # KBT's three exits are hidden for the board
    assert "Färre än 5 avslutade: döljs" in page
    exact = login(admin).get(f"/f/{federation.slug}/metoder/").content.decode()
    assert "&lt;5" not in exact.split("Utan rangordning")[1].split("</table>")[0]


def test_method_page_and_outsider(scope, federation, intervention, login, link, outsider, admin):
    link("MI", intervention)
    assert login(admin).get(f"/f/{federation.slug}/metoder/MI/").status_code == 200
    assert login(admin).get(f"/f/{federation.slug}/metoder/FINNS-INTE/").status_code == 404
    assert login(outsider).get(f"/f/{federation.slug}/metoder/MI/").status_code == 404
    assert login(outsider).get(f"/f/{federation.slug}/styrning/").status_code == 404


def test_lead_walks_the_checklist_page(scope, federation, intervention, lead, login):
    client = login(lead)
    url = f"/f/{federation.slug}/insatser/{intervention.code}/start/"
    page = client.get(url).content.decode()
    assert "5 av 5 punkter är öppna" in page
    response = client.post(
        url,
        {
            "action": "save",
            "lista-target_group": "Unga vuxna",
            "lista-eligibility": "Anvisas av AF",
            "lista-authority_roles": "",
            "lista-followup_plan": "",
            "lista-comparison_group": "",
            "lista-implementation_plan": "",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "4 av 5 punkter är öppna" in page
    response = client.post(url, {"action": "start", "start-reason": ""})
    assert response.status_code == 200
    assert "Ange skälet att starta utan" in response.content.decode()
    response = client.post(url, {"action": "start", "start-reason": "Beslut i styrgruppen 3/6"})
    assert response.status_code == 302
    assert services.checklist_for(intervention).start_reason == "Beslut i styrgruppen 3/6"


def test_colleague_sees_the_checklist_but_cannot_change_it(
    scope, federation, intervention, other_intervention, make_member, login
):
    colleague = make_member(
        federation, Role.INTERVENTION_LEAD, "kalle", interventions=[other_intervention]
    )
    client = login(colleague)
    url = f"/f/{federation.slug}/insatser/{intervention.code}/start/"
    assert "Spara startlistan" not in client.get(url).content.decode()
    client.post(url, {"action": "start", "start-reason": "x"})
    assert services.checklist_for(intervention).started_at is None


def test_intervention_page_links_to_checklist(scope, federation, intervention, lead, login):
    page = login(lead).get(f"/f/{federation.slug}/insatser/{intervention.code}/").content.decode()
    assert f"/f/{federation.slug}/insatser/{intervention.code}/start/" in page


def test_lead_chooses_methods_for_the_intervention(scope, federation, intervention, lead, login):
    from stegvis.knowledge.models import Method

    mi = Method.objects.get(code="MI")
    url = f"/f/{federation.slug}/insatser/{intervention.code}/metoder/"
    response = login(lead).post(url, {"methods": [mi.pk]})
    assert response.status_code == 302
    assert list(intervention.methods.values_list("code", flat=True)) == ["MI"]


def test_good_example_page(scope, federation, intervention, lead, login, exits, link, make_member):
    from stegvis.interventions.models import Financier, OutcomeBooking

    link("MI", intervention)
    exits(intervention, work=6, other=4)
    financier = Financier.objects.create(intervention=intervention, name="Förbundet")
    OutcomeBooking.objects.create(financier=financier, booked_on="2025-06-30", amount=200_000)
    steering = make_member(federation, Role.STEERING, "stina")
    url = f"/f/{federation.slug}/insatser/{intervention.code}/gott-exempel/"
    assert login(steering).get(url).status_code == 404  # not marked yet
    response = login(lead).post(url, {"action": "mark", "text": "Tät samverkan med AF."})
    assert response.status_code == 302
    page = login(steering).get(url).content.decode()
    assert "Tät samverkan med AF." in page
    assert "20\u202f000" in page  # 200 000 kr over 10 participants (thin space)
    assert "Motiverande samtal (MI)" in page
    assert (
        "Första insatsen"
        in login(steering).get(f"/f/{federation.slug}/goda-exempel/").content.decode()
    )


def test_steering_dashboard_shows_aggregates_and_links(
    scope, federation, intervention, make_member, login, exits, link
):
    link("MI", intervention)
    exits(intervention, work=15, other=10)
    steering = make_member(federation, Role.STEERING, "stina")
    page = login(steering).get(f"/f/{federation.slug}/styrning/").content.decode()
    for part in (
        "Budget och utfall",
        "Måluppfyllelse",
        "Flöde senaste året",
        "NAD",
        "Metodernas resultat",
    ):
        assert part in page
    assert f"/f/{federation.slug}/rapporter/methods/" in page
    assert "Motiverande samtal (MI)" in page


def test_lead_adds_and_edits_a_method(scope, federation, lead, login, make_member):
    from stegvis.core.models import AuditEntry
    from stegvis.knowledge.models import Method

    client = login(lead)
    data = {"code": "ARBPR", "name": "Arbetsprövning med handledare", "description": "Prövning"}
    response = client.post(f"/f/{federation.slug}/metoder/ny/", data)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_type="method", action="create").exists()
    again = client.post(f"/f/{federation.slug}/metoder/ny/", {**data, "code": "arbpr"})
    assert "Förbundet har redan en metod med koden arbpr." in again.content.decode()
    url = f"/f/{federation.slug}/metoder/ARBPR/"
    invalid = client.post(url, {"action": "edit", "code": "ARBPR", "name": ""})
    assert invalid.status_code == 200
    assert Method.objects.get(code="ARBPR").name == "Arbetsprövning med handledare"
    client.post(url, {"action": "edit", "code": "ARBPR", "name": "Arbetsprövning"})
    assert Method.objects.get(code="ARBPR").name == "Arbetsprövning"
    steering = make_member(federation, Role.STEERING, "stina")
    assert (
        login(steering).post(url, {"action": "edit", "code": "X", "name": "Y"}).status_code == 403
    )
    assert login(steering).get(f"/f/{federation.slug}/metoder/ny/").status_code == 403
