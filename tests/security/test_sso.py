"""Single sign-on maps an identity to an existing account only, and logs the login."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory

from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import federation_scope
from stegvis.security import sso

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _oidc(settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/jwks"
    settings.OIDC_RP_CLIENT_ID = "stegvis"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_CREATE_USER = False
    settings.STEGVIS_OIDC_CLAIM = "email"


def login_with(monkeypatch, claims):
    backend = sso.ExistingAccountsBackend()
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: claims)
    return backend.get_or_create_user("access", "id", {})


def test_an_existing_member_is_found_by_email(monkeypatch, case_worker):
    case_worker.user.email = "Bob@Kommun.se"
    case_worker.user.save()
    assert login_with(monkeypatch, {"email": "bob@kommun.se"}) == case_worker.user


@pytest.mark.parametrize("case", ["unknown", "inactive user", "no membership", "no claim"])
def test_nobody_else_gets_in_and_no_account_is_created(monkeypatch, case_worker, case):
    user = case_worker.user
    user.email = "bob@kommun.se"
    user.save()
    claims = {"email": "bob@kommun.se"}
    if case == "unknown":
        claims = {"email": "okand@kommun.se"}
    elif case == "inactive user":
        user.is_active = False
        user.save()
    elif case == "no membership":
        with federation_scope(case_worker.federation):
            case_worker.is_active = False
            case_worker.save()
    users = get_user_model().objects.count()
    if case == "no claim":
        with pytest.raises(SuspiciousOperation):
            login_with(monkeypatch, {"sub": "123"})
    else:
        assert login_with(monkeypatch, claims) is None
    assert get_user_model().objects.count() == users


def test_the_claim_can_be_the_username(monkeypatch, settings, case_worker):
    settings.STEGVIS_OIDC_CLAIM = "preferred_username"
    assert login_with(monkeypatch, {"preferred_username": "BOB"}) == case_worker.user
    assert login_with(monkeypatch, {"preferred_username": "alice"}) is None
    with pytest.raises(SuspiciousOperation):
        login_with(monkeypatch, {"email": "bob"})


def test_a_single_sign_on_login_is_logged(case_worker, federation):
    user = case_worker.user
    user.backend = sso.BACKEND
    request = RequestFactory().get("/oidc/callback/")
    sso.record_login(sender=type(user), request=request, user=user)
    user.backend = "django.contrib.auth.backends.ModelBackend"
    sso.record_login(sender=type(user), request=request, user=user)
    with federation_scope(federation):
        entries = AuditEntry.objects.filter(action="login", actor_username="bob")
        assert [e.detail for e in entries] == [{"method": "single sign-on"}]
