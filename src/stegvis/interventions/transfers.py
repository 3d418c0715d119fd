"""Transfer (överlämning) between interventions and authorities as one flow.

The sending case worker proposes: the receiving intervention, the reason and the person's
consent to information sharing with it. The receiving side accepts with a start date and a
receiving case worker, or declines. A warm hand-over meeting (trepartssamtal) brings the person
and both case workers together. The sending enrolment ends only on the day the receiving one
starts, so the person is never without a responsible contact; until then, and while the
receiver has not accepted, the person keeps the sending step.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stegvis.core import audit, reference
from stegvis.core.models import Membership
from stegvis.interventions.models import Intervention, Transfer
from stegvis.participants import services as participant_services
from stegvis.participants.access import (
    intervention_ids_in_scope,
    require_intervention_in_scope,
    require_personal_data,
)
from stegvis.participants.models import Consent, Enrolment, Participant
from stegvis.participants.selectors import participants_in_scope

A = audit.Action
# The exit reason of a step the person left for another intervention.
TRANSFER_EXIT_REASON = "annan_malgrupp"


def _exit_reason() -> str:
    keys = reference.keys(reference.Kind.EXIT_REASON)
    if TRANSFER_EXIT_REASON in keys:
        return TRANSFER_EXIT_REASON
    if "annat" in keys:
        return "annat"
    raise ValidationError("Förbundets avslutsorsaker saknar en orsak för byte av insats.")


def _sharing_consent(participant: Participant, intervention: Intervention) -> Consent | None:
    return (
        Consent.objects.filter(
            participant=participant,
            intervention=intervention,
            scope=Consent.Scope.SHARING,
            withdrawn_on__isnull=True,
        )
        .order_by("-given_on", "-id")
        .first()
    )


def _in_either(membership: Membership, transfer: Transfer) -> None:
    ids = intervention_ids_in_scope(membership)
    if (
        transfer.from_enrolment.intervention_id not in ids
        and transfer.to_intervention_id not in ids
    ):
        raise PermissionDenied("Du arbetar inte i någon av insatserna.")


@transaction.atomic
def transfer_propose(
    *,
    actor,
    membership: Membership,
    enrolment: Enrolment,
    to_intervention: Intervention,
    reason: str,
    proposed_on: date,
    planned_start: date | None = None,
    receiving_contact: Membership | None = None,
    consent_method: str = "",
    consent_given_on: date | None = None,
) -> Transfer:
    """Propose a transfer. Needs the person's consent to sharing with the receiving
    intervention: an active one on record, or one given now (``consent_method``)."""
    require_intervention_in_scope(membership, enrolment.intervention)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if enrolment.end_date is not None:
        errors["enrolment"] = "Deltagandet är redan avslutat."
    if to_intervention.pk == enrolment.intervention_id:
        errors["to_intervention"] = "Välj en annan insats än den personen är i."
    elif not to_intervention.is_individual or not to_intervention.is_open_on(proposed_on):
        errors["to_intervention"] = "Insatsen tar inte emot anvisningar."
    if not reason.strip():
        errors["reason"] = "Ange skälet till överlämningen."
    if proposed_on > today:
        errors["proposed_on"] = "Datumet ligger i framtiden."
    elif proposed_on < enrolment.start_date:
        errors["proposed_on"] = "Datumet ligger före deltagandets start."
    if planned_start and planned_start < proposed_on:
        errors["planned_start"] = "Planerad start ligger före överlämningens datum."
    if Transfer.objects.filter(from_enrolment=enrolment, status__in=Transfer.OPEN).exists():
        errors["to_intervention"] = "Deltagandet har redan en pågående överlämning."
    if (
        receiving_contact is not None
        and not receiving_contact.interventions.filter(pk=to_intervention.pk).exists()
    ):
        errors["receiving_contact"] = "Mottagaren arbetar inte i den mottagande insatsen."
    consent = None if errors else _sharing_consent(enrolment.participant, to_intervention)
    if not errors and consent is None:
        if consent_method not in (Consent.Method.WRITTEN, Consent.Method.VERBAL):
            errors["consent_method"] = (
                "Personen behöver samtycka till informationsutbyte med den mottagande insatsen."
            )
        elif consent_given_on is None or consent_given_on > today:
            errors["consent_given_on"] = "Ange samtyckets datum (inte i framtiden)."
    if errors:
        raise ValidationError(errors)
    if consent is None:
        consent = participant_services.consent_give(
            actor=actor,
            participant=enrolment.participant,
            intervention=to_intervention,
            details=participant_services.ConsentDetails(
                scope=Consent.Scope.SHARING, method=consent_method, given_on=consent_given_on
            ),
        )
    referral = participant_services.referral_create(
        actor=actor,
        membership=None,
        participant=enrolment.participant,
        intervention=to_intervention,
        reason=reason,
        referred_on=proposed_on,
        planned_start=planned_start,
        referring_authority=membership.authority,
        unemployed=None,
        notes="Överlämning från " + enrolment.intervention.name,
    )
    transfer = Transfer.objects.create(
        participant=enrolment.participant,
        from_enrolment=enrolment,
        to_intervention=to_intervention,
        referral=referral,
        sending_contact=enrolment.main_contact or membership,
        receiving_contact=receiving_contact,
        reason=reason,
        consent=consent,
        proposed_on=proposed_on,
        planned_start=planned_start,
        created_by=actor,
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=transfer,
        detail={"participant": enrolment.participant_id, "to": to_intervention.code},
    )
    return transfer


@transaction.atomic
def transfer_accept(
    *,
    actor,
    membership: Membership,
    transfer: Transfer,
    start_date: date,
    receiving_contact: Membership,
    decided_on: date | None = None,
) -> Transfer:
    """The receiver accepts: a new enrolment with its own main contact. The sending step ends
    on the start day if that day has come, otherwise it stays until then."""
    require_intervention_in_scope(membership, transfer.to_intervention)
    if transfer.status != Transfer.Status.PROPOSED:
        raise ValidationError("Överlämningen är redan besvarad.")
    sending = transfer.from_enrolment
    if start_date < sending.start_date:
        raise ValidationError(
            {"start_date": "Starten ligger före det tidigare deltagandets start."}
        )
    if receiving_contact is None:
        raise ValidationError({"receiving_contact": "Välj mottagande handläggare."})
    if not receiving_contact.interventions.filter(pk=transfer.to_intervention_id).exists():
        raise ValidationError(
            {"receiving_contact": "Mottagaren arbetar inte i den mottagande insatsen."}
        )
    enrolment = participant_services.referral_accept(
        actor=actor,
        membership=membership,
        referral=transfer.referral,
        start_date=start_date,
        main_contact=receiving_contact,
        income_sources_before=list(sending.income_sources_before),
        af_code_before=sending.af_code_before,
        education_level=sending.education_level,
        time_outside=sending.time_outside,
        decided_on=decided_on,
    )
    transfer.status = Transfer.Status.ACCEPTED
    transfer.to_enrolment = enrolment
    transfer.receiving_contact = receiving_contact
    transfer.decided_on = transfer.referral.decided_on
    transfer.save()
    audit.log(actor=actor, action=A.UPDATE, obj=transfer, detail={"status": transfer.status})
    if start_date <= timezone.localdate():
        _complete(actor, transfer)
    return transfer


@transaction.atomic
def transfer_decline(*, actor, membership: Membership, transfer: Transfer, reason: str) -> Transfer:
    """The receiver declines; the person stays in the sending step with the same contact."""
    require_intervention_in_scope(membership, transfer.to_intervention)
    if transfer.status != Transfer.Status.PROPOSED:
        raise ValidationError("Överlämningen är redan besvarad.")
    participant_services.referral_decline(
        actor=actor, membership=membership, referral=transfer.referral, reason=reason
    )
    transfer.status = Transfer.Status.DECLINED
    transfer.decided_on = transfer.referral.decided_on
    transfer.decline_reason = reason.strip()[:300]
    transfer.save()
    audit.log(actor=actor, action=A.UPDATE, obj=transfer, detail={"status": transfer.status})
    return transfer


def _complete(actor, transfer: Transfer) -> None:
    sending = transfer.from_enrolment
    receiving = transfer.to_enrolment
    if sending.end_date is None:
        participant_services.enrolment_exit(
            actor=actor,
            membership=None,
            enrolment=sending,
            end_date=max(receiving.start_date, sending.start_date),
            exit_reason=_exit_reason(),
            income_sources_after=list(sending.income_sources_before),
            af_code_after=sending.af_code_before,
            note=f"Överlämnad till {transfer.to_intervention.name}",
        )
    transfer.status = Transfer.Status.COMPLETED
    transfer.completed_on = receiving.start_date
    transfer.save(update_fields=["status", "completed_on"])
    audit.log(actor=actor, action=A.UPDATE, obj=transfer, detail={"status": transfer.status})


@transaction.atomic
def transfer_complete(
    *, actor, membership: Membership, transfer: Transfer, today: date | None = None
) -> Transfer:
    """End the sending step once the receiving one has started."""
    _in_either(membership, transfer)
    if transfer.status != Transfer.Status.ACCEPTED:
        raise ValidationError("Överlämningen är inte mottagen, eller redan genomförd.")
    today = today or timezone.localdate()
    if transfer.to_enrolment.start_date > today:
        raise ValidationError(
            "Det nya deltagandet har inte startat. Personen har kvar sin kontakt här till dess."
        )
    _complete(actor, transfer)
    return transfer


@transaction.atomic
def transfer_meeting_book(
    *,
    actor,
    membership: Membership,
    transfer: Transfer,
    held_on: date,
    participant_present: bool = True,
    notes: str = "",
):
    """A warm hand-over: a three-party meeting with the person and both case workers."""
    from stegvis.plans.models import Meeting

    _in_either(membership, transfer)
    if not transfer.is_open:
        raise ValidationError("Överlämningen är avslutad.")
    if held_on < transfer.proposed_on:
        raise ValidationError({"held_on": "Mötet ligger före överlämningen."})
    meeting = Meeting.objects.create(
        enrolment=transfer.from_enrolment,
        kind=Meeting.Kind.TRIPARTITE,
        held_on=held_on,
        participant_present=participant_present,
        notes=notes,
        other_attendees="Överlämning till " + transfer.to_intervention.name,
        created_by=actor,
    )
    attendees = [m for m in (transfer.sending_contact, transfer.receiving_contact, membership) if m]
    meeting.attendees.set({m.pk: m for m in attendees}.values())
    authorities = [
        a
        for a in (
            transfer.from_enrolment.intervention.owner_authority,
            transfer.to_intervention.owner_authority,
        )
        if a is not None
    ]
    meeting.authorities.set({a.pk: a for a in authorities}.values())
    transfer.meeting = meeting
    transfer.save(update_fields=["meeting"])
    audit.log(actor=actor, action=A.UPDATE, obj=transfer, detail={"meeting": meeting.pk})
    return meeting


# --- Reads ---------------------------------------------------------------------------------


def transfers_in_scope(membership: Membership) -> QuerySet[Transfer]:
    require_personal_data(membership)
    ids = intervention_ids_in_scope(membership)
    return Transfer.objects.filter(
        Q(from_enrolment__intervention_id__in=ids) | Q(to_intervention_id__in=ids)
    ).select_related(
        "participant",
        "from_enrolment__intervention",
        "from_enrolment__main_contact__user",
        "to_intervention",
        "to_enrolment",
        "sending_contact__user",
        "receiving_contact__user",
        "meeting",
    )


def transfer_get(*, membership: Membership, pk: int) -> Transfer:
    transfer = get_object_or_404(transfers_in_scope(membership), pk=pk)
    audit.log(actor=membership.user, action=A.READ, obj=transfer.participant, reason="överlämning")
    return transfer


def between_steps(*, membership: Membership) -> list[Transfer]:
    """People between two steps: transfers proposed or accepted, not yet completed."""
    return list(
        transfers_in_scope(membership)
        .filter(status__in=Transfer.OPEN)
        .order_by("proposed_on", "id")
    )


def without_step(*, membership: Membership, today: date) -> list[Participant]:
    """People who left a step for another intervention and have no step now or ahead: no
    active enrolment, and no final exit either."""
    active = Enrolment.objects.filter(participant=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    latest_end = (
        Enrolment.objects.filter(participant=OuterRef("pk"), end_date__isnull=False)
        .order_by("-end_date", "-id")
        .values("exit_reason")[:1]
    )
    people = (
        participants_in_scope(membership)
        .annotate(latest_exit=latest_end)
        .filter(~Exists(active), latest_exit=TRANSFER_EXIT_REASON)
        .order_by(*Participant.LIST_ORDER)
    )
    return list(people[:200])
