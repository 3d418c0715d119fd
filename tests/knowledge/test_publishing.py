"""Publishing a method's aggregated results to other federations, and withdrawing them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import federation_scope
from stegvis.knowledge import selectors, services
from stegvis.knowledge.models import Method, MethodPublication

pytestmark = pytest.mark.django_db


def test_publish_shows_aggregates_to_other_federations_only(
    scope, federation, other_federation, intervention, admin, exits, link
):
    method = link("MI", intervention)
    exits(intervention, work=3, other=9)
    services.method_publish(actor=admin.user, membership=admin, method=method)
    entry = AuditEntry.objects.get(object_type="methodpublication")
    assert entry.detail["method"] == "MI"
    assert entry.reason
    # Not shown to the federation itself as "elsewhere".
    assert selectors.published_elsewhere() == []
    with federation_scope(other_federation):
        (seen,) = selectors.published_elsewhere(codes=["MI"])
    assert seen.federation == "Samordningsförbundet Alfa"
    assert seen.results["avslutade"] == 12
    assert seen.results["arbete_studier"] == "<5"  # small cell hidden
    assert seen.results["andel"] is None  # 3 of 12 would give the hidden count away
    assert set(seen.results) == {
        "interventions",
        "deltagare",
        "avslutade",
        "arbete_studier",
        "andel",
        "lag",
        "hog",
        "stegforflyttning",
        "stegforflyttning_underlag",
        "ovriga",
    }


def test_published_share_with_its_interval(scope, intervention, admin, exits, link):
    method = link("MI", intervention)
    exits(intervention, work=6, other=6)
    results = services.method_publish(actor=admin.user, membership=admin, method=method).results
    assert (results["arbete_studier"], results["andel"]) == (6, 50.0)
    assert results["lag"] < 50.0 < results["hog"]


def test_too_few_exits_publish_no_share(scope, intervention, admin, exits, link):
    method = link("MI", intervention)
    exits(intervention, work=2, other=1)
    publication = services.method_publish(actor=admin.user, membership=admin, method=method)
    assert publication.results["avslutade"] == "<5"
    assert publication.results["andel"] is None
    assert publication.results["lag"] is None


def test_withdraw_hides_it_again_and_is_logged(
    scope, other_federation, intervention, admin, exits, link
):
    method = link("MI", intervention)
    exits(intervention, work=6, other=6)
    services.method_publish(actor=admin.user, membership=admin, method=method)
    services.method_publish(actor=admin.user, membership=admin, method=method)  # refreshed
    assert MethodPublication.objects.filter(withdrawn_at__isnull=True).count() == 1
    services.method_withdraw(actor=admin.user, membership=admin, method=method)
    assert MethodPublication.objects.filter(withdrawn_at__isnull=True).count() == 0
    assert MethodPublication.objects.count() == 2  # history kept
    assert AuditEntry.objects.filter(
        object_type="methodpublication", detail__withdrawn=True
    ).exists()
    with federation_scope(other_federation):
        assert selectors.published_elsewhere() == []
    with pytest.raises(ValidationError):
        services.method_withdraw(actor=admin.user, membership=admin, method=method)


def test_only_the_federation_admin_publishes(scope, intervention, lead, case_worker, link):
    method = link("MI", intervention)
    for member in (lead, case_worker):
        with pytest.raises(PermissionDenied):
            services.method_publish(actor=member.user, membership=member, method=method)
    assert not MethodPublication.objects.exists()


def test_method_page_publish_and_withdraw(scope, federation, intervention, admin, login, link):
    link("MI", intervention)
    client = login(admin)
    url = f"/f/{federation.slug}/metoder/MI/"
    response = client.post(url, {"action": "publish"})
    assert response.status_code == 302
    assert MethodPublication.objects.filter(withdrawn_at__isnull=True).count() == 1
    assert "Publicerad" in client.get(url).content.decode()
    client.post(url, {"action": "withdraw"})
    assert MethodPublication.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_lead_cannot_publish_from_the_page(scope, federation, intervention, lead, login, link):
    link("MI", intervention)
    client = login(lead)
    response = client.post(f"/f/{federation.slug}/metoder/MI/", {"action": "publish"})
    assert response.status_code == 403
    assert not MethodPublication.objects.exists()
    assert Method.objects.filter(code="MI").exists()


def test_activities_are_linked_to_a_method(scope, federation, admin, login, make_member):
    from stegvis.activities.models import Activity
    from stegvis.core.models import Association
    from stegvis.core.roles import Role

    association = Association.objects.create(name="IK Framåt", organisation_number="802000-0003")
    activity = Activity.objects.create(
        association=association, title="Svenska i köket", category="language", capacity=10
    )
    url = f"/f/{federation.slug}/metoder/SPRAK-ARB/"
    response = login(admin).post(url, {"action": "activities", "activities": [activity.pk]})
    assert response.status_code == 302
    assert list(activity.methods.values_list("code", flat=True)) == ["SPRAK-ARB"]
    assert "Svenska i köket" in login(admin).get(url).content.decode()
    steering = make_member(federation, Role.STEERING, "stina")
    denied = login(steering).post(url, {"action": "activities", "activities": []})
    assert denied.status_code == 403
    assert activity.methods.count() == 1
