"""POST /api/v1/referrals/{id}/decision takes an optional decided_on (default today), never
before the referral and never in the future."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REFERRED = TODAY - timedelta(days=10)


@pytest.fixture
def referral_id(api, case_worker, intervention):
    caller = api(case_worker)
    created = caller.post(
        "/participants",
        {
            "intervention": "INS-1",
            "gender": "man",
            "municipality": "Lund",
            "personal_number": "19121212-1212",
            "first_name": "Test",
            "last_name": "Testsson",
            "consent": {"method": "written", "given_on": REFERRED.isoformat()},
        },
    )
    referral = caller.post(
        "/referrals",
        {
            "participant_id": created.json()["id"],
            "intervention": "INS-1",
            "reason": "Behöver stöd",
            "referred_on": REFERRED.isoformat(),
        },
    )
    return referral.json()["id"]


def decide(api, member, rid, **body):
    return api(member).post(f"/referrals/{rid}/decision", body)


def test_decided_on_is_kept(api, case_worker, referral_id):
    response = decide(
        api,
        case_worker,
        referral_id,
        decision="accept",
        start_date=TODAY.isoformat(),
        decided_on=(REFERRED + timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 200
    assert response.json()["decided_on"] == (REFERRED + timedelta(days=3)).isoformat()


def test_decision_on_the_referral_day_is_allowed(api, case_worker, referral_id):
    response = decide(
        api, case_worker, referral_id, decision="waitlist", decided_on=REFERRED.isoformat()
    )
    assert response.status_code == 200
    assert response.json()["decided_on"] == REFERRED.isoformat()


def test_without_decided_on_it_is_today(api, case_worker, referral_id):
    response = decide(api, case_worker, referral_id, decision="decline", decline_reason="Fullt")
    assert response.json()["decided_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "day", [REFERRED - timedelta(days=1), TODAY + timedelta(days=1)], ids=["before", "future"]
)
def test_decided_on_outside_the_allowed_days_is_400(api, case_worker, referral_id, day):
    response = decide(
        api,
        case_worker,
        referral_id,
        decision="decline",
        decline_reason="Fullt",
        decided_on=day.isoformat(),
    )
    assert response.status_code == 400
    assert "decided_on" in response.json()["detail"]
    again = decide(api, case_worker, referral_id, decision="decline", decline_reason="Fullt")
    assert again.status_code == 200  # nothing was decided by the refused call


def test_outsider_gets_404(api, outsider, referral_id):
    assert decide(api, outsider, referral_id, decision="waitlist").status_code == 404
