"""Two-factor authentication: who must enrol, enrolment, the login step, recovery codes."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.security import twofactor
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STEGVIS_DEFAULTS = {**settings.STEGVIS_DEFAULTS, "two_factor_required": True}


def code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return str(totp.token()).zfill(device.digits)


def app_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)


@pytest.mark.parametrize(
    ("role", "required"),
    [
        # The administrator alone reads no personal data (docs/consent.md).
        (Role.FEDERATION_ADMIN, False),
        (Role.CASE_WORKER, True),
        (Role.INTERVENTION_LEAD, False),
        (Role.ASSOCIATION_COORDINATOR, False),
        (Role.ASSOCIATION_LEADER, False),
        (Role.STEERING, False),
        (Role.EVALUATOR, False),
    ],
)
def test_roles_that_read_personal_data_must_enrol(
    client, federation, intervention, make_member, role, required
):
    member = make_member(federation, role, "pelle", interventions=[intervention])
    client.force_login(member.user)
    response = client.get("/f/alfa/")
    if required:
        assert response.status_code == 302
        assert response["Location"] == "/tvafaktor/?next=%2Ff%2Falfa%2F"
        page = client.get(response["Location"]).content.decode()
        assert "Din roll läser personuppgifter" in page
        assert "<svg" in page
    else:
        assert response.status_code == 200
        assert client.get("/tvafaktor/").status_code == 200  # optional: may enrol


def test_the_federation_setting_turns_the_requirement_off(client, federation, case_worker):
    federation.settings["two_factor_required"] = False
    federation.save()
    client.force_login(case_worker.user)
    assert client.get("/f/alfa/").status_code == 200


def test_a_verified_session_passes(verified_login, case_worker, federation):
    assert verified_login(case_worker).get("/f/alfa/").status_code == 200


@pytest.fixture
def no_wait(settings):
    """Without django-otp's growing wait after a wrong code (tested on its own below)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_enrolment_confirms_the_app_and_shows_recovery_codes_once(client, case_worker, no_wait):
    client.force_login(case_worker.user)
    page = client.get("/tvafaktor/").content.decode()
    device = TOTPDevice.objects.get(user=case_worker.user, confirmed=False)
    assert twofactor.secret_text(device) in page
    wrong = "000000" if code(device) != "000000" else "111111"
    response = client.post("/tvafaktor/", {"code": wrong})
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/f/alfa/").status_code == 302
    response = client.post("/tvafaktor/", {"code": code(device), "next": "/f/alfa/"})
    page = response.content.decode()
    codes = re.findall(r'<code class="mono key">(\w+)</code>', page)
    assert len(codes) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/f/alfa/").status_code == 200
    # Another visit to the page shows how many codes are left, never the codes.
    page = client.get("/tvafaktor/").content.decode()
    assert "10 oanvända reservkoder" in page
    assert codes[0] not in page


def test_login_asks_for_the_code_after_the_password(client, case_worker, federation, no_wait):
    device = app_device(case_worker.user)
    response = client.post("/logga-in/", {"username": "bob", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/tvafaktor/verifiera/?next=")
    assert "Verifiera inloggningen" in response.content.decode()
    # Nothing under the federation before the code, not even a page without personal data.
    assert client.get("/f/alfa/katalog/").status_code == 302
    response = client.post("/tvafaktor/verifiera/", {"code": "12345", "next": "/f/alfa/"})
    assert "Koden stämmer inte" in response.content.decode()
    with federation_scope(federation):
        assert AuditEntry.objects.filter(action="failed_login", actor_username="bob").exists()
    response = client.post("/tvafaktor/verifiera/", {"code": code(device), "next": "/f/alfa/"})
    assert response.status_code == 302
    assert response["Location"] == "/f/alfa/"
    assert client.get("/f/alfa/").status_code == 200


def test_after_a_wrong_code_even_the_right_one_waits(client, case_worker):
    device = app_device(case_worker.user)
    client.force_login(case_worker.user)
    client.post("/tvafaktor/verifiera/", {"code": "12345"})
    response = client.post("/tvafaktor/verifiera/", {"code": code(device)})
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/f/alfa/").status_code == 302


def test_an_enrolled_user_is_asked_even_where_it_is_optional(client, federation, make_member):
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    app_device(lead.user)
    client.force_login(lead.user)
    assert client.get("/f/alfa/").status_code == 302


def test_a_recovery_code_works_once(client, case_worker):
    app_device(case_worker.user)
    codes = twofactor.recovery_codes_create(user=case_worker.user)
    client.force_login(case_worker.user)
    assert client.post("/tvafaktor/verifiera/", {"code": codes[0]}).status_code == 302
    assert client.get("/f/alfa/").status_code == 200
    client.logout()
    client.force_login(case_worker.user)
    response = client.post("/tvafaktor/verifiera/", {"code": codes[0]})
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/f/alfa/").status_code == 302
    assert twofactor.recovery_codes_left(case_worker.user) == 9


def test_next_never_leaves_the_site(client, case_worker):
    device = app_device(case_worker.user)
    client.force_login(case_worker.user)
    response = client.post(
        "/tvafaktor/verifiera/", {"code": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_reset_command_removes_every_device(case_worker, client):
    app_device(case_worker.user)
    twofactor.recovery_codes_create(user=case_worker.user)
    call_command("two_factor_reset", "--username", "bob", stdout=io.StringIO())
    assert not twofactor.has_device(case_worker.user)
    client.force_login(case_worker.user)
    assert client.get("/f/alfa/")["Location"].startswith("/tvafaktor/?")


def test_the_api_keeps_its_own_tokens(client, case_worker):
    """A bearer token is not a session; the API answers it as before."""
    from stegvis.core.services import token_create

    _token, key = token_create(user=case_worker.user)
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
