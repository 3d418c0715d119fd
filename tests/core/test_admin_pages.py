import pytest

from stegvis.core.models import Association, AuditEntry, Membership, ReferenceCode
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope

pytestmark = pytest.mark.django_db


def test_admin_creates_a_case_worker_with_interventions(client, admin, federation, intervention):
    client.force_login(admin.user)
    response = client.post(
        f"/f/{federation.slug}/admin/medarbetare/ny/",
        {
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Berg",
            "role": "case_worker",
            "interventions": [intervention.pk],
            "password": "ett-bra-losenord-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with federation_scope(federation):
        member = Membership.objects.get(user__username="nina")
        assert member.role == Role.CASE_WORKER
        assert list(member.interventions.all()) == [intervention]
        assert AuditEntry.objects.filter(
            object_type="membership", object_id=str(member.pk), action="create"
        ).exists()
    assert client.login(username="nina", password="ett-bra-losenord-2026")


def test_weak_password_is_refused_with_reason(client, admin, federation):
    client.force_login(admin.user)
    body = client.post(
        f"/f/{federation.slug}/admin/medarbetare/ny/",
        {
            "username": "olle",
            "first_name": "Olle",
            "last_name": "Ek",
            "role": "steering",
            "password": "12345678901",
        },
    ).content.decode()
    assert "lösenord" in body.lower()
    with federation_scope(federation):
        assert not Membership.objects.filter(user__username="olle").exists()


def test_leader_needs_an_association(client, admin, federation):
    client.force_login(admin.user)
    body = client.post(
        f"/f/{federation.slug}/admin/medarbetare/ny/",
        {
            "username": "lea",
            "first_name": "Lea",
            "last_name": "Ek",
            "role": "association_leader",
            "password": "ett-bra-losenord-2026",
        },
    ).content.decode()
    assert "hör till en förening" in body


def test_editing_keeps_password_and_can_deactivate(client, admin, case_worker, federation):
    client.force_login(admin.user)
    response = client.post(
        f"/f/{federation.slug}/admin/medarbetare/{case_worker.pk}/",
        {
            "username": "bob",
            "first_name": "Bob",
            "last_name": "Byggare",
            "role": "case_worker",
            "password": "",
        },
    )
    assert response.status_code == 302
    case_worker.refresh_from_db()
    assert not case_worker.is_active
    assert client.get(f"/f/{federation.slug}/admin/medarbetare/").status_code == 200


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.FEDERATION_ADMIN])
def test_only_admins_manage_staff_and_codes(client, federation, make_member, role):
    member = make_member(federation, role)
    client.force_login(member.user)
    assert client.get(f"/f/{federation.slug}/admin/medarbetare/").status_code == 403
    assert client.get(f"/f/{federation.slug}/admin/kodlistor/").status_code == 403


def test_staff_of_another_federation_is_404(client, admin, outsider, federation):
    client.force_login(outsider.user)
    assert client.get(f"/f/{federation.slug}/admin/medarbetare/{admin.pk}/").status_code == 404
    client.force_login(admin.user)
    assert client.get(f"/f/{federation.slug}/admin/medarbetare/{outsider.pk}/").status_code == 404


def test_coordinator_registers_an_association_with_valid_orgnr(client, federation, make_member):
    coordinator = make_member(federation, Role.ASSOCIATION_COORDINATOR)
    client.force_login(coordinator.user)
    url = f"/f/{federation.slug}/organisation/forening/ny/"
    body = client.post(
        url, {"name": "Schackklubben", "organisation_number": "802456-1234"}
    ).content.decode()
    assert "kontrollsiffra" in body
    response = client.post(
        url, {"name": "Schackklubben", "organisation_number": "2021005489", "active": "on"}
    )
    assert response.status_code == 302
    with federation_scope(federation):
        assert Association.objects.get().organisation_number == "202100-5489"
    body = client.post(
        url, {"name": "Kopia", "organisation_number": "202100-5489"}
    ).content.decode()
    assert "finns redan" in body


def test_reference_labels_are_editable_keys_are_not(client, admin, federation):
    client.force_login(admin.user)
    with federation_scope(federation):
        codes = list(ReferenceCode.objects.filter(kind="exit_reason"))
    data = {}
    for c in codes:
        data[f"{c.pk}-label"] = "Arbete (alla former)" if c.key == "arbete" else c.label
        data[f"{c.pk}-position"] = c.position
        data[f"{c.pk}-active"] = "on"
    response = client.post(f"/f/{federation.slug}/admin/kodlistor/?lista=exit_reason", data)
    assert response.status_code == 302
    with federation_scope(federation):
        code = ReferenceCode.objects.get(kind="exit_reason", key="arbete")
    assert code.label == "Arbete (alla former)"


def test_tenancy_condition_binds_at_evaluation_time(federation, other_federation):
    """A queryset declared without a scope reads the federation active when it runs."""
    from stegvis.core.models import Authority
    from stegvis.core.tenancy import TenantScopeError

    declared = Authority.objects.filter(kind="af")  # e.g. a form field at import time
    with federation_scope(federation):
        Authority.objects.create(kind="af", name="AF Alfa")
    with federation_scope(other_federation):
        Authority.objects.create(kind="af", name="AF Beta")
        assert [a.name for a in declared.all()] == ["AF Beta"]
    with federation_scope(federation):
        assert [a.name for a in declared.all()] == ["AF Alfa"]
        inner = Authority.objects.filter(name__startswith="AF").values("pk")
    with federation_scope(other_federation):
        # As a subquery, too, the condition follows the evaluating scope.
        assert Authority.objects.filter(pk__in=inner).count() == 1
    with pytest.raises(TenantScopeError):
        list(declared.all())
