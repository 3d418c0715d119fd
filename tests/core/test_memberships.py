"""Accounts belong to people, memberships to federations (issue: tenant boundaries).

An administrator manages memberships in his own federation only: he can never take over an
account of another federation, nor change the name, e-mail or password of an account that is
also used elsewhere.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from stegvis.core.models import AuditEntry, Membership
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope, unscoped

User = get_user_model()


@pytest.fixture
def neighbour(other_federation, make_member):
    """A case worker of federation B."""
    return make_member(other_federation, Role.CASE_WORKER, "bertil", last_name="Björk")


def _new_member(client, federation, **data):
    body = {
        "username": "bertil",
        "first_name": "Kapad",
        "last_name": "Konto",
        "role": Role.CASE_WORKER,
        "password": "ett-helt-nytt-losenord-9",
        "is_active": "on",
        **data,
    }
    return client.post(f"/f/{federation.slug}/admin/medarbetare/ny/", body)


def test_new_member_with_another_federations_username_is_refused_and_changes_nothing(
    client, pure_admin, neighbour, federation, other_federation
):
    user = neighbour.user
    before = (user.password, user.first_name, user.last_name, user.email)
    client.force_login(pure_admin.user)
    response = _new_member(client, federation)
    assert response.status_code == 200
    assert "upptaget" in response.content.decode()
    user.refresh_from_db()
    assert (user.password, user.first_name, user.last_name, user.email) == before
    with unscoped():
        assert Membership.objects.filter(user=user).count() == 1
    # The neighbour still logs in with his own password; the attacker's does not work.
    client.logout()
    assert not client.login(username="bertil", password="ett-helt-nytt-losenord-9")
    with federation_scope(other_federation):
        assert not AuditEntry.objects.filter(actor_username=pure_admin.user.username).exists()


def test_username_differing_only_in_case_is_refused_too(client, pure_admin, neighbour, federation):
    client.force_login(pure_admin.user)
    response = _new_member(client, federation, username="BERTIL")
    assert "upptaget" in response.content.decode()


def test_a_free_username_creates_the_account_and_logs_in_this_federation(
    client, pure_admin, federation
):
    client.force_login(pure_admin.user)
    response = _new_member(client, federation, username="nyanstalld")
    assert response.status_code == 302
    with federation_scope(federation):
        entry = AuditEntry.objects.get(
            object_type="membership", action="create", actor_username=pure_admin.user.username
        )
    assert entry.detail["new"]["roles"] == [Role.CASE_WORKER]


def test_editing_a_shared_account_changes_roles_but_never_name_or_password(
    client, pure_admin, neighbour, federation, make_member, other_federation
):
    # The same person also works in A (an operator attached the account).
    shared = make_member(federation, Role.CASE_WORKER, "bertil")
    user = shared.user
    password_before = user.password
    client.force_login(pure_admin.user)
    url = f"/f/{federation.slug}/admin/medarbetare/{shared.pk}/"
    page = client.get(url).content.decode()
    assert "används även i ett annat förbund" in page
    client.post(
        url,
        {
            "username": "bertil",
            "first_name": "Kapad",
            "last_name": "Konto",
            "role": Role.CASE_WORKER,
            "extra_roles": [Role.STEERING],
            "password": "ett-helt-nytt-losenord-9",
            "is_active": "on",
        },
    )
    user.refresh_from_db()
    assert user.password == password_before
    assert user.first_name != "Kapad"
    shared.refresh_from_db()
    assert shared.roles == (Role.CASE_WORKER, Role.STEERING)
    with federation_scope(other_federation):
        neighbour.refresh_from_db()
        assert neighbour.roles == (Role.CASE_WORKER,)
    with federation_scope(federation):
        entry = AuditEntry.objects.filter(object_type="membership", action="update").get()
    assert entry.detail["old"]["roles"] == [Role.CASE_WORKER]
    assert entry.detail["new"]["roles"] == [Role.CASE_WORKER, Role.STEERING]


def test_an_account_of_this_federation_alone_can_be_renamed_and_given_a_password(
    client, pure_admin, federation, make_member
):
    own = make_member(federation, Role.CASE_WORKER, "egen")
    client.force_login(pure_admin.user)
    client.post(
        f"/f/{federation.slug}/admin/medarbetare/{own.pk}/",
        {
            "username": "egen",
            "first_name": "Ny",
            "last_name": "Namn",
            "role": Role.CASE_WORKER,
            "password": "ett-helt-nytt-losenord-9",
            "is_active": "on",
        },
    )
    own.user.refresh_from_db()
    assert own.user.first_name == "Ny"
    assert own.user.check_password("ett-helt-nytt-losenord-9")


def test_a_membership_of_another_federation_is_404(client, pure_admin, neighbour, federation):
    client.force_login(pure_admin.user)
    assert client.get(f"/f/{federation.slug}/admin/medarbetare/{neighbour.pk}/").status_code == 404


def test_the_person_changes_his_own_name_and_password_on_his_account_page(
    client, neighbour, other_federation
):
    client.force_login(neighbour.user)
    client.post("/konto/", {"form": "profile", "first_name": "Bertil", "last_name": "Ek"})
    client.post(
        "/konto/",
        {
            "form": "password",
            "old_password": "ett-langt-testlosenord-7",
            "new_password1": "mitt-eget-nya-losenord-3",
            "new_password2": "mitt-eget-nya-losenord-3",
        },
    )
    neighbour.user.refresh_from_db()
    assert neighbour.user.last_name == "Ek"
    assert neighbour.user.check_password("mitt-eget-nya-losenord-3")
    with federation_scope(other_federation):
        assert AuditEntry.objects.filter(object_type="user", detail__fields=["password"]).exists()


def test_admin_without_another_role_sees_no_participant_pages(client, pure_admin, federation):
    client.force_login(pure_admin.user)
    assert client.get(f"/f/{federation.slug}/deltagare/").status_code == 403
    assert client.get(f"/f/{federation.slug}/deltagare/ny/").status_code == 403
