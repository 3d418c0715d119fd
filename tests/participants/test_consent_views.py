"""Web pages of consent, correction, extracts, emergency access and the log review."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from stegvis.core.models import AuditEntry
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.participants import services
from stegvis.participants.models import Consent, Participant

TODAY = timezone.localdate()


@pytest.fixture
def scoped(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def worker_x(scoped, intervention, make_member):
    return make_member(scoped, Role.CASE_WORKER, "xena", interventions=[intervention])


@pytest.fixture
def worker_y(scoped, other_intervention, make_member):
    return make_member(scoped, Role.CASE_WORKER, "yusuf", interventions=[other_intervention])


def _number(seed=1):
    return generate_personal_number(random.Random(seed), date(1990, 5, 17), "kvinna")


def _person(worker, intervention, scope=Consent.Scope.REGISTRATION, **extra):
    participant, _ = services.participant_register(
        actor=worker.user,
        membership=worker,
        intervention=intervention,
        details=services.PersonDetails(
            gender="kvinna",
            municipality="Kristianstad",
            personal_number=extra.pop("number", _number()),
            first_name="Amal",
            last_name="Haddad",
            **extra,
        ),
        consent=services.ConsentDetails(
            scope=scope, method=Consent.Method.WRITTEN, given_on=TODAY - timedelta(days=30)
        ),
    )
    return participant


def _url(federation, path):
    return f"/f/{federation.slug}/{path}"


def test_register_extract_follows_the_page_scope(
    client, scoped, worker_x, worker_y, intervention, other_intervention
):
    person = _person(worker_x, intervention)
    services.consent_give(
        actor=worker_y.user,
        participant=person,
        intervention=other_intervention,
        details=services.ConsentDetails(
            scope=Consent.Scope.REGISTRATION, method=Consent.Method.WRITTEN, given_on=TODAY
        ),
    )
    services.referral_create(
        actor=worker_y.user,
        membership=worker_y,
        participant=person,
        intervention=other_intervention,
        reason="HEMLIGT-SKÄL-Y",
        referred_on=TODAY,
    )
    client.force_login(worker_x.user)
    data = json.loads(
        client.get(_url(scoped, f"deltagare/{person.pk}/utdrag.json")).content.decode()
    )
    assert [c["insats"] for c in data["samtycken"]] == [intervention.name]
    assert data["anvisningar"] == []
    assert "HEMLIGT-SKÄL-Y" not in json.dumps(data, ensure_ascii=False)
    pdf = client.get(_url(scoped, f"deltagare/{person.pk}/utdrag.pdf"))
    assert pdf.status_code == 200


def test_subject_access_extract_covers_everything_and_is_logged(
    client, scoped, worker_x, worker_y, pure_admin, intervention, other_intervention
):
    number = _number()
    person = _person(worker_x, intervention, number=number)
    services.consent_give(
        actor=worker_y.user,
        participant=person,
        intervention=other_intervention,
        details=services.ConsentDetails(
            scope=Consent.Scope.REGISTRATION, method=Consent.Method.WRITTEN, given_on=TODAY
        ),
    )
    client.force_login(pure_admin.user)
    url = _url(scoped, "registerutdrag/")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "personal_number": number,
            "requested_on": TODAY.isoformat(),
            "note": "Dnr 2026/114",
            "format": "json",
        },
    )
    data = json.loads(response.content.decode())
    assert {c["insats"] for c in data["samtycken"]} == {intervention.name, other_intervention.name}
    entry = AuditEntry.objects.get(action="export", object_id=str(person.pk))
    assert entry.detail["complete"] is True
    assert entry.detail["errand"] == "Dnr 2026/114"
    # An unknown number says so on the field.
    missing = client.post(
        url,
        {"personal_number": _number(8), "requested_on": TODAY.isoformat(), "note": "x"},
    )
    assert "Ingen person med det numret" in missing.content.decode()


def test_case_worker_cannot_make_the_subject_access_extract(client, scoped, worker_x):
    client.force_login(worker_x.user)
    assert client.get(_url(scoped, "registerutdrag/")).status_code == 403


def test_consent_page_records_consent_and_returns_to_the_referral(
    client, scoped, worker_x, worker_y, intervention, other_intervention
):
    person = _person(worker_x, intervention)
    referral = services.referral_create(
        actor=worker_y.user,
        membership=worker_y,
        participant=person,
        intervention=other_intervention,
        reason="Stöd",
        referred_on=TODAY,
    )
    client.force_login(worker_y.user)
    page = client.get(_url(scoped, f"anvisningar/{referral.pk}/")).content.decode()
    assert "Samtycke saknas" in page
    back = f"/f/{scoped.slug}/anvisningar/{referral.pk}/"
    response = client.post(
        _url(scoped, f"deltagare/{person.pk}/samtycke/"),
        {
            "intervention": other_intervention.pk,
            "scope": "registration",
            "method": "written",
            "given_on": TODAY.isoformat(),
            "language": "sv",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert person.consents.filter(intervention=other_intervention).exists()
    # A second consent for the same intervention is refused.
    again = client.post(
        _url(scoped, f"deltagare/{person.pk}/samtycke/"),
        {
            "intervention": other_intervention.pk,
            "scope": "registration",
            "method": "written",
            "given_on": TODAY.isoformat(),
            "language": "sv",
        },
    )
    assert "redan ett aktivt samtycke" in again.content.decode()


def test_consent_page_never_follows_an_outside_address(
    client, scoped, worker_x, intervention, other_intervention, make_member
):
    both = make_member(
        scoped, Role.CASE_WORKER, "bo", interventions=[intervention, other_intervention]
    )
    person = _person(worker_x, intervention)
    client.force_login(both.user)
    response = client.post(
        _url(scoped, f"deltagare/{person.pk}/samtycke/"),
        {
            "intervention": other_intervention.pk,
            "scope": "registration",
            "method": "written",
            "given_on": TODAY.isoformat(),
            "language": "sv",
            "next": "https://evil.example/f/x/",
        },
    )
    assert response["Location"] == f"/f/{scoped.slug}/deltagare/{person.pk}/"


def test_correction_page_saves_and_shows_the_change(client, scoped, worker_x, intervention):
    person = _person(worker_x, intervention)
    client.force_login(worker_x.user)
    response = client.post(
        _url(scoped, f"deltagare/{person.pk}/rattelse/"),
        {
            "personal_number": person.personal_number,
            "first_name": "Amal",
            "last_name": "Hadad",
            "gender": "kvinna",
            "municipality": "Kristianstad",
            "note": "Personen begärde rättelse av stavningen.",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.last_name == "Hadad"
    page = client.get(_url(scoped, f"deltagare/{person.pk}/")).content.decode()
    assert "Rättelser" in page


def test_correction_with_a_malformed_number_is_explained_and_saves_nothing(
    client, scoped, worker_x, intervention
):
    person = _person(worker_x, intervention)
    client.force_login(worker_x.user)
    response = client.post(
        _url(scoped, f"deltagare/{person.pk}/rattelse/"),
        {
            "personal_number": "19900230-1234",
            "first_name": "Amal",
            "last_name": "Ändrad",
            "gender": "kvinna",
            "municipality": "Kristianstad",
            "note": "Test",
        },
    )
    assert response.status_code == 200
    assert "1990-02-30" in response.content.decode()
    person.refresh_from_db()
    assert person.last_name == "Haddad"


def test_emergency_access_page_and_log_review(
    client, scoped, worker_x, worker_y, pure_admin, intervention
):
    person = _person(worker_x, intervention)
    client.force_login(worker_y.user)
    assert client.get(_url(scoped, f"deltagare/{person.pk}/")).status_code == 404
    client.post(
        _url(scoped, "nodatkomst/"),
        {"reason": "Personen är akut sjuk och huvudkontakten nås inte.", "hours": "1"},
    )
    page = client.get(_url(scoped, f"deltagare/{person.pk}/"))
    assert page.status_code == 200
    assert "Nödåtkomst pågår" in page.content.decode()
    client.post(_url(scoped, "nodatkomst/"), {"end": "1"})
    assert client.get(_url(scoped, f"deltagare/{person.pk}/")).status_code == 404

    client.force_login(pure_admin.user)
    review = client.get(_url(scoped, "logg/granskning/")).content.decode()
    assert "Personen är akut sjuk" in review
    assert "yusuf" in review
    bad = client.get(_url(scoped, "logg/granskning/?date_from=2026-05-02&date_to=2026-05-01"))
    assert "före från-datumet" in bad.content.decode()


def test_log_review_lists_reads_of_many_persons_within_an_hour(
    client, scoped, worker_x, pure_admin, intervention
):
    from stegvis.core import audit
    from stegvis.core.selectors import MANY_PERSONS_PER_HOUR

    people = [
        Participant.objects.create(
            is_anonymous=True, birth_year=1990, gender="man", municipality="Osby"
        )
        for _ in range(MANY_PERSONS_PER_HOUR)
    ]
    audit.log_reads(actor=worker_x.user, objects=people, reason="test")
    client.force_login(pure_admin.user)
    review = client.get(_url(scoped, "logg/granskning/")).content.decode()
    assert f'<td class="num">{MANY_PERSONS_PER_HOUR}</td>' in review


def test_log_review_is_for_the_audit_role_only(client, scoped, worker_x):
    client.force_login(worker_x.user)
    assert client.get(_url(scoped, "logg/granskning/")).status_code == 403
