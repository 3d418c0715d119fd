import io
import json
import subprocess
import sys
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from stegvis.core.crypto import lookup_hash, pseudonym
from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Participant

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


def _register(federation, admin, intervention, **details):
    from stegvis.participants import services

    values = {
        "gender": "man",
        "municipality": "Lund",
        "personal_number": "19121212-1212",
        "first_name": "Tolv",
        "last_name": "Tolvsson",
        **details,
    }
    with federation_scope(federation):
        participant, _ = services.participant_register(
            actor=admin.user,
            membership=admin,
            intervention=intervention,
            details=services.PersonDetails(**values),
            consent=services.ConsentDetails(
                scope="registration", method="written", given_on=date(2026, 1, 1)
            ),
        )
        Participant.objects.filter(pk=participant.pk).update(
            phone="0701-ZZTOPHONE", email="zztomail@example.se", address="Zztogatan 1"
        )
    return participant


def _archive(response):
    assert response.status_code == 200, response.content[:300]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _all_text(archive):
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_export_pseudonymises_personal_identifiers_by_default(
    client, admin, federation, intervention
):
    participant = _register(federation, admin, intervention)
    client.force_login(admin.user)
    archive = _archive(client.post(f"/f/{federation.slug}/export/"))
    [person] = json.loads(archive.read("json/participants.participant.json"))
    assert person["personal_number"] == pseudonym(
        "19121212-1212", purpose=f"export:{federation.pk}"
    )
    assert person["personal_number"].startswith("P-")
    assert person["personal_number"] not in lookup_hash("19121212-1212")
    assert "personal_number_hash" not in person
    assert person["first_name"] == person["last_name"] == ""
    assert person["phone"] == person["email"] == person["address"] == ""
    assert person["birth_date"] == 1912
    assert person["birth_year"] == 1912
    assert person["gender"] == "man"
    assert person["municipality"] == "Lund"
    assert person["id"] == participant.pk
    text = _all_text(archive)
    for secret in ("19121212", "121212-1212", "Tolvsson", "ZZTOPHONE", "zztomail", "Zztogatan"):
        assert secret not in text
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["pseudonymised"] is True
    assert manifest["personal_fields"]["participants.participant"]["personal_number"] == (
        "pseudonym"
    )
    with federation_scope(federation):
        entry = AuditEntry.objects.get(action="export")
    assert entry.detail["pseudonymised"] is True
    assert entry.actor == admin.user


def test_pseudonym_is_stable_per_federation_and_not_the_lookup_hash(
    client, admin, federation, intervention
):
    _register(federation, admin, intervention)
    client.force_login(admin.user)
    first = json.loads(
        _archive(client.post(f"/f/{federation.slug}/export/")).read(
            "json/participants.participant.json"
        )
    )[0]["personal_number"]
    second = json.loads(
        _archive(client.post(f"/f/{federation.slug}/export/")).read(
            "json/participants.participant.json"
        )
    )[0]["personal_number"]
    assert first == second
    # The same number typed another way is the same person; another federation gets another.
    assert pseudonym("191212121212", purpose=f"export:{federation.pk}") == first
    assert pseudonym("19121212-1212", purpose="export:0") != first
    with federation_scope(federation):
        stored_hash = Participant.objects.get().personal_number_hash
    assert first[2:] not in stored_hash


def test_export_blanks_free_text_written_about_a_person(client, admin, federation, intervention):
    from stegvis.participants.models import Referral

    participant = _register(federation, admin, intervention)
    with federation_scope(federation):
        Referral.objects.create(
            participant=participant,
            intervention=intervention,
            referred_on=date(2026, 1, 2),
            reason="Zztoreason om hans hälsa",
            notes="Zztonotes",
        )
    client.force_login(admin.user)
    archive = _archive(client.post(f"/f/{federation.slug}/export/"))
    [referral] = json.loads(archive.read("json/participants.referral.json"))
    assert referral["reason"] == referral["notes"] == ""
    assert referral["referred_on"] == "2026-01-02"
    assert "Zzto" not in _all_text(archive)


def test_identified_export_needs_emergency_access(client, admin, federation, intervention):
    _register(federation, admin, intervention)
    client.force_login(admin.user)
    assert 'name="identified"' not in client.get(f"/f/{federation.slug}/export/").content.decode()
    response = client.post(
        f"/f/{federation.slug}/export/", {"identified": "1", "reason": "Begäran från IVO"}
    )
    assert response.status_code == 403
    assert "kräver nödåtkomst" in response.content.decode()
    with federation_scope(federation):
        assert not AuditEntry.objects.filter(action="export").exists()


