"""Every role sees exactly what SPEC §1 allows, and every read is logged."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role

pytestmark = pytest.mark.django_db

NO_PERSONAL_DATA = [
    Role.INTERVENTION_LEAD,
    Role.STEERING,
    Role.EVALUATOR,
    Role.ASSOCIATION_COORDINATOR,
    Role.ASSOCIATION_LEADER,
]


@pytest.fixture
def person(scope, intervention, register, enrol):
    person = register(intervention, first_name="Rasha", last_name="Haddad")
    enrol(person, intervention, date(2026, 1, 1))
    return person


@pytest.fixture
def colleague(federation, other_intervention, make_member):
    """A case worker in the same federation but another intervention."""
    return make_member(federation, Role.CASE_WORKER, "dave", interventions=[other_intervention])


def urls(slug, person):
    enrolment = person.enrolments.get()
    consent = person.consents.get()
    return [
        f"/f/{slug}/deltagare/{person.pk}/",
        f"/f/{slug}/deltagare/{person.pk}/utdrag.json",
        f"/f/{slug}/deltagare/{person.pk}/utdrag.pdf",
        f"/f/{slug}/deltaganden/{enrolment.pk}/overlamning/",
        f"/f/{slug}/deltaganden/{enrolment.pk}/avslut/",
        f"/f/{slug}/samtycken/{consent.pk}/aterkalla/",
    ]


def test_case_worker_in_scope_sees_the_person_and_each_read_is_logged(
    client, person, case_worker, federation
):
    client.force_login(case_worker.user)
    before = AuditEntry.objects.filter(action="read", object_id=str(person.pk)).count()
    response = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/")
    assert response.status_code == 200
    assert "Rasha Haddad" in response.content.decode()
    after = AuditEntry.objects.filter(
        action="read", object_id=str(person.pk), actor_username="bob"
    ).count()
    assert after == before + 1


def test_caseload_lists_and_logs_each_participant_shown(client, person, case_worker, federation):
    client.force_login(case_worker.user)
    body = client.get(f"/f/{federation.slug}/deltagare/?mine=all").content.decode()
    assert "Rasha Haddad" in body
    assert AuditEntry.objects.filter(
        action="read", object_id=str(person.pk), reason="mina deltagare"
    ).exists()


def test_colleague_in_another_intervention_gets_404_everywhere(
    client, person, colleague, federation
):
    client.force_login(colleague.user)
    for url in urls(federation.slug, person):
        method = client.post if "aterkalla" in url else client.get
        assert method(url).status_code == 404, url
    body = client.get(f"/f/{federation.slug}/deltagare/?mine=all").content.decode()
    assert "Rasha" not in body


def test_outsider_from_another_federation_gets_404(client, person, outsider, federation):
    client.force_login(outsider.user)
    for url in urls(federation.slug, person):
        method = client.post if "aterkalla" in url else client.get
        assert method(url).status_code == 404, url


@pytest.mark.parametrize("role", NO_PERSONAL_DATA)
def test_roles_without_personal_data_are_refused(client, person, federation, make_member, role):
    member = make_member(federation, role)
    client.force_login(member.user)
    assert client.get(f"/f/{federation.slug}/deltagare/").status_code == 403
    for url in urls(federation.slug, person)[:3]:
        assert client.get(url).status_code in (403, 404), url
    dashboard = client.get(f"/f/{federation.slug}/").content.decode()
    assert "Rasha" not in dashboard
    assert "Haddad" not in dashboard


def test_protected_identity_never_shows_name_or_number_to_others_than_the_main_contact(
    client, scope, admin, case_worker, intervention, register, enrol, federation
):
    person = register(
        intervention, first_name="Hemlig", last_name="Person", protected_identity=True
    )
    enrol(person, intervention, date(2026, 1, 1), main_contact=case_worker)
    client.force_login(admin.user)
    for url in (
        f"/f/{federation.slug}/deltagare/",
        f"/f/{federation.slug}/deltagare/{person.pk}/",
        f"/f/{federation.slug}/deltagare/{person.pk}/utdrag.json",
    ):
        body = client.get(url).content.decode()
        assert "Hemlig" not in body
        assert "Person " not in body
    extract = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/utdrag.json").json()
    assert "personnummer" not in extract["person"]
    # The main contact sees the name on the page, but lists mask it for him too.
    client.force_login(case_worker.user)
    assert (
        "Hemlig Person"
        in client.get(f"/f/{federation.slug}/deltagare/{person.pk}/").content.decode()
    )
    assert "Hemlig" not in client.get(f"/f/{federation.slug}/deltagare/").content.decode()


def test_register_extract_holds_everything_and_is_logged_as_export(
    client, person, admin, federation
):
    client.force_login(admin.user)
    data = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/utdrag.json").json()
    assert data["person"]["förnamn"] == "Rasha"
    assert data["person"]["personnummer"] == person.personal_number
    assert len(data["samtycken"]) == 1
    assert len(data["deltaganden"]) == 1
    assert AuditEntry.objects.filter(action="export", object_id=str(person.pk)).exists()


def test_register_extract_pdf_contains_the_persons_data(client, person, admin, federation):
    from pypdf import PdfReader

    client.force_login(admin.user)
    response = client.get(f"/f/{federation.slug}/deltagare/{person.pk}/utdrag.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Registerutdrag" in text
    assert "Rasha" in text
    assert person.personal_number in text


def test_purge_command_reports_and_logs(person, federation):
    out = io.StringIO()
    call_command(
        "purge", "--federation", federation.slug, "--dry-run", "--format", "json", stdout=out
    )
    report = json.loads(out.getvalue())
    assert report["dry_run"] is True
    assert report["anonymised"] == 0
    assert AuditEntry.objects.filter(object_type="purge").exists()
