"""The referral page takes the decision's date (a decision made on paper last week is registered
with that day): never before the referral, never in the future, today when left empty."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.participants import services
from stegvis.participants.models import Referral

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REFERRED = TODAY - timedelta(days=10)


@pytest.fixture
def referral(scope, admin, intervention, register):
    person = register(intervention)
    return services.referral_create(
        actor=admin.user,
        membership=admin,
        participant=person,
        intervention=intervention,
        reason="Behöver stöd",
        referred_on=REFERRED,
    )


def post(client, federation, referral, **data):
    return client.post(f"/f/{federation.slug}/anvisningar/{referral.pk}/", data)


def test_accept_keeps_the_given_decision_date(scope, federation, admin, login, referral):
    decided = REFERRED + timedelta(days=3)
    response = post(
        login(admin),
        federation,
        referral,
        decision="accept",
        decided_on=decided.isoformat(),
        start_date=TODAY.isoformat(),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == (Referral.Status.ACCEPTED, decided)


def test_the_page_offers_the_date_with_today_filled_in(scope, federation, admin, login, referral):
    page = login(admin).get(f"/f/{federation.slug}/anvisningar/{referral.pk}/").content.decode()
    assert page.count('name="decided_on"') == 3  # accept, waitlist, decline
    assert f'value="{TODAY.isoformat()}"' in page


def test_waitlist_without_a_date_is_decided_today(scope, federation, admin, login, referral):
    response = post(login(admin), federation, referral, decision="waitlist", decided_on="")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == (Referral.Status.WAITLISTED, TODAY)


@pytest.mark.parametrize(
    ("decision", "day", "message"),
    [
        ("decline", REFERRED - timedelta(days=1), "före anvisningsdatumet"),
        ("waitlist", TODAY + timedelta(days=1), "i framtiden"),
        ("accept", TODAY + timedelta(days=1), "i framtiden"),
    ],
)
def test_an_impossible_date_is_refused_on_the_form(
    scope, federation, admin, login, referral, decision, day, message
):
    response = post(
        login(admin),
        federation,
        referral,
        decision=decision,
        decided_on=day.isoformat(),
        decline_reason="Passar inte",
        start_date=TODAY.isoformat(),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == (Referral.Status.PENDING, None)


def test_the_decision_day_itself_may_be_the_referral_day(scope, federation, admin, login, referral):
    response = post(
        login(admin),
        federation,
        referral,
        decision="decline",
        decided_on=REFERRED.isoformat(),
        decline_reason="Passar inte",
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decided_on) == (Referral.Status.DECLINED, REFERRED)
