"""Everyday traps in the administrator's forms."""

import pytest

from stegvis.core.admin_views import ORGANISATION_KINDS
from stegvis.core.roles import Role
from tests.participants.conftest import register, scope  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db


def test_new_user_form_chooses_no_role_and_asks_for_a_new_password(client, admin):
    client.force_login(admin.user)
    body = client.get("/f/alfa/admin/medarbetare/ny/").content.decode()
    assert '<option value="" selected>Välj roll…</option>' in body
    assert f'value="{Role.FEDERATION_ADMIN}" selected' not in body
    assert "Lämna tomt för att behålla nuvarande" not in body


def test_new_user_form_shows_username_and_password_errors_together(client, admin, case_worker):
    client.force_login(admin.user)
    response = client.post(
        "/f/alfa/admin/medarbetare/ny/",
        {"username": case_worker.user.username, "first_name": "", "last_name": "X"},
    )
    body = response.content.decode()
    assert "Personen är redan medarbetare i förbundet." in body
    assert "Välj en roll." in body
    assert "Detta fält måste fyllas i." in body


def test_audit_log_with_from_after_to_shows_the_error_and_no_rows(client, admin):
    client.force_login(admin.user)
    response = client.get("/f/alfa/logg/?date_from=2026-05-02&date_to=2026-05-01")
    body = response.content.decode()
    assert "Slutdatumet ligger före startdatumet." in body
    assert response.context["page"].paginator.count == 0
    assert "Inga poster matchar filtret." in body


def test_audit_log_names_objects_and_types_in_swedish(
    client,
    admin,
    scope,  # noqa: F811
    intervention,
    register,  # noqa: F811
):
    from stegvis.core.models import AuditEntry

    person = register(intervention)
    client.force_login(admin.user)
    body = client.get("/f/alfa/logg/").content.decode()
    assert f"Deltagare D-{person.pk:06d}" in body
    assert f"participant {person.pk}<" not in body
    assert '<option value="participant">Deltagare</option>' in body
    filtered = client.get("/f/alfa/logg/?object_type=participant")
    entries = filtered.context["page"].object_list
    assert entries
    assert {e.object_type for e in entries} == {"participant"}
    assert AuditEntry.objects.exclude(object_type="participant").exists()


def test_swedish_number_formats():
    from decimal import Decimal

    from stegvis.core.formats import count, number, sek

    assert sek(37500) == "37\u202f500\u00a0kr"
    assert sek(Decimal("9000.00")) == "9\u202f000\u00a0kr"
    assert number(2.5, 2) == "2,50"
    assert number(2) == "2"
    assert number(1234567.25) == "1\u202f234\u202f567,25"
    assert count(1, "deltagande", "deltaganden") == "1 deltagande"
    assert count(2, "deltagande", "deltaganden") == "2 deltaganden"


def test_favicon_and_accessibility_statement_are_served(client, admin):
    favicon = client.get("/favicon.ico", follow=True)
    assert favicon.status_code == 200
    assert b"".join(favicon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
    statement = client.get("/tillganglighet/")  # open without signing in
    assert statement.status_code == 200
    assert "Tillgänglighetsredogörelse" in statement.content.decode()
    client.force_login(admin.user)
    page = client.get("/f/alfa/").content.decode()
    assert 'href="/tillganglighet/"' in page
    assert 'rel="icon"' in page


def test_api_docs_load_swagger_ui_from_own_static_files(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_no_dashes_as_first_choice_in_forms(client, admin, intervention):
    client.force_login(admin.user)
    pages = [
        "/f/alfa/admin/medarbetare/ny/",
        "/f/alfa/aktiviteter/ny/",
        "/f/alfa/platser/",
        "/f/alfa/insatser/INS-1/",
        *(f"/f/alfa/organisation/{kind}/ny/" for kind in ORGANISATION_KINDS),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "---------" not in response.content.decode(), url
