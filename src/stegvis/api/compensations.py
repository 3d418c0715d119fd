"""Compensations to associations and corrections of frozen attendance over the API, through the
same selectors and services as the web pages (a finance system reads what to pay and settles
what it paid).

As on the web, those who manage activities or approve compensations read them; only those who
approve correct attendance behind an approved or paid compensation and mark a correction
settled. Places are named by number only, never by person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from stegvis.activities import selectors, services
from stegvis.activities.models import (
    ActivityEnrolment,
    Compensation,
    CompensationCorrection,
    Session,
)
from stegvis.api.base import ERRORS, MAX_OFFSET, ObjectId, PathId, paginate, require
from stegvis.core.roles import Perm

router = Router(tags=["ersättningar"])


class AmountsOut(Schema):
    approved: int = Field(..., description="Godkänt belopp (kr)")
    corrected: int = Field(
        ..., description="Summan av rättelserna (kr, negativ = att kräva tillbaka)"
    )
    total: int = Field(..., description="Belopp efter rättelser (kr)")
    paid: int = Field(..., description="Utbetalt och reglerat (kr)")
    pending: int = Field(..., description="Kvar att betala ut eller kräva tillbaka (kr)")


class CompensationOut(Schema):
    id: int
    activity_id: int
    activity: str
    association_id: int
    association: str
    status: str = Field(..., description="draft, approved eller paid")
    period_end: date = Field(
        ..., description="Närvaron till och med detta datum räknas (och låses)"
    )
    sessions_held: int
    min_attendance_share: float
    rate_sek: int
    participant_count: int
    amount_sek: int
    computed_at: datetime
    approved_on: date | None
    paid_on: date | None
    payment_reference: str

    @staticmethod
    def resolve_activity(obj) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_association(obj) -> str:
        return obj.association.name


class CompensationList(Schema):
    items: list[CompensationOut]
    count: int


class CorrectionOut(Schema):
    id: int
    compensation_id: int
    session_id: int
    session_date: date
    place_id: int
    present_before: bool | None = Field(..., description="null: inte registrerad")
    present_after: bool
    reason: str
    participants_before: int
    participants_after: int
    amount_sek: int = Field(..., description="Positiv: debet (mer att betala); negativ: kredit")
    entry: str = Field(..., description="Debet, Kredit eller Ingen skillnad")
    created_at: datetime
    settled_on: date | None
    settlement_reference: str

    @staticmethod
    def resolve_session_date(obj) -> date:
        return obj.session.date


class CompensationDetailOut(CompensationOut):
    amounts: AmountsOut
    corrections: list[CorrectionOut] = Field(..., alias="corrections_out")


class CompensationFilters(Schema):
    association: ObjectId | None = Field(None, description="Föreningens id")
    status: Literal[tuple(Compensation.Status.values)] | None = None
    start: date | None = Field(None, description="Period som slutar på eller efter")
    end: date | None = Field(None, description="Period som slutar på eller före")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CorrectionIn(Schema):
    session_id: ObjectId
    place_id: ObjectId
    present: bool
    reason: str = Field(..., min_length=1, max_length=500, description="Varför närvaron rättas")


class SettleIn(Schema):
    settled_on: date | None = Field(None, description="Regleringsdag; i dag om den utelämnas")
    reference: str = Field("", max_length=60, description="Verifikation")


def _compensation(request, compensation_id: int) -> Compensation:
    # The selector checks the role (403) before anything is looked up.
    qs = selectors.compensations_list(
        membership=request.membership, filters=selectors.CompensationFilters()
    )
    return get_object_or_404(qs, pk=compensation_id)


def _detail(compensation: Compensation) -> Compensation:
    # One read of the corrections serves the list and the amounts.
    prefetch_related_objects(
        [compensation],
        Prefetch(
            "corrections",
            queryset=CompensationCorrection.objects.select_related("session").order_by(
                "created_at", "pk"
            ),
        ),
    )
    compensation.corrections_out = list(compensation.corrections.all())
    compensation.amounts = services.compensation_paid_amounts(compensation)
    return compensation


@router.get("/compensations", response={200: CompensationList, **ERRORS})
def list_compensations(request, filters: Query[CompensationFilters]):
    """The federation's compensations, by association and period."""
    qs = selectors.compensations_list(
        membership=request.membership,
        filters=selectors.CompensationFilters(
            association_id=filters.association,
            status=filters.status or "",
            start=filters.start,
            end=filters.end,
        ),
    )
    items, count = paginate(qs, filters.limit, filters.offset)
    return {"items": items, "count": count}


@router.get("/compensations/{compensation_id}", response={200: CompensationDetailOut, **ERRORS})
def get_compensation(request, compensation_id: PathId):
    """One compensation with its amounts after corrections and every correction."""
    return _detail(_compensation(request, compensation_id))


@router.post(
    "/compensations/{compensation_id}/corrections", response={201: CorrectionOut, **ERRORS}
)
def create_correction(request, compensation_id: PathId, payload: CorrectionIn):
    """Correct attendance behind an approved or paid compensation: the difference in money goes
    on the next payout file (a change without effect on the money is settled at once)."""
    require(request, Perm.APPROVE_COMPENSATION)
    compensation = _compensation(request, compensation_id)
    session = get_object_or_404(Session, pk=payload.session_id)
    place = get_object_or_404(ActivityEnrolment, pk=payload.place_id)
    correction = services.compensation_correct(
        actor=request.user,
        membership=request.membership,
        compensation=compensation,
        session=session,
        place=place,
        present=payload.present,
        reason=payload.reason,
    )
    return Status(201, correction)


@router.post(
    "/compensations/{compensation_id}/corrections/{correction_id}/settle",
    response={200: CorrectionOut, **ERRORS},
)
def settle_correction(request, compensation_id: PathId, correction_id: PathId, payload: SettleIn):
    """Mark a correction's difference as paid out or claimed back."""
    require(request, Perm.APPROVE_COMPENSATION)
    compensation = _compensation(request, compensation_id)
    correction = get_object_or_404(
        CompensationCorrection, compensation=compensation, pk=correction_id
    )
    return services.correction_settle(
        actor=request.user,
        membership=request.membership,
        correction=correction,
        settled_on=payload.settled_on,
        reference=payload.reference,
    )
