import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from stegvis.core.models import Federation, Membership
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope


def run(*args):
    out = io.StringIO()
    err = io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_create_federation_is_idempotent():
    run("create_federation", "skane", "--name", "Samordningsförbundet Skåne")
    out, _ = run("create_federation", "skane", "--name", "Samordningsförbundet Skåne")
    assert "Finns redan" in out
    assert Federation.objects.filter(slug="skane").count() == 1


@pytest.mark.django_db
def test_create_federation_rejects_bad_slug():
    with pytest.raises(CommandError, match="små bokstäver"):
        run("create_federation", "Skåne Syd", "--name", "X")


@pytest.mark.django_db
def test_create_user_with_interventions(federation, intervention):
    run(
        "create_user",
        "erik",
        "--federation",
        "alfa",
        "--role",
        "case_worker",
        "--password",
        "ett-bra-losenord",
        "--intervention",
        "INS-1",
        "NY-1",
    )
    with federation_scope(federation):
        membership = Membership.objects.get(user__username="erik")
        assert membership.role == Role.CASE_WORKER
        assert sorted(i.code for i in membership.interventions.all()) == ["INS-1", "NY-1"]


@pytest.mark.django_db
def test_create_user_rejects_unknown_role_and_federation(federation):
    with pytest.raises(CommandError, match="Okänd roll 'chef'"):
        run("create_user", "x", "--federation", "alfa", "--role", "chef", "--password", "p")
    with pytest.raises(CommandError, match="Förbundet 'saknas' finns inte"):
        run("create_user", "x", "--federation", "saknas", "--role", "steering", "--password", "p")


@pytest.mark.django_db
def test_create_token_prints_only_the_token(admin):
    from stegvis.core.models import ApiToken

    out, _ = run("create_token", "alice")
    key = out.strip()
    assert key.startswith("stv_")
    assert "\n" not in key
    token = ApiToken.objects.get(user=admin.user)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash


@pytest.mark.django_db
def test_create_token_for_unknown_user_fails():
    with pytest.raises(CommandError, match="finns inte"):
        run("create_token", "okand")


@pytest.mark.django_db
def test_audit_log_json_has_the_contract_fields(client, admin, federation):
    from tests.conftest import PASSWORD

    client.post("/logga-in/", {"username": "alice", "password": PASSWORD})
    out, _ = run("audit_log", "--federation", "alfa", "--format", "json")
    entries = json.loads(out)
    assert isinstance(entries, list)
    assert entries
    login = next(e for e in entries if e["action"] == "login")
    assert {"time", "actor", "action", "object_type", "object_id"} <= set(login)
    assert login["actor"] == "alice"


@pytest.mark.django_db
def test_audit_log_of_other_federation_is_empty(client, admin, federation, other_federation):
    from tests.conftest import PASSWORD

    client.post("/logga-in/", {"username": "alice", "password": PASSWORD})
    out, _ = run("audit_log", "--federation", "beta", "--format", "json")
    assert json.loads(out) == []


def test_console_script_reports_bad_arguments_in_swedish():
    result = subprocess.run(
        [sys.executable, "-m", "stegvis.cli", "create-user", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "följande argument saknas" in result.stderr
    assert "--federation" in result.stderr


@pytest.mark.django_db
def test_seed_demo_creates_users_for_every_role_and_is_idempotent():
    out, _ = run("seed_demo")
    assert "admin" in out
    assert "demo-stegvis-2026" in out
    federation = Federation.objects.get(slug="nad-skane")
    with federation_scope(federation):
        roles = set(Membership.objects.values_list("role", flat=True))
        assert roles == set(Role.values)
        count = Membership.objects.count()
    out, _ = run("seed_demo")
    assert "finns redan" in out
    with federation_scope(federation):
        assert Membership.objects.count() == count


@pytest.mark.django_db
def test_tokens_page_creates_shows_once_and_revokes(client, admin, federation):
    from stegvis.core.models import ApiToken

    client.force_login(admin.user)
    body = client.post(f"/f/{federation.slug}/api-nycklar/", {"name": "Kommunen"}).content.decode()
    token = ApiToken.objects.get(user=admin.user)
    assert "visas bara en gång" in body
    assert token.key_prefix in body
    listing = client.get(f"/f/{federation.slug}/api-nycklar/").content.decode()
    assert "Kommunen" in listing
    assert "visas bara en gång" not in listing
    client.post(f"/f/{federation.slug}/api-nycklar/", {"revoke": token.pk})
    token.refresh_from_db()
    assert not token.is_active


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token(client, admin, case_worker, federation):
    from stegvis.core import services
    from stegvis.core.models import ApiToken

    token, _key = services.token_create(user=admin.user)
    client.force_login(case_worker.user)
    response = client.post(f"/f/{federation.slug}/api-nycklar/", {"revoke": token.pk})
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).is_active
