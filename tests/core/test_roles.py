import pytest

from stegvis.core.roles import PERSONAL_DATA_PERMS, ROLE_PERMISSIONS, Perm, Role


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMISSIONS) == set(Role.values)


@pytest.mark.parametrize(
    "role",
    [
        Role.FEDERATION_ADMIN,
        Role.INTERVENTION_LEAD,
        Role.STEERING,
        Role.EVALUATOR,
        Role.ASSOCIATION_LEADER,
        Role.ASSOCIATION_COORDINATOR,
    ],
)
def test_roles_without_personal_data(role):
    assert not (ROLE_PERMISSIONS[role] & PERSONAL_DATA_PERMS)


def test_only_emergency_access_lends_all_personal_data():
    assert not any(Perm.VIEW_ALL_PERSONAL_DATA in perms for perms in ROLE_PERMISSIONS.values())


def test_case_worker_sees_personal_data_only_in_scope():
    assert Perm.VIEW_SCOPED_PERSONAL_DATA in ROLE_PERMISSIONS[Role.CASE_WORKER]
    assert Perm.VIEW_ALL_PERSONAL_DATA not in ROLE_PERMISSIONS[Role.CASE_WORKER]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_reaches_its_dashboard(client, federation, make_member, role):
    member = make_member(federation, role)
    client.force_login(member.user)
    response = client.get(f"/f/{federation.slug}/")
    assert response.status_code == 200
    assert member.get_role_display() in response.content.decode()


@pytest.mark.django_db
def test_navigation_follows_the_role(client, federation, make_member):
    admin = make_member(federation, Role.FEDERATION_ADMIN)
    leader = make_member(federation, Role.ASSOCIATION_LEADER)
    client.force_login(admin.user)
    body = client.get(f"/f/{federation.slug}/").content.decode()
    assert ">Logg<" in body
    assert ">Vem gör vad<" in body
    client.force_login(leader.user)
    body = client.get(f"/f/{federation.slug}/").content.decode()
    assert ">Logg<" not in body
    assert ">Vem gör vad<" not in body
    assert client.get(f"/f/{federation.slug}/katalog/").status_code == 403
