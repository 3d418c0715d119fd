"""Transfer between interventions: the person is never without a responsible contact."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions import transfers
from stegvis.interventions.models import Transfer
from stegvis.participants.models import Consent, Enrolment, Referral
from stegvis.plans.models import Meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def receiver(federation, other_intervention, make_member):
    return make_member(federation, Role.CASE_WORKER, "rita", interventions=[other_intervention])


@pytest.fixture
def sending(scope, register, enrol, intervention, case_worker):
    person = register(intervention)
    return enrol(person, intervention, TODAY - timedelta(days=90), main_contact=case_worker)


def propose(case_worker, sending, to, **extra):
    data = {
        "actor": case_worker.user,
        "membership": case_worker,
        "enrolment": sending,
        "to_intervention": to,
        "reason": "Behöver arbetsträning med handledare.",
        "proposed_on": TODAY - timedelta(days=2),
        "consent_method": Consent.Method.WRITTEN,
        "consent_given_on": TODAY - timedelta(days=2),
        **extra,
    }
    return transfers.transfer_propose(**data)


def test_propose_records_consent_and_a_referral(case_worker, sending, other_intervention):
    transfer = propose(case_worker, sending, other_intervention)
    assert transfer.status == Transfer.Status.PROPOSED
    assert transfer.consent.scope == Consent.Scope.SHARING
    assert transfer.consent.intervention == other_intervention
    assert transfer.referral.intervention == other_intervention
    assert transfer.sending_contact == case_worker
    sending.refresh_from_db()
    assert sending.end_date is None  # still responsible until the receiver starts


def test_without_consent_for_the_receiver_it_is_refused(case_worker, sending, other_intervention):
    with pytest.raises(ValidationError) as caught:
        propose(case_worker, sending, other_intervention, consent_method="")
    assert "consent_method" in caught.value.message_dict


def test_an_existing_sharing_consent_is_used(case_worker, sending, other_intervention):
    from stegvis.participants import services as ps

    given = ps.consent_give(
        actor=case_worker.user,
        participant=sending.participant,
        intervention=other_intervention,
        details=ps.ConsentDetails(scope="sharing", method="verbal", given_on=TODAY),
    )
    transfer = propose(case_worker, sending, other_intervention, consent_method="")
    assert transfer.consent == given


def test_receiver_with_future_start_leaves_the_sender_responsible(
    case_worker, receiver, sending, other_intervention
):
    transfer = propose(case_worker, sending, other_intervention)
    start = TODAY + timedelta(days=10)
    transfers.transfer_accept(
        actor=receiver.user,
        membership=receiver,
        transfer=transfer,
        start_date=start,
        receiving_contact=receiver,
    )
    sending.refresh_from_db()
    assert transfer.status == Transfer.Status.ACCEPTED
    assert sending.end_date is None
    assert sending.main_contact == case_worker
    with pytest.raises(ValidationError):
        transfers.transfer_complete(
            actor=case_worker.user, membership=case_worker, transfer=transfer
        )
    # On the start day the sending step may end: on exactly that day, no gap.
    transfers.transfer_complete(
        actor=case_worker.user, membership=case_worker, transfer=transfer, today=start
    )
    sending.refresh_from_db()
    assert sending.end_date == start
    assert sending.exit_reason == "annan_malgrupp"
    receiving = Enrolment.objects.get(intervention=other_intervention)
    assert receiving.main_contact == receiver
    assert receiving.start_date == sending.end_date


def test_receiver_starting_today_ends_the_sending_step_the_same_day(
    case_worker, receiver, sending, other_intervention
):
    transfer = propose(case_worker, sending, other_intervention)
    transfers.transfer_accept(
        actor=receiver.user,
        membership=receiver,
        transfer=transfer,
        start_date=TODAY,
        receiving_contact=receiver,
    )
    sending.refresh_from_db()
    assert transfer.status == Transfer.Status.COMPLETED
    assert sending.end_date == TODAY
    # At every day the person had an active step with a main contact.
    for day in (TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1)):
        active = [
            e
            for e in Enrolment.objects.filter(participant=sending.participant)
            if e.is_active_on(day)
        ]
        assert active, day
        assert all(e.main_contact_id for e in active), day


def test_declined_transfer_keeps_the_person_where_they_are(
    case_worker, receiver, sending, other_intervention
):
    transfer = propose(case_worker, sending, other_intervention)
    transfers.transfer_decline(
        actor=receiver.user, membership=receiver, transfer=transfer, reason="Fullt"
    )
    sending.refresh_from_db()
    assert transfer.status == Transfer.Status.DECLINED
    assert transfer.referral.status == Referral.Status.DECLINED
    assert sending.end_date is None
    assert sending.main_contact == case_worker


def test_only_the_receiving_side_answers(case_worker, sending, other_intervention):
    transfer = propose(case_worker, sending, other_intervention)
    with pytest.raises(PermissionDenied):
        transfers.transfer_accept(
            actor=case_worker.user,
            membership=case_worker,
            transfer=transfer,
            start_date=TODAY,
            receiving_contact=case_worker,
        )


def test_warm_hand_over_meeting_has_both_case_workers(
    case_worker, receiver, sending, other_intervention
):
    transfer = propose(case_worker, sending, other_intervention, receiving_contact=receiver)
    meeting = transfers.transfer_meeting_book(
        actor=case_worker.user, membership=case_worker, transfer=transfer, held_on=TODAY
    )
    assert meeting.kind == Meeting.Kind.TRIPARTITE
    assert set(meeting.attendees.all()) == {case_worker, receiver}
    assert meeting.participant_present


def test_between_steps_and_without_step(
    case_worker, receiver, admin, sending, other_intervention, register, enrol, intervention
):
    transfer = propose(case_worker, sending, other_intervention)
    assert transfers.between_steps(membership=receiver) == [transfer]
    assert transfers.between_steps(membership=case_worker) == [transfer]
    # Someone who left for another intervention and has nothing now.
    from stegvis.participants import services as ps

    lost = register(intervention, personal_number=None, first_name="Lost")
    step = enrol(lost, intervention, TODAY - timedelta(days=200))
    ps.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=step,
        end_date=TODAY - timedelta(days=20),
        exit_reason="annan_malgrupp",
    )
    assert transfers.without_step(membership=case_worker, today=TODAY) == [lost]
    assert transfers.without_step(membership=receiver, today=TODAY) == []


def test_pages_for_both_sides_and_404_outside(
    login, federation, case_worker, receiver, sending, other_intervention, outsider, make_member
):
    with federation_scope(federation):
        transfer = propose(case_worker, sending, other_intervention)
    base = f"/f/{federation.slug}"
    page = login(case_worker).get(f"{base}/overlamningar/")
    assert "Mellan två steg" in page.content.decode()
    detail = login(receiver).get(f"{base}/overlamningar/{transfer.pk}/")
    assert detail.status_code == 200
    assert "Ta emot" in detail.content.decode()
    response = login(receiver).post(
        f"{base}/overlamningar/{transfer.pk}/",
        {
            "action": "accept",
            "ta-start_date": TODAY.isoformat(),
            "ta-receiving_contact": receiver.pk,
        },
    )
    assert response.status_code == 302
    with federation_scope(federation):
        transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.COMPLETED
    bystander = make_member(federation, Role.CASE_WORKER, "berit")
    assert login(bystander).get(f"{base}/overlamningar/{transfer.pk}/").status_code == 404
    assert login(outsider).get(f"{base}/overlamningar/{transfer.pk}/").status_code == 404
