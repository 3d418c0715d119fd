"""The API contract of consent, withdrawal and registration (issue: tenant boundaries)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from stegvis.core.models import AuditEntry
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Enrolment, Participant

TODAY = timezone.localdate()


@pytest.fixture
def worker_x(federation, intervention, make_member):
    return make_member(federation, Role.CASE_WORKER, "xena", interventions=[intervention])


@pytest.fixture
def worker_y(federation, other_intervention, make_member):
    return make_member(federation, Role.CASE_WORKER, "yusuf", interventions=[other_intervention])


def _number(seed=1):
    return generate_personal_number(random.Random(seed), date(1990, 5, 17), "kvinna")


def _register(api, worker, code, number, **extra):
    body = {
        "intervention": code,
        "gender": "kvinna",
        "municipality": "Kristianstad",
        "personal_number": number,
        "first_name": "Amal",
        "last_name": "Haddad",
        "phone": "070-111 11 11",
        "email": "amal@example.org",
        "consent": {"scope": "registration", "method": "written", "given_on": "2026-01-10"},
        **extra,
    }
    return api(worker).post("/participants", body)


def test_consent_is_recorded_listed_and_withdrawn_with_the_contract_shapes(
    api, worker_x, worker_y, intervention, other_intervention
):
    created = _register(api, worker_x, "INS-1", _number())
    assert created.status_code == 201
    pid = created.json()["id"]
    response = api(worker_x).post(
        f"/participants/{pid}/consents",
        {
            "intervention": "INS-2",
            "scope": "sharing",
            "method": "verbal",
            "given_on": (TODAY - timedelta(days=3)).isoformat(),
        },
    )
    # X's case worker does not work in INS-2: its code is outside his scope.
    assert response.status_code == 404
    other = api(worker_y).post(
        "/participants",
        {
            "intervention": "INS-2",
            "gender": "kvinna",
            "municipality": "Kristianstad",
            "personal_number": _number(),
            "consent": {"scope": "sharing", "method": "verbal", "given_on": "2026-02-01"},
        },
    )
    assert other.status_code == 200  # found again by number
    body = api(worker_x).get(f"/participants/{pid}").json()
    consents = {c["intervention"]: c for c in body["consents"]}
    # INS-2's consent is `sharing`: X's staff see it; INS-1's own is listed too.
    assert set(consents) == {"INS-1", "INS-2"}
    assert set(consents["INS-1"]) >= {"id", "intervention", "scope", "given_on", "withdrawn_on"}
    assert consents["INS-1"]["withdrawn_on"] is None

    withdraw = api(worker_x).post(
        f"/consents/{consents['INS-1']['id']}/withdraw",
        {"withdrawn_on": TODAY.isoformat(), "note": ""},
    )
    assert withdraw.status_code == 200
    assert withdraw.json()["withdrawn_on"] == TODAY.isoformat()
    with federation_scope(worker_x.federation):
        assert AuditEntry.objects.filter(
            object_type="consent", object_id=str(consents["INS-1"]["id"])
        ).exists()
    assert api(worker_x).get(f"/participants/{pid}").status_code == 404
    assert api(worker_y).get(f"/participants/{pid}").status_code == 200


def test_post_consent_returns_201_with_the_consent(api, worker_x, intervention, federation):
    with federation_scope(federation):
        person = Participant.objects.create(
            is_anonymous=True,
            birth_year=1990,
            gender="man",
            municipality="Osby",
            created_by=worker_x.user,
        )
    response = api(worker_x).post(
        f"/participants/{person.pk}/consents",
        {
            "intervention": "INS-1",
            "scope": "registration",
            "method": "written",
            "given_on": TODAY.isoformat(),
            "personal_number": _number(3),
            "first_name": "Yonas",
            "last_name": "Tesfaye",
        },
    )
    assert response.status_code == 201
    assert response.json()["intervention"] == "INS-1"
    assert response.json()["scope"] == "registration"
    assert api(worker_x).get(f"/participants/{person.pk}").json()["last_name"] == "Tesfaye"


def test_accepting_a_referral_without_consent_is_409_and_writes_nothing(
    api, worker_x, worker_y, federation
):
    pid = _register(api, worker_x, "INS-1", _number()).json()["id"]
    referral = api(worker_x).post(
        "/referrals",
        {
            "participant_id": pid,
            "intervention": "INS-1",
            "reason": "Stöd",
            "referred_on": TODAY.isoformat(),
        },
    )
    assert referral.status_code == 201
    # Withdraw, then try to accept: no consent in force.
    consent_id = api(worker_x).get(f"/participants/{pid}").json()["consents"][0]["id"]
    api(worker_x).post(f"/consents/{consent_id}/withdraw", {"withdrawn_on": TODAY.isoformat()})
    decision = api(worker_x).post(
        f"/referrals/{referral.json()['id']}/decision",
        {"decision": "accept", "start_date": TODAY.isoformat()},
    )
    # The referral is older than the withdrawal, so it is gone from X's view.
    assert decision.status_code == 404
    fresh = api(worker_y).post(
        "/participants",
        {
            "intervention": "INS-2",
            "gender": "man",
            "municipality": "Osby",
            "birth_year": 1980,
        },
    )
    assert fresh.status_code == 201
    with federation_scope(federation):
        assert not Enrolment.objects.filter(participant_id=pid).exists()


def test_referral_decision_for_named_person_without_consent_answers_409(
    api, worker_x, worker_y, federation
):
    pid = _register(api, worker_x, "INS-1", _number()).json()["id"]
    referral = api(worker_y).post(
        "/referrals",
        {
            "participant_id": pid,
            "intervention": "INS-2",
            "reason": "Stöd",
            "referred_on": "2026-11-01",
        },
    )
    # Y cannot see the person at all (no consent for INS-2, no referral yet): 404.
    assert referral.status_code == 404
    with federation_scope(federation):
        from stegvis.participants import services

        person = Participant.objects.get(pk=pid)
        ref = services.referral_create(
            actor=worker_y.user,
            membership=worker_y,
            participant=person,
            intervention=worker_y.interventions.get(),
            reason="Stöd",
            referred_on=TODAY,
        )
    decision = api(worker_y).post(
        f"/referrals/{ref.pk}/decision", {"decision": "accept", "start_date": TODAY.isoformat()}
    )
    assert decision.status_code == 409
    assert "Samtycke saknas" in decision.json()["detail"]
    with federation_scope(federation):
        assert not Enrolment.objects.filter(participant_id=pid).exists()
        ref.refresh_from_db()
        assert ref.status == "pending"


def test_anonymous_registration_without_intervention_is_seen_by_its_registrant(
    api, worker_x, worker_y
):
    response = api(worker_x).post(
        "/participants", {"gender": "man", "municipality": "Osby", "birth_year": 1985}
    )
    assert response.status_code == 201
    pid = response.json()["id"]
    assert response.json()["is_anonymous"] is True
    assert api(worker_x).get(f"/participants/{pid}").status_code == 200
    assert api(worker_y).get(f"/participants/{pid}").status_code == 404


def test_federation_admin_alone_gets_403_on_the_participant_list(api, pure_admin):
    assert api(pure_admin).get("/participants").status_code == 403


def test_registering_a_known_number_outside_scope_discloses_and_overwrites_nothing(
    api, worker_x, worker_y, federation
):
    number = _number()
    pid = _register(api, worker_x, "INS-1", number).json()["id"]
    assert api(worker_y).get(f"/participants/{pid}").status_code == 404
    response = api(worker_y).post(
        "/participants",
        {
            "intervention": "INS-2",
            "gender": "kvinna",
            "municipality": "Malmö",
            "personal_number": number,
            "first_name": "Annan",
            "consent": {"scope": "registration", "method": "written", "given_on": "2026-03-01"},
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == pid
    assert body["first_name"] == "Annan"
    assert body["last_name"] == ""
    assert body["phone"] == ""
    assert body["email"] == ""
    assert body["consents"] == []
    with federation_scope(federation):
        stored = Participant.objects.get(pk=pid)
    assert (stored.first_name, stored.last_name, stored.phone, stored.municipality) == (
        "Amal",
        "Haddad",
        "070-111 11 11",
        "Kristianstad",
    )


def test_age_gender_report_still_counts_a_withdrawn_enrolment(
    api, worker_x, federation, make_member, intervention
):
    from stegvis.participants import services

    pid = _register(api, worker_x, "INS-1", _number()).json()["id"]
    with federation_scope(federation):
        person = Participant.objects.get(pk=pid)
        referral = services.referral_create(
            actor=worker_x.user,
            membership=worker_x,
            participant=person,
            intervention=intervention,
            reason="Stöd",
            referred_on=TODAY - timedelta(days=30),
        )
        services.referral_accept(
            actor=worker_x.user,
            membership=worker_x,
            referral=referral,
            start_date=TODAY - timedelta(days=20),
        )
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lea", interventions=[intervention])
    before = api(lead).get("/reports/age-gender?intervention=INS-1").json()
    consent_id = api(worker_x).get(f"/participants/{pid}").json()["consents"][0]["id"]
    api(worker_x).post(f"/consents/{consent_id}/withdraw", {"withdrawn_on": TODAY.isoformat()})
    after = api(lead).get("/reports/age-gender?intervention=INS-1").json()
    assert after["total"] == before["total"]
    assert after["rows"] == before["rows"]
