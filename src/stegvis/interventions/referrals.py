"""Referral from any member authority (SPEC §3): a referrer at AF, FK, a municipality or the
region refers a person to an open intervention of the federation without working in it.

The referrer sees the decision and its reason on his own referrals, and of the person only what
he sent (:class:`~stegvis.interventions.models.ReferralSubmission`); the participant's record
stays with the intervention's staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.crypto import lookup_hash
from stegvis.core.models import Membership
from stegvis.core.personnummer import PersonalNumberError, parse_personal_number
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention, ReferralSubmission
from stegvis.participants import services as participant_services
from stegvis.participants.models import Consent, Participant, Referral


@dataclass
class SentPerson:
    """What the referrer knows and sends about the person."""

    personal_number: str
    first_name: str
    last_name: str
    municipality: str = ""
    born_abroad: bool | None = None


def require_referrer(membership: Membership) -> None:
    if not membership.has_perm(Perm.REFER_PARTICIPANTS):
        raise PermissionDenied("Din roll får inte anvisa till förbundets insatser.")


def open_interventions(day: date | None = None) -> list[Intervention]:
    """Individual interventions that take referrals on ``day`` (default today)."""
    day = day or timezone.localdate()
    candidates = Intervention.objects.filter(kind=Intervention.Kind.INDIVIDUAL).order_by("code")
    return [i for i in candidates if i.is_open_on(day)]


@transaction.atomic
def referral_send(
    *,
    actor,
    membership: Membership,
    intervention: Intervention,
    person: SentPerson,
    consent_method: str,
    consent_given_on: date,
    reason: str,
    referred_on: date,
    planned_start: date | None = None,
    unemployed: bool | None = None,
    income_months: dict | None = None,
    notes: str = "",
) -> Referral:
    """Refer a person: find them by their number or register them, record their consent to
    registration and information sharing for the intervention, and create the referral."""
    require_referrer(membership)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not intervention.is_individual or not intervention.is_open_on(referred_on):
        errors["intervention"] = "Insatsen tar inte emot anvisningar."
    if referred_on > today:
        errors["referred_on"] = "Anvisningsdatumet ligger i framtiden."
    if consent_given_on > today:
        errors["consent_given_on"] = "Samtyckets datum ligger i framtiden."
    if consent_method not in (Consent.Method.WRITTEN, Consent.Method.VERBAL):
        errors["consent_method"] = "Ange hur personen lämnade sitt samtycke."
    if not person.first_name.strip() or not person.last_name.strip():
        errors["first_name" if not person.first_name.strip() else "last_name"] = "Ange namnet."
    try:
        number = parse_personal_number(person.personal_number, today)
    except PersonalNumberError as exc:
        errors["personal_number"] = str(exc)
        number = None
    if errors:
        raise ValidationError(errors)
    digest = lookup_hash(number)
    participant = participant_services.by_number_hash(
        Participant.objects.select_for_update(), digest
    ).first()
    if participant is None:
        participant = Participant(
            created_by=actor,
            personal_number=number.formatted,
            personal_number_hash=digest,
            is_coordination_number=number.is_coordination_number,
            birth_date=number.birth_date,
            birth_year=number.birth_year,
            gender=number.gender,
            first_name=person.first_name.strip(),
            last_name=person.last_name.strip(),
            municipality=person.municipality.strip(),
            born_abroad=person.born_abroad,
        )
        participant.full_clean(exclude=["personal_number_hash"])
        participant.save()
        audit.log(
            actor=actor,
            action=audit.Action.CREATE,
            obj=participant,
            detail={"intervention": intervention.code, "referrer": True},
        )
    # An existing record is never changed by a referrer: he cannot see it.
    participant_services.consent_give(
        actor=actor,
        participant=participant,
        intervention=intervention,
        details=participant_services.ConsentDetails(
            scope=Consent.Scope.SHARING, method=consent_method, given_on=consent_given_on
        ),
    )
    referral = participant_services.referral_create(
        actor=actor,
        membership=None,
        participant=participant,
        intervention=intervention,
        reason=reason,
        referred_on=referred_on,
        planned_start=planned_start,
        referring_authority=membership.authority,
        unemployed=unemployed,
        income_months=income_months,
        notes=notes,
    )
    ReferralSubmission.objects.create(
        referral=referral,
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        birth_year=number.birth_year,
    )
    return referral


def sent_referrals(*, membership: Membership) -> QuerySet[Referral]:
    """The referrals the user sent: the referrer's whole view of the people he referred."""
    require_referrer(membership)
    sent = ReferralSubmission.objects.filter(referral=OuterRef("pk"))
    return (
        Referral.objects.filter(referred_by=membership.user)
        .select_related("intervention", "referring_authority")
        .annotate(
            sent_first_name=Subquery(sent.values("first_name")[:1]),
            sent_last_name=Subquery(sent.values("last_name")[:1]),
            sent_birth_year=Subquery(sent.values("birth_year")[:1]),
        )
        .order_by("-referred_on", "-id")
    )


def sent_referral_get(*, membership: Membership, pk: int) -> Referral:
    referral = get_object_or_404(sent_referrals(membership=membership), pk=pk)
    audit.log(
        actor=membership.user,
        action=audit.Action.READ,
        obj=referral,
        reason="mina anvisningar",
    )
    return referral


def log_sent(*, membership: Membership, referrals) -> None:
    audit.log_reads(actor=membership.user, objects=list(referrals), reason="mina anvisningar")