def test_identified_export_under_emergency_access_with_reason(
    client, admin, federation, intervention, monkeypatch
):
    monkeypatch.setattr("stegvis.core.views.has_emergency_access", lambda membership: True)
    _register(federation, admin, intervention)
    client.force_login(admin.user)
    page = client.get(f"/f/{federation.slug}/export/").content.decode()
    assert 'name="identified"' in page
    assert 'name="reason"' in page
    refused = client.post(f"/f/{federation.slug}/export/", {"identified": "1", "reason": " "})
    assert refused.status_code == 400
    assert "Ange skälet" in refused.content.decode()
    response = client.post(
        f"/f/{federation.slug}/export/", {"identified": "1", "reason": "Begäran från IVO"}
    )
    assert "identifierad" in response["Content-Disposition"]
    archive = _archive(response)
    [person] = json.loads(archive.read("json/participants.participant.json"))
    assert person["personal_number"] == "19121212-1212"
    assert person["last_name"] == "Tolvsson"
    assert person["phone"] == "0701-ZZTOPHONE"
    assert person["birth_date"] == "1912-12-12"
    assert "personal_number_hash" not in person
    assert json.loads(archive.read("manifest.json"))["pseudonymised"] is False
    with federation_scope(federation):
        [entry] = AuditEntry.objects.filter(action="export")
    assert entry.reason == "Begäran från IVO"
    assert entry.detail["pseudonymised"] is False
    assert entry.object_type == "federation"


def test_emergency_access_without_asking_for_identified_stays_pseudonymised(
    client, admin, federation, intervention, monkeypatch
):
    monkeypatch.setattr("stegvis.core.views.has_emergency_access", lambda membership: True)
    _register(federation, admin, intervention)
    client.force_login(admin.user)
    archive = _archive(client.post(f"/f/{federation.slug}/export/"))
    assert json.loads(archive.read("manifest.json"))["pseudonymised"] is True
    assert "Tolvsson" not in _all_text(archive)


def test_protected_identity_stays_pseudonymised_in_an_identified_export(
    admin, federation, intervention, tmp_path
):
    participant = _register(federation, admin, intervention)
    with federation_scope(federation):
        Participant.objects.filter(pk=participant.pk).update(protected_identity=True)
    output = tmp_path / "export.zip"
    call_command(
        "export",
        "--federation",
        federation.slug,
        "--output",
        str(output),
        "--identified",
        "--reason",
        "Tillsyn",
        stdout=io.StringIO(),
    )
    archive = zipfile.ZipFile(output)
    [person] = json.loads(archive.read("json/participants.participant.json"))
    assert person["personal_number"].startswith("P-")
    assert person["last_name"] == ""
    assert "Tolvsson" not in _all_text(archive)


def test_command_exports_pseudonymised_unless_identified_with_reason(
    admin, federation, intervention, tmp_path
):
    _register(federation, admin, intervention)
    output = tmp_path / "export.zip"
    out = io.StringIO()
    call_command("export", "--federation", federation.slug, "--output", str(output), stdout=out)
    assert "pseudonymiserad" in out.getvalue()
    archive = zipfile.ZipFile(output)
    assert json.loads(archive.read("manifest.json"))["pseudonymised"] is True
    assert "Tolvsson" not in _all_text(archive)

    identified = tmp_path / "identified.zip"
    call_command(
        "export",
        "--federation",
        federation.slug,
        "--output",
        str(identified),
        "--identified",
        "--reason",
        "Flytt till nytt system",
        stdout=io.StringIO(),
    )
    [person] = json.loads(zipfile.ZipFile(identified).read("json/participants.participant.json"))
    assert person["personal_number"] == "19121212-1212"
    with federation_scope(federation):
        entries = list(AuditEntry.objects.filter(action="export").order_by("pk"))
    assert [(e.detail["pseudonymised"], e.reason) for e in entries] == [
        (True, "full export"),
        (False, "Flytt till nytt system"),
    ]
    assert all(e.actor is None for e in entries)


def test_command_refuses_identified_without_reason(admin, federation, tmp_path):
    output = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="--identified kräver --reason"):
        call_command(
            "export", "--federation", federation.slug, "--output", str(output), "--identified"
        )
    assert not output.exists()
    with federation_scope(federation):
        assert not AuditEntry.objects.filter(action="export").exists()


def test_console_refuses_identified_without_reason_with_nonzero_exit(tmp_path):
    result = subprocess.run(  # noqa: S603 (a fixed argument list)
        [
            sys.executable,
            "-m",
            "stegvis.cli",
            "export",
            "--federation",
            "finns-inte",
            "--output",
            str(tmp_path / "x.zip"),
            "--identified",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "--identified kräver --reason" in result.stderr


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.FEDERATION_ADMIN])
def test_only_federation_admins_may_export(client, federation, make_member, role):
    member = make_member(federation, role)
    client.force_login(member.user)
    assert client.post(f"/f/{federation.slug}/export/").status_code == 403


def test_outsider_gets_404(client, outsider, federation):
    client.force_login(outsider.user)
    assert client.post(f"/f/{federation.slug}/export/").status_code == 404
