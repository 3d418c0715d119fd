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
@override_settings(LOGIN_FAILURE_LIMIT=5)
@pytest.mark.parametrize("spelling", [" alice", "alice ", " ALICE ", "\u00a0alice", "Alice"])
def test_a_locked_account_stays_locked_however_the_username_is_written(client, admin, spelling):
    for _ in range(5):
        _login(client, "alice", "fel-losenord")
    response = _login(client, spelling, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Nor does a password with surrounding spaces get past, or any mix of the two.
    assert _login(client, spelling, f" {PASSWORD} ").status_code == 429


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_failures_under_other_spellings_count_for_the_same_account(client, admin):
    for spelling in (" alice", "ALICE ", "alice"):
        _login(client, spelling, "fel-losenord")
    assert _login(client, "alice", PASSWORD).status_code == 429


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_attempts_on_a_locked_account_never_clear_its_failures(client, admin):
    for _ in range(3):
        _login(client, "alice", "fel-losenord")
    assert _login(client, " alice", PASSWORD).status_code == 429
    assert LoginFailure.objects.filter(username="alice").count() == 3
    assert _login(client, "alice", PASSWORD).status_code == 429


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_an_address_does_not_lock_out_accounts_that_log_in_from_it(client, admin, case_worker):
    office = "10.9.9.9"
    assert _login(client, "alice", PASSWORD, ip=office).status_code == 302
    client.logout()
    for n in range(8):
        _login(client, f"gissning{n}", "fel", ip=office)
    # alice works from this address: the guesses do not lock her out ...
    assert _login(client, "alice", PASSWORD, ip=office).status_code == 302
    client.logout()
    # ... but an account never used from it cannot be tried from there any more.
    assert _login(client, "bob", PASSWORD, ip=office).status_code == 429
    # The account and the address are counted apart: alice's account has no failures.
    assert LoginFailure.objects.filter(username="alice").count() == 0


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_client_address_from_the_trusted_proxy_header_only_when_configured(client, admin):
    def spray(header_ip):
        for n in range(8):
            client.post(
                "/logga-in/",
                {"username": f"gissning{n}", "password": "fel"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"6.6.6.6, {header_ip}",
            )

    with override_settings(TRUSTED_PROXY_HEADER="X-Forwarded-For"):
        spray("203.0.113.7")
        assert LoginFailure.objects.filter(ip_address="203.0.113.7").count() == 8
        response = client.post(
            "/logga-in/",
            {"username": "alice", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.8",
        )
        assert response.status_code == 302  # another client behind the same proxy
    client.logout()
    LoginFailure.objects.all().delete()
    spray("203.0.113.7")  # not configured: the header is ignored
    assert LoginFailure.objects.filter(ip_address="127.0.0.1").count() == 8


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
