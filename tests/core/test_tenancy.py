import pytest

from stegvis.core.models import Authority, Hub
from stegvis.core.roles import Role
from stegvis.core.tenancy import TenantScopeError, federation_scope, unscoped


@pytest.mark.django_db
def test_query_without_federation_scope_fails_loudly(federation):
    with pytest.raises(TenantScopeError):
        list(Authority.objects.all())


@pytest.mark.django_db
def test_scope_returns_only_the_federations_rows(federation, other_federation):
    with federation_scope(federation):
        Authority.objects.create(kind="af", name="Arbetsförmedlingen")
    with federation_scope(other_federation):
        Authority.objects.create(kind="fk", name="Försäkringskassan")
        assert [a.name for a in Authority.objects.all()] == ["Försäkringskassan"]
    with federation_scope(federation):
        assert [a.name for a in Authority.objects.all()] == ["Arbetsförmedlingen"]
    with unscoped():
        assert Authority.objects.count() == 2


@pytest.mark.django_db
def test_create_inside_scope_takes_the_scope_federation(federation):
    with federation_scope(federation):
        hub = Hub.objects.create(slug="syd", name="Syd")
    assert hub.federation_id == federation.id


@pytest.mark.django_db
def test_save_without_scope_or_federation_fails(federation):
    with pytest.raises(TenantScopeError):
        Hub(slug="syd", name="Syd").save()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["dashboard", "directory", "organisation", "audit_log"])
def test_member_of_one_federation_gets_404_in_another(
    client, url_name, admin, outsider, federation
):
    client.force_login(outsider.user)
    response = client.get(f"/f/{federation.slug}/" + _path(url_name))
    assert response.status_code == 404


@pytest.mark.django_db
def test_unknown_federation_is_404_like_a_foreign_one(client, outsider):
    client.force_login(outsider.user)
    assert client.get("/f/finns-inte/").status_code == 404


@pytest.mark.django_db
def test_directory_lists_only_own_federation_staff(client, admin, outsider, federation):
    client.force_login(admin.user)
    body = client.get(f"/f/{federation.slug}/katalog/").content.decode()
    assert "Alice" in body
    assert "Charlie" not in body


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client, federation):
    response = client.get(f"/f/{federation.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")


@pytest.mark.django_db
def test_user_in_two_federations_chooses_and_switches(
    client, federation, other_federation, make_member
):
    member = make_member(federation, Role.STEERING, "dora")
    member = make_member(other_federation, Role.EVALUATOR, "dora")
    client.force_login(member.user)
    body = client.get("/").content.decode()
    assert "Samordningsförbundet Alfa" in body
    assert "Samordningsförbundet Beta" in body
    in_beta = client.get(f"/f/{other_federation.slug}/")
    assert in_beta.status_code == 200
    assert in_beta.context["current_membership"].role == Role.EVALUATOR
    assert in_beta.context["current_federation"] == other_federation
    in_alfa = client.get(f"/f/{federation.slug}/")
    assert in_alfa.status_code == 200
    assert in_alfa.context["current_membership"].role == Role.STEERING
    assert in_alfa.context["current_federation"] == federation
    # The switcher lists both federations on a federation page too.
    assert {m.federation for m in in_alfa.context["user_memberships"]} == {
        federation,
        other_federation,
    }


@pytest.mark.django_db
def test_inactive_membership_is_404_while_the_other_still_works(
    client, federation, other_federation, make_member
):
    make_member(federation, Role.STEERING, "dora")
    member = make_member(other_federation, Role.EVALUATOR, "dora")
    member.is_active = False
    member.save()
    client.force_login(member.user)
    assert client.get(f"/f/{other_federation.slug}/").status_code == 404
    assert client.get(f"/f/{federation.slug}/").status_code == 200


def _path(url_name):
    return {
        "dashboard": "",
        "directory": "katalog/",
        "organisation": "organisation/",
        "audit_log": "logg/",
    }[url_name]
