"""Shared fixtures: two federations and a member for every role (alice/bob/charlie style)."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from stegvis.core import services
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention

PASSWORD = "ett-langt-testlosenord-7"

# Property tests check behaviour, never speed: no per-example deadline (a loaded CI machine
# would otherwise fail them at random).
hypothesis_settings.register_profile("stegvis", deadline=None)
hypothesis_settings.load_profile("stegvis")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_not_required(settings):
    """Tests log in with ``force_login`` (no second factor); tests/security turn it on."""
    settings.STEGVIS_DEFAULTS = {**settings.STEGVIS_DEFAULTS, "two_factor_required": False}


@pytest.fixture
def verified_login(client):
    """Log in as after password and code: the session names a confirmed app device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def do_login(membership):
        client.force_login(membership.user)
        device = TOTPDevice.objects.create(user=membership.user, name="Test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return do_login


@pytest.fixture
def federation(db):
    federation, _ = services.federation_create(slug="alfa", name="Samordningsförbundet Alfa")
    return federation


@pytest.fixture
def other_federation(db):
    federation, _ = services.federation_create(slug="beta", name="Samordningsförbundet Beta")
    return federation


@pytest.fixture
def intervention(federation):
    with federation_scope(federation):
        return Intervention.objects.create(code="INS-1", name="Första insatsen")


@pytest.fixture
def other_intervention(federation):
    with federation_scope(federation):
        return Intervention.objects.create(code="INS-2", name="Andra insatsen")


@pytest.fixture
def make_member(db):
    def make(federation, role, username=None, interventions=(), **kwargs):
        username = username or f"{role}-{federation.slug}"
        _user, membership = services.user_create_or_update(
            federation=federation,
            username=username,
            role=role,
            password=PASSWORD,
            first_name=kwargs.pop("first_name", username.split("-")[0].title()),
            interventions=interventions,
            check_password=False,
            **kwargs,
        )
        return membership

    return make


@pytest.fixture
def admin(federation, make_member):
    """Alice administers the federation and is, explicitly, also a case worker in every
    intervention of it (assigned as each is created): the one member most tests need, who
    may both set things up and work with participants. The administrator role alone sees no
    personal data: see ``pure_admin``."""
    from django.db.models.signals import post_save

    with federation_scope(federation):
        existing = list(Intervention.objects.all())
    membership = make_member(
        federation,
        Role.FEDERATION_ADMIN,
        "alice",
        extra_roles=[Role.CASE_WORKER],
        interventions=existing,
    )

    def assign(sender, instance, created, **kwargs):
        if created and instance.federation_id == federation.pk:
            with federation_scope(federation):
                membership.interventions.add(instance)

    post_save.connect(assign, sender=Intervention, dispatch_uid="test-admin-assign")
    yield membership
    post_save.disconnect(sender=Intervention, dispatch_uid="test-admin-assign")


@pytest.fixture
def pure_admin(federation, make_member):
    """The federation administrator role alone: organisations, users, code lists, the audit
    log; no personal data."""
    return make_member(federation, Role.FEDERATION_ADMIN, "adam")


@pytest.fixture
def case_worker(federation, intervention, make_member):
    return make_member(federation, Role.CASE_WORKER, "bob", interventions=[intervention])


@pytest.fixture
def outsider(other_federation, make_member):
    """Charlie administers federation B and is a case worker there too: every right in B,
    none in A."""
    return make_member(
        other_federation, Role.FEDERATION_ADMIN, "charlie", extra_roles=[Role.CASE_WORKER]
    )


@pytest.fixture
def login(client):
    def do_login(membership):
        client.force_login(membership.user)
        return client

    return do_login
