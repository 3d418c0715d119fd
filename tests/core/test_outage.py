"""A database that stops answering: a Swedish 503 page (JSON under /api/), never the stack
trace, and the next request after the database is back is served as usual."""

from __future__ import annotations

import contextlib
import json

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from stegvis.core import services as core_services
from stegvis.core.outage import MESSAGE
from stegvis.core.roles import Role
from tests.participants.conftest import register, scope  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

# Statements the test's own transaction needs to roll back a failed request's savepoints.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK")


@contextlib.contextmanager
def database_down(error=OperationalError, message="server closed the connection unexpectedly"):
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            return execute(sql, params, many, context)
        raise error(message)

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def browser(case_worker):
    """A logged-in case worker whose client answers like a browser: no exception re-raised."""
    client = Client(raise_request_exception=False)
    client.force_login(case_worker.user)
    return client


def _assert_outage_page(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Databasen svarar inte just nu" in body
    assert MESSAGE in body
    assert '<html lang="sv">' in body
    for leak in ("Traceback", "OperationalError", "server closed", "psycopg", "sqlite"):
        assert leak not in body


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_page_answers_swedish_503_while_the_database_is_down(browser, federation, error):
    with database_down(error):
        response = browser.get(f"/f/{federation.slug}/deltagare/")
    _assert_outage_page(response)


def test_failure_in_the_middleware_before_the_view_is_a_503_too(browser, federation):
    """The session and the user are read in middleware, before any view runs."""
    with database_down():
        response = browser.get(f"/f/{federation.slug}/")
    _assert_outage_page(response)


def test_pages_recover_by_themselves_when_the_database_is_back(browser, federation):
    url = f"/f/{federation.slug}/deltagare/"
    with database_down():
        assert browser.get(url).status_code == 503
    response = browser.get(url)
    assert response.status_code == 200
    assert "Databasen svarar inte" not in response.content.decode()


def test_api_answers_json_503_with_swedish_detail(case_worker):
    _token, key = core_services.token_create(user=case_worker.user, name="test")
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {"detail": MESSAGE}
    ok = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200


def test_health_check_says_503_in_json_while_down_and_ok_after():
    client = Client(raise_request_exception=False)
    with database_down():
        down = client.get("/healthz")
    assert down.status_code == 503
    assert json.loads(down.content) == {"detail": MESSAGE}
    up = client.get("/healthz")
    assert up.status_code == 200
    assert json.loads(up.content) == {"status": "ok"}


def test_other_errors_keep_the_general_error_page(browser, federation, monkeypatch):
    """Only a database outage is a 503; a programming error stays a logged 500."""
    from stegvis.participants import views

    def broken(*args, **kwargs):
        raise ValueError("ett programmeringsfel")

    monkeypatch.setattr(views, "render", broken)
    response = browser.get(f"/f/{federation.slug}/deltagare/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Något gick fel" in body
    assert "Databasen svarar inte" not in body
    assert "programmeringsfel" not in body


def test_api_programming_error_is_json_500_without_details(case_worker, monkeypatch):
    from stegvis.api import participants

    def broken(*args, **kwargs):
        raise ValueError("ett programmeringsfel")

    monkeypatch.setattr(participants, "paginate", broken)
    _token, key = core_services.token_create(user=case_worker.user, name="test")
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "Något gick fel. Felet är loggat."}


def test_outsider_gets_404_not_503_when_the_database_answers(federation, outsider):
    client = Client(raise_request_exception=False)
    client.force_login(outsider.user)
    assert client.get(f"/f/{federation.slug}/deltagare/").status_code == 404


def test_kept_connections_are_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "postgresql":
        assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] > 0


def test_the_role_does_not_matter_for_the_outage_page(federation, make_member):
    leader = make_member(federation, Role.ASSOCIATION_LEADER, "erik")
    client = Client(raise_request_exception=False)
    client.force_login(leader.user)
    with database_down():
        response = client.get(f"/f/{federation.slug}/narvaro/")
    _assert_outage_page(response)


# --- commands -----------------------------------------------------------------------------


def test_command_reports_a_database_outage_in_swedish(federation, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    output = tmp_path / "export.zip"
    with (
        database_down(),
        pytest.raises(CommandError, match=r"^Databasen svarar inte just nu\. Kommandot avbröts"),
    ):
        call_command("export", "--federation", federation.slug, "--output", str(output))
    assert not output.exists()


@contextlib.contextmanager
def disk_fills_on(*tables):
    """The disk fills when the first row reaches one of ``tables`` (earlier writes landed)."""

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and any(t in sql for t in tables):
            raise OperationalError("database or disk is full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def test_import_on_a_full_disk_fails_cleanly_and_writes_nothing(federation, intervention, tmp_path):
    from django.core.management.base import CommandError

    from stegvis.core.tenancy import federation_scope
    from stegvis.participants.models import Enrolment, Participant
    from tests.participants.test_import import VALID, csv_file, run

    path = csv_file(tmp_path, *VALID)
    with (
        disk_fills_on("participants_enrolment", "core_auditentry"),
        pytest.raises(CommandError) as raised,
    ):
        run(path)
    assert str(raised.value).startswith("Databasen kunde inte skriva: disken är full.")
    with federation_scope(federation):
        assert not Participant.objects.exists()
        assert not Enrolment.objects.exists()
    run(path)  # with room on the disk the same file goes in whole
    with federation_scope(federation):
        assert Enrolment.objects.count() == len(VALID)


def test_api_connection_lost_while_writing_the_answer_is_a_503(
    admin,
    federation,
    intervention,
    register,  # noqa: F811
    monkeypatch,
):
    """The connection drops after the list was read, while each person's consents are read
    for the answer: pydantic wraps the database error in its own validation error."""
    from stegvis.participants import selectors

    register(intervention, first_name="Amal", last_name="Haddad")

    def connection_closed(*args, **kwargs):
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(selectors, "visible_consents", connection_closed)
    _token, key = core_services.token_create(user=admin.user, name="test")
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/participants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503
    assert json.loads(response.content) == {"detail": MESSAGE}
