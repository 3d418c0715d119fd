"""Participants, referrals and enrolments over the API, through the same selectors and
services as the web pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from stegvis.api.base import ERRORS, MAX_OFFSET, ObjectId, PathId, Year, paginate
from stegvis.core.roles import Perm
from stegvis.participants import selectors, services
from stegvis.participants.access import interventions_in_scope, require_personal_data
from stegvis.participants.models import Consent

router = Router(tags=["deltagare"])


class ConsentOut(Schema):
    id: int
    intervention: str = Field(..., alias="intervention.code")
    scope: str
    method: str
    given_on: date
    withdrawn_on: date | None


class ParticipantOut(Schema):
    id: int
    reference: str
    is_anonymous: bool
    protected_identity: bool
    gender: str
    birth_year: int
    municipality: str
    first_name: str
    last_name: str
    personal_number: str
    born_abroad: bool | None
    country_of_birth: str
    arrival_year: int | None
    languages: list[str]
    interpreter_needed: bool
    interpreter_language: str
    education_level: str
    phone: str
    email: str
    consents: list[ConsentOut] = []

    # A protected identity's name and number are for the main contact alone.
    @staticmethod
    def resolve_first_name(obj) -> str:
        return "" if obj.identity_masked else obj.first_name

    @staticmethod
    def resolve_last_name(obj) -> str:
        return "" if obj.identity_masked else obj.last_name

    @staticmethod
    def resolve_personal_number(obj) -> str:
        return "" if obj.identity_masked else obj.personal_number

    @staticmethod
    def resolve_consents(obj, context) -> list:
        membership = getattr(context["request"], "membership", None)
        if obj.pk is None or membership is None or getattr(obj, "is_echo", False):
            return []
        return selectors.visible_consents(obj, membership)


class ParticipantList(Schema):
    items: list[ParticipantOut]
    count: int


class ConsentIn(Schema):
    scope: str = Field(Consent.Scope.SHARING, description="registration | sharing")
    method: str = Field(..., description="written | verbal")
    given_on: date
    language: str = "sv"
    witnessed_by: str = ""


class ParticipantIn(Schema):
    intervention: str | None = Field(
        None, description="Insatsens kod (krävs med samtycke; anonym registrering utan)"
    )
    gender: str
    municipality: str
    consent: ConsentIn | None = Field(None, description="Utan samtycke: anonym registrering")
    personal_number: str = ""
    birth_year: Year | None = None
    first_name: str = ""
    last_name: str = ""
    born_abroad: bool | None = None
    country_of_birth: str = ""
    arrival_year: Year | None = None
    languages: list[str] = []
    interpreter_needed: bool = False
    interpreter_language: str = ""
    education_level: str = ""
    phone: str = ""
    email: str = ""
    protected_identity: bool = False


class ParticipantFilters(Schema):
    intervention: str | None = Field(None, description="Insatskod")
    q: str | None = Field(
        None, description="Sök på namn, D-nummer (D-000123) eller exakt personnummer"
    )
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _intervention_by_code(request, code: str):
    return get_object_or_404(interventions_in_scope(request.membership), code=code)


@router.get("/participants", response={200: ParticipantList, **ERRORS})
def list_participants(request, filters: Query[ParticipantFilters]):
    membership = request.membership
    require_personal_data(membership)
    intervention_id = None
    if filters.intervention:
        intervention_id = _intervention_by_code(request, filters.intervention).pk
    qs = selectors.participants_list(
        membership=membership, query=filters.q or "", intervention_id=intervention_id
    )
    items, count = paginate(qs, filters.limit, filters.offset)
    selectors.prime_people(items)
    selectors.log_listed(membership=membership, participants=items, reason="api")
    return {"items": items, "count": count}


@router.get("/participants/{participant_id}", response={200: ParticipantOut, **ERRORS})
def get_participant(request, participant_id: PathId):
    return selectors.participant_get(membership=request.membership, pk=participant_id, reason="api")


@router.post("/participants", response={201: ParticipantOut, 200: ParticipantOut, **ERRORS})
def create_participant(request, payload: ParticipantIn):
    membership = request.membership
    require_personal_data(membership)
    if not membership.has_perm(Perm.REGISTER_PARTICIPANTS):
        raise PermissionDenied("Din roll kan inte registrera deltagare.")
    intervention = (
        _intervention_by_code(request, payload.intervention) if payload.intervention else None
    )
    data = payload.dict()
    consent = data.pop("consent")
    data.pop("intervention")
    details = services.PersonDetails(**data)
    participant, created = services.participant_register(
        actor=request.user,
        membership=membership,
        intervention=intervention,
        details=details,
        consent=services.ConsentDetails(**consent) if consent else None,
    )
    if not created and not participant.is_anonymous:
        # Found again by number: answer no more than the caller supplied.
        echo = services.registration_echo(participant, details)
        echo.is_echo = True
        return Status(200, echo)
    selectors.reveal_identity(participant, membership)
    return Status(201, participant)


class ConsentCreateIn(Schema):
    intervention: str = Field(..., description="Insatsens kod")
    scope: Literal["registration", "sharing"]
    method: Literal["written", "verbal"]
    given_on: date
    language: str = "sv"
    witnessed_by: str = Field("", max_length=120)
    personal_number: str = Field(
        "", description="För en anonym registrering som blir namngiven med samtycket"
    )
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)


class WithdrawIn(Schema):
    withdrawn_on: date
    note: str = Field("", max_length=300)


@router.post("/participants/{participant_id}/consents", response={201: ConsentOut, **ERRORS})
def create_consent(request, participant_id: PathId, payload: ConsentCreateIn):
    membership = request.membership
    participant = selectors.participant_get(membership=membership, pk=participant_id, reason="api")
    consent = services.consent_record(
        actor=request.user,
        membership=membership,
        participant=participant,
        intervention=_intervention_by_code(request, payload.intervention),
        details=services.ConsentDetails(
            scope=payload.scope,
            method=payload.method,
            given_on=payload.given_on,
            language=payload.language,
            witnessed_by=payload.witnessed_by,
        ),
        personal_number=payload.personal_number,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    return Status(201, consent)


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, **ERRORS})
def withdraw_consent(request, consent_id: PathId, payload: WithdrawIn):
    membership = request.membership
    consent = selectors.consent_get(membership=membership, pk=consent_id)
    services.consent_withdraw(
        actor=request.user,
        consent=consent,
        withdrawn_on=payload.withdrawn_on,
        note=payload.note,
    )
    consent.refresh_from_db()
    return consent


class ReferralOut(Schema):
    id: int
    participant_id: int
    intervention: str = Field(..., alias="intervention.code")
    referred_on: date
    planned_start: date | None
    reason: str
    status: str
    eligible: bool | None
    eligibility: list[dict]
    waitlist_position: int | None
    decided_on: date | None
    decline_reason: str


class ReferralList(Schema):
    items: list[ReferralOut]
    count: int


class ReferralIn(Schema):
    participant_id: ObjectId
    intervention: str
    reason: str
    referred_on: date
    planned_start: date | None = None
    unemployed: bool | None = None
    income_months: dict[str, Annotated[int, Field(ge=0, le=120)]] = {}
    notes: str = ""


class DecisionIn(Schema):
    decision: str = Field(..., description="accept | waitlist | decline")
    start_date: date | None = None
    decline_reason: str = ""
    income_sources_before: list[str] = []
    af_code_before: str = ""
    decided_on: date | None = Field(
        None, description="Beslutsdatum (ÅÅÅÅ-MM-DD); utan: i dag. Inte före anvisningen."
    )


class ReferralFilters(Schema):
    intervention: str | None = None
    status: Literal["pending", "accepted", "waitlisted", "declined"] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _referrals(request):
    return selectors.referrals_in_scope(request.membership).select_related("intervention")


@router.get("/referrals", response={200: ReferralList, **ERRORS})
def list_referrals(request, filters: Query[ReferralFilters]):
    qs = _referrals(request).order_by("-referred_on", "-id")
    if filters.intervention:
        qs = qs.filter(intervention__code=filters.intervention)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, count = paginate(qs, filters.limit, filters.offset)
    selectors.log_listed(
        membership=request.membership, participants=[r.participant for r in items], reason="api"
    )
    return {"items": items, "count": count}


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **ERRORS})
def get_referral(request, referral_id: PathId):
    return selectors.referral_get(membership=request.membership, pk=referral_id)


@router.post("/referrals", response={201: ReferralOut, **ERRORS})
def create_referral(request, payload: ReferralIn):
    membership = request.membership
    participant = selectors.participant_get(
        membership=membership, pk=payload.participant_id, reason="api"
    )
    referral = services.referral_create(
        actor=request.user,
        membership=membership,
        participant=participant,
        intervention=_intervention_by_code(request, payload.intervention),
        reason=payload.reason,
        referred_on=payload.referred_on,
        planned_start=payload.planned_start,
        unemployed=payload.unemployed,
        income_months=payload.income_months,
        notes=payload.notes,
    )
    return Status(201, referral)


@router.post("/referrals/{referral_id}/decision", response={200: ReferralOut, **ERRORS})
def decide_referral(request, referral_id: PathId, payload: DecisionIn):
    from django.core.exceptions import ValidationError

    membership = request.membership
    referral = selectors.referral_get(membership=membership, pk=referral_id)
    if payload.decision == "accept":
        if payload.start_date is None:
            raise ValidationError({"start_date": "Ange startdatum."})
        services.referral_accept(
            actor=request.user,
            membership=membership,
            referral=referral,
            start_date=payload.start_date,
            main_contact=membership,
            income_sources_before=payload.income_sources_before,
            af_code_before=payload.af_code_before,
            decided_on=payload.decided_on,
        )
    elif payload.decision == "waitlist":
        services.referral_waitlist(
            actor=request.user,
            membership=membership,
            referral=referral,
            decided_on=payload.decided_on,
        )
    elif payload.decision == "decline":
        services.referral_decline(
            actor=request.user,
            membership=membership,
            referral=referral,
            reason=payload.decline_reason,
            decided_on=payload.decided_on,
        )
    else:
        raise ValidationError({"decision": "Välj accept, waitlist eller decline."})
    referral.refresh_from_db()
    return referral


class EnrolmentOut(Schema):
    id: int
    participant_id: int
    intervention: str = Field(..., alias="intervention.code")
    start_date: date
    end_date: date | None
    exit_reason: str
    main_contact_id: int | None
    income_sources_before: list[str]
    income_sources_after: list[str]
    af_code_before: str
    af_code_after: str
    time_outside: str
    education_level: str


class EnrolmentList(Schema):
    items: list[EnrolmentOut]
    count: int


class EnrolmentFilters(Schema):
    intervention: str | None = None
    active: bool | None = Field(None, description="true: pågående, false: avslutade")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ExitIn(Schema):
    end_date: date
    exit_reason: str
    income_sources_after: list[str] = []
    af_code_after: str = ""
    note: str = ""


@router.get("/enrolments", response={200: EnrolmentList, **ERRORS})
def list_enrolments(request, filters: Query[EnrolmentFilters]):
    membership = request.membership
    qs = (
        selectors.enrolments_in_scope(membership)
        .select_related("intervention", "participant")
        .order_by("-start_date", "-id")
    )
    if filters.intervention:
        qs = qs.filter(intervention__code=filters.intervention)
    if filters.active is not None:
        qs = qs.filter(end_date__isnull=filters.active)
    items, count = paginate(qs, filters.limit, filters.offset)
    selectors.log_listed(
        membership=membership, participants=[e.participant for e in items], reason="api"
    )
    return {"items": items, "count": count}


@router.get("/enrolments/{enrolment_id}", response={200: EnrolmentOut, **ERRORS})
def get_enrolment(request, enrolment_id: PathId):
    return selectors.enrolment_get(membership=request.membership, pk=enrolment_id)


@router.post("/enrolments/{enrolment_id}/exit", response={200: EnrolmentOut, **ERRORS})
def exit_enrolment(request, enrolment_id: PathId, payload: ExitIn):
    enrolment = selectors.enrolment_get(membership=request.membership, pk=enrolment_id)
    return services.enrolment_exit(
        actor=request.user,
        membership=request.membership,
        enrolment=enrolment,
        **payload.dict(),
    )
