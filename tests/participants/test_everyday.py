"""Everyday traps in the participant flows: every error at once, empty states."""

from datetime import date

import pytest

from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention

pytestmark = pytest.mark.django_db


def test_exit_form_shows_date_and_reason_errors_together(
    client, admin, intervention, register, enrol
):
    person = register(intervention)
    enrolment = enrol(person, intervention, date(2026, 3, 1))
    client.force_login(admin.user)
    response = client.post(
        f"/f/alfa/deltaganden/{enrolment.pk}/avslut/",
        {"end_date": "2026-02-01", "exit_reason": ""},
    )
    body = response.content.decode()
    assert "Slutdatumet ligger före startdatumet." in body
    assert "Detta fält måste fyllas i." in body
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_waitlist_without_interventions_is_an_empty_list(client, federation, make_member):
    member = make_member(federation, Role.CASE_WORKER, "dora")
    with federation_scope(federation):
        assert not Intervention.objects.exists()
    client.force_login(member.user)
    response = client.get("/f/alfa/vantelista/")
    assert response.status_code == 200
    assert "Ingen står på väntelistan" in response.content.decode()


def test_enrolment_cannot_start_before_its_referral(scope, admin, intervention, register):
    from django.core.exceptions import ValidationError

    from stegvis.participants import services
    from stegvis.participants.models import Referral

    person = register(intervention)
    referral = services.referral_create(
        actor=admin.user,
        membership=admin,
        participant=person,
        intervention=intervention,
        reason="Behöver stöd",
        referred_on=date(2026, 3, 10),
    )
    with pytest.raises(ValidationError) as exc:
        services.referral_accept(
            actor=admin.user, membership=admin, referral=referral, start_date=date(2026, 3, 9)
        )
    assert "start_date" in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING  # the whole decision is undone
    enrolment = services.referral_accept(
        actor=admin.user, membership=admin, referral=referral, start_date=date(2026, 3, 10)
    )
    assert enrolment.start_date == date(2026, 3, 10)
