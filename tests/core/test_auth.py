import pytest
from django.test import override_settings

from stegvis.core.models import AuditEntry, LoginFailure
from stegvis.core.tenancy import federation_scope
from tests.conftest import PASSWORD


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/logga-in/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_login_page_is_swedish(client):
    body = client.get("/logga-in/").content.decode()
    assert "Logga in" in body
    assert "Lösenord" in body


@pytest.mark.django_db
def test_successful_login_reaches_dashboard_and_is_logged(client, admin, federation):
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.status_code == 200
    assert "Hej Alice" in response.content.decode()
    with federation_scope(federation):
        assert AuditEntry.objects.filter(action="login", actor_username="alice").count() == 1


@pytest.mark.django_db
def test_failed_login_is_logged_in_the_users_federation(client, admin, federation):
    response = _login(client, "alice", "fel-losenord")
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord" in response.content.decode()
    with federation_scope(federation):
        assert AuditEntry.objects.filter(action="failed_login").count() == 1


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_fifth_failure_throttles_even_the_right_password(client, admin):
    for _ in range(4):
        _login(client, "alice", "fel-losenord")
    # Four failures: the right password still works.
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        _login(client, "alice", "fel-losenord")
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_throttle_ends_when_the_window_has_passed(client, admin, settings):
    for _ in range(3):
        _login(client, "alice", "fel-losenord")
    assert _login(client, "alice", PASSWORD).status_code == 429
    from datetime import timedelta

    from django.utils import timezone

    LoginFailure.objects.update(
        time=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert _login(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_one_address_trying_many_usernames_is_throttled(client, admin):
    for n in range(8):
        _login(client, f"gissning{n}", "fel", ip="10.9.9.9")
    assert _login(client, "alice", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _login(client, "alice", PASSWORD, ip="10.1.1.1").status_code == 302


@pytest.mark.django_db
def test_session_ends_after_idle_timeout(client, admin, federation, settings):
    client.force_login(admin.user)
    assert client.get(f"/f/{federation.slug}/").status_code == 200
    session = client.session
    session["stegvis_last_seen"] -= settings.SESSION_IDLE_TIMEOUT_SECONDS + 1
    session.save()
    response = client.get(f"/f/{federation.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")


@pytest.mark.django_db
def test_logout_requires_post_and_is_logged(client, admin, federation):
    client.force_login(admin.user)
    assert client.get("/logga-ut/").status_code == 405
    assert client.post("/logga-ut/").status_code == 302
    with federation_scope(federation):
        assert AuditEntry.objects.filter(action="logout").count() == 1


def test_password_rules_reject_short_and_common_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("kort", "password123", "1234567890123"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("en-lang-och-ovanlig-fras")


@pytest.mark.django_db
def test_security_headers_are_set(client):
    response = client.get("/logga-in/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_last_seen_is_written_at_most_once_a_minute(client, admin, federation, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr("stegvis.core.middleware.time.time", lambda: clock[0])
    client.force_login(admin.user)
    client.get(f"/f/{federation.slug}/")
    seen = client.session["stegvis_last_seen"]
    assert seen == 1_800_000_000
    clock[0] += 59
    client.get(f"/f/{federation.slug}/")
    assert client.session["stegvis_last_seen"] == seen  # 59 s: not rewritten
    clock[0] += 1
    client.get(f"/f/{federation.slug}/")
    assert client.session["stegvis_last_seen"] == seen + 60  # 60 s: moved to now
