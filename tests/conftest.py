"""Shared fixtures: two federations and a member for every role (alice/bob/charlie style)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
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
def _fresh_cache():
    """Each test starts with an empty cache: rolled-back rows get their ids again, so a count
    kept under an id (an API key's calls this minute, a login's failures) would otherwise
    carry over into the next test and depend on how fast the suite runs."""
    yield
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


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


class _DemoSnapshot:
    """The demo federation, seeded once per test process and put back before each test that
    asks for it: a copy of the seeded database restores in a fraction of a second what
    ``seed-demo`` takes most of a minute to build.

    SQLite (the in-memory test database, shared with the live server's thread) is copied with
    SQLite's backup API into a second in-memory database and back; PostgreSQL's test database is
    copied into a template database and recreated from it with ``CREATE DATABASE ... TEMPLATE``.
    Each test thus starts from exactly what ``stegvis seed-demo`` loads, whatever the tests
    before it changed.
    """

    def __init__(self):
        self.sqlite_copy = None
        self.template = None

    @property
    def taken(self) -> bool:
        return self.sqlite_copy is not None or self.template is not None

    def take(self, connection) -> None:
        if connection.vendor == "sqlite":
            import sqlite3

            connection.ensure_connection()
            self.sqlite_copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.sqlite_copy)
        elif connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            template = f"{name}_demo"
            connection.close()
            with connection._nodb_cursor() as cursor:
                # The live server's request threads may still hold a connection.
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
                cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
            self.template = template

    def restore(self, connection) -> None:
        if self.sqlite_copy is not None:
            connection.ensure_connection()
            self.sqlite_copy.backup(connection.connection)
        else:
            name = connection.settings_dict["NAME"]
            connection.close()
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        _forget_cached_rows()

    def drop(self, connection) -> None:
        if self.sqlite_copy is not None:
            self.sqlite_copy.close()
        if self.template is not None:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


def _forget_cached_rows() -> None:
    """Rows come back with the ids they had when seeded: nothing cached in this process may
    still name the rows of the test before."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    ContentType.objects.clear_cache()
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    snapshot = _DemoSnapshot()
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop(connection)


@pytest.fixture
def seeded_demo(transactional_db, demo_snapshot):
    """The demo federation, exactly as ``stegvis seed-demo`` loads it: seeded by the command
    the first time a test process asks for it, restored from the copy after that. Transactional,
    so that the live server of the browser tests sees it too. ``STEGVIS_TEST_RESEED=1`` seeds
    it anew for every test instead (slow; to compare when a test behaves differently)."""
    if os.environ.get("STEGVIS_TEST_RESEED") == "1":
        call_command("seed_demo", stdout=io.StringIO())
    elif demo_snapshot.taken:
        demo_snapshot.restore(connection)
    else:
        call_command("seed_demo", stdout=io.StringIO())
        demo_snapshot.take(connection)
