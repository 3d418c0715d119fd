"""A referrer at a member authority refers a person, sees the decision and its reason, and
sees no more of the person than he sent."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.core.models import Authority
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions import referrals
from stegvis.interventions.models import Intervention
from stegvis.participants import services as ps
from stegvis.participants.models import Consent, Participant, Referral

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NUMBER = generate_personal_number(random.Random(3), date(1995, 3, 14), "kvinna")


@pytest.fixture
def fk(scope):
    return Authority.objects.create(kind="fk", name="Försäkringskassan")


@pytest.fixture
def referrer(federation, fk, make_member):
    return make_member(federation, Role.REFERRER, "rut", authority=fk)


@pytest.fixture
def other_referrer(federation, make_member):
    return make_member(federation, Role.REFERRER, "ragnar")


def send(referrer, intervention, number=NUMBER, **extra):
    data = {
        "actor": referrer.user,
        "membership": referrer,
        "intervention": intervention,
        "person": referrals.SentPerson(
            personal_number=number,
            first_name="Maja",
            last_name="Berg",
            municipality="Osby",
            born_abroad=False,
        ),
        "consent_method": Consent.Method.WRITTEN,
        "consent_given_on": TODAY,
        "reason": "Långvarigt sjukskriven, behöver samordnat stöd.",
        "referred_on": TODAY,
        **extra,
    }
    return referrals.referral_send(**data)


def test_referrer_refers_with_consent_and_his_authority(scope, referrer, intervention, fk):
    referral = send(referrer, intervention)
    assert referral.status == Referral.Status.PENDING
    assert referral.referring_authority == fk
    assert referral.referred_by == referrer.user
    consent = Consent.objects.get(participant=referral.participant)
    assert (consent.scope, consent.intervention) == (Consent.Scope.SHARING, intervention)
    assert referral.submissions.get().first_name == "Maja"


def test_an_existing_person_is_linked_and_never_changed(scope, referrer, intervention, register):
    known = register(intervention, personal_number=NUMBER, first_name="Majken", last_name="Ek")
    referral = send(referrer, intervention, planned_start=TODAY + timedelta(days=3))
    assert referral.participant == known
    known.refresh_from_db()
    assert (known.first_name, known.last_name) == ("Majken", "Ek")
    assert Participant.objects.count() == 1
    # What the referrer sees is what he sent, not the record.
    assert str(referral.submissions.get()) == "Maja Berg"
    sent = referrals.sent_referral_get(membership=referrer, pk=referral.pk)
    assert (sent.sent_first_name, sent.sent_last_name) == ("Maja", "Berg")


def test_closed_or_structural_intervention_is_refused(scope, referrer, intervention):
    intervention.closed_on = TODAY
    intervention.save()
    with pytest.raises(ValidationError) as caught:
        send(referrer, intervention)
    assert "intervention" in caught.value.message_dict
    structural = Intervention.objects.create(code="STR", name="S", kind="structural")
    with pytest.raises(ValidationError):
        send(referrer, structural)
    assert intervention not in referrals.open_interventions(TODAY)
    assert intervention in referrals.open_interventions(TODAY - timedelta(days=1))


def test_future_referral_date_and_bad_number_are_named(scope, referrer, intervention):
    with pytest.raises(ValidationError) as caught:
        send(referrer, intervention, referred_on=TODAY + timedelta(days=1), number="19900230-1234")
    assert {"referred_on", "personal_number"} <= set(caught.value.message_dict)


def test_only_referrers_may_send(scope, case_worker, intervention):
    with pytest.raises(PermissionDenied):
        send(case_worker, intervention)


def test_referrer_sees_only_his_own_referrals_with_decision_and_reason(
    scope, referrer, other_referrer, intervention, admin
):
    mine = send(referrer, intervention)
    send(
        other_referrer,
        intervention,
        number=generate_personal_number(random.Random(4), date(1980, 1, 2), "man"),
    )
    assert list(referrals.sent_referrals(membership=referrer)) == [mine]
    ps.referral_decline(
        actor=admin.user, membership=admin, referral=mine, reason="Passar bättre i UNG."
    )
    seen = referrals.sent_referral_get(membership=referrer, pk=mine.pk)
    assert seen.status == Referral.Status.DECLINED
    assert seen.decline_reason == "Passar bättre i UNG."


def test_pages_referrer_view_is_limited(login, federation, referrer, other_referrer, intervention):
    with federation_scope(federation):
        mine = send(referrer, intervention)
        other = send(
            other_referrer,
            intervention,
            number=generate_personal_number(random.Random(5), date(1970, 5, 5), "man"),
        )
    client = login(referrer)
    base = f"/f/{federation.slug}"
    listing = client.get(f"{base}/mina-anvisningar/")
    assert listing.status_code == 200
    assert "Maja Berg" in listing.content.decode()
    assert client.get(f"{base}/mina-anvisningar/{mine.pk}/").status_code == 200
    assert client.get(f"{base}/mina-anvisningar/{other.pk}/").status_code == 404
    # The person's record, the staff's referral page and the caseload are not his.
    assert client.get(f"{base}/deltagare/{mine.participant_id}/").status_code == 404
    assert client.get(f"{base}/anvisningar/{mine.pk}/").status_code == 403
    assert client.get(f"{base}/deltagare/").status_code == 403


def test_api_participant_is_404_for_a_referrer(api, scope, referrer, intervention):
    mine = send(referrer, intervention)
    assert api(referrer).get(f"/participants/{mine.participant_id}").status_code == 404
    assert api(referrer).get("/referrals").status_code == 403


def test_outsider_gets_404_on_the_referrers_pages(login, outsider, federation):
    assert login(outsider).get(f"/f/{federation.slug}/mina-anvisningar/").status_code == 404


def test_web_form_sends_and_shows_rules(login, federation, referrer, intervention):
    with federation_scope(federation):
        intervention.eligibility_rules = [{"type": "age", "min": 18, "max": 64}]
        intervention.save()
    client = login(referrer)
    url = f"/f/{federation.slug}/mina-anvisningar/ny/"
    page = client.get(url)
    assert "Ålder 18–64 år vid start" in page.content.decode()
    response = client.post(
        url,
        {
            "intervention": intervention.pk,
            "personal_number": NUMBER,
            "first_name": "Maja",
            "last_name": "Berg",
            "born_abroad": "unknown",
            "unemployed": "true",
            "reason": "Behöver stöd",
            "referred_on": TODAY.isoformat(),
            "consent_method": "verbal",
            "consent_given_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()
    with federation_scope(federation):
        referral = Referral.objects.get()
    assert response["Location"].endswith(f"/mina-anvisningar/{referral.pk}/")
    assert referral.eligible is True
