import io
import json
import zipfile
from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope

pytestmark = pytest.mark.django_db


def test_admin_exports_everything_as_zip_with_manifest(client, admin, federation, intervention):
    client.force_login(admin.user)
    response = client.post(f"/f/{federation.slug}/export/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    names = {t["name"] for t in manifest["tables"]}
    assert {
        "interventions.intervention",
        "core.membership",
        "core.user",
        "core.auditentry",
    } <= names
    interventions = json.loads(archive.read("json/interventions.intervention.json"))
    assert [i["code"] for i in interventions] == ["INS-1"]
    assert archive.read("csv/interventions.intervention.csv").decode().startswith("id,")
    users = json.loads(archive.read("json/core.user.json"))
    assert all("password" not in u for u in users)
    with federation_scope(federation):
        assert AuditEntry.objects.filter(action="export", object_type="federation").exists()


def test_export_holds_only_the_federations_own_rows(
    client, admin, federation, other_federation, intervention, make_member
):
    from stegvis.interventions.models import Intervention

    with federation_scope(other_federation):
        Intervention.objects.create(code="ANNAN", name="Annat förbunds insats")
    make_member(other_federation, Role.CASE_WORKER, "zqx-beta-user")
    client.force_login(admin.user)
    archive = zipfile.ZipFile(io.BytesIO(client.post(f"/f/{federation.slug}/export/").content))
    for name in archive.namelist():
        if name == "manifest.json":
            continue
        text = archive.read(name).decode()
        assert "ANNAN" not in text, name
        assert "zqx-beta-user" not in text, name


def test_export_decrypts_personal_numbers_and_omits_lookup_hashes(
    client, admin, federation, intervention
):
    from stegvis.participants import services
    from tests.participants.conftest import register as _unused  # noqa: F401

    with federation_scope(federation):
        services.participant_register(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            details=services.PersonDetails(
                gender="man",
                municipality="Lund",
                personal_number="19121212-1212",
                first_name="Tolv",
                last_name="Tolvsson",
            ),
            consent=services.ConsentDetails(
                scope="registration", method="written", given_on=date(2026, 1, 1)
            ),
        )
    client.force_login(admin.user)
    archive = zipfile.ZipFile(io.BytesIO(client.post(f"/f/{federation.slug}/export/").content))
    [person] = json.loads(archive.read("json/participants.participant.json"))
    assert person["personal_number"] == "19121212-1212"
    assert "personal_number_hash" not in person


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.FEDERATION_ADMIN])
def test_only_federation_admins_may_export(client, federation, make_member, role):
    member = make_member(federation, role)
    client.force_login(member.user)
    assert client.post(f"/f/{federation.slug}/export/").status_code == 403


def test_outsider_gets_404(client, outsider, federation):
    client.force_login(outsider.user)
    assert client.post(f"/f/{federation.slug}/export/").status_code == 404
