"""Request ids are well-formed or replaced; query strings never reach a log line."""

from __future__ import annotations

import io
import logging
import re

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import federation_scope
from stegvis.security import gunicorn
from tests.conftest import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize(
    "supplied",
    ["x" * 65, "abc def", "id\nFalsk rad i loggen", "<script>", "åäö", ""],
)
def test_a_malformed_request_id_is_replaced(client, admin, federation, supplied):
    response = client.post(
        "/logga-in/", {"username": "alice", "password": PASSWORD}, HTTP_X_REQUEST_ID=supplied
    )
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    with federation_scope(federation):
        entry = AuditEntry.objects.get(action="login")
    assert entry.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_a_well_formed_request_id_is_kept(client):
    response = client.get("/logga-in/", HTTP_X_REQUEST_ID="lb-7f3a.42_x")
    assert response["X-Request-ID"] == "lb-7f3a.42_x"


def test_the_server_log_leaves_out_query_strings():
    logger = logging.getLogger("django.server")
    assert logger.handlers, "django.server logs through the configured console handler"
    handler = logger.handlers[0]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        logger.info('"%s" %s %s', "GET /f/alfa/deltagare/?q=Amal+Haddad HTTP/1.1", 200, 5120)
        logger.warning("Not Found: /f/alfa/sok/?personnummer=19900517-1234")
    finally:
        handler.setStream(old)
    text = stream.getvalue()
    assert "GET /f/alfa/deltagare/?… HTTP/1.1" in text
    assert "Amal" not in text
    assert "19900517" not in text


def test_gunicorn_access_log_has_the_path_without_query():
    assert "%(U)s" in gunicorn.access_log_format
    assert "%(r)s" not in gunicorn.access_log_format
    assert "%(q)s" not in gunicorn.access_log_format
