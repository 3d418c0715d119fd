"""Individual plans and meetings over the API, through the same selectors and services as the
web pages. Personal data: only for enrolments in the viewer's interventions, every read
logged."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from stegvis.api.base import ERRORS, MAX_OFFSET, NotFound, ObjectId, Page, PathId, paginate
from stegvis.core.models import Authority
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import interventions_in_scope, require_personal_data
from stegvis.plans import selectors, services
from stegvis.plans.models import Meeting

router = Router(tags=["planer"])


class GoalOut(Schema):
    id: int
    position: int
    title: str
    description: str
    target_date: date | None
    status: str


class ActionOut(Schema):
    id: int
    goal_id: int | None
    position: int
    what: str
    authority_id: int | None
    responsible_id: int | None
    by_participant: bool
    responsible_other: str
    due_date: date | None
    status: str
    done_on: date | None


class PlanOut(Schema):
    id: int
    enrolment_id: int
    participant_id: int = Field(..., alias="enrolment.participant_id")
    participant_words: str
    participant_goals: str
    agreed_on: date | None
    next_follow_up: date | None
    template_key: str
    version: int
    created_at: datetime
    updated_at: datetime
    goals: list[GoalOut]
    actions: list[ActionOut]


@router.get("/enrolments/{enrolment_id}/plan", response={200: PlanOut, **ERRORS})
def get_plan_of_enrolment(request, enrolment_id: PathId):
    enrolment = participant_selectors.enrolment_get(membership=request.membership, pk=enrolment_id)
    plan = selectors.plan_of(enrolment)
    if plan is None:
        raise NotFound("Deltagandet har ingen plan än.")
    return plan


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request, plan_id: PathId):
    return selectors.plan_get(membership=request.membership, pk=plan_id)


class ChangeOut(Schema):
    kind: str
    section: str
    name: str
    heading: str


class VersionOut(Schema):
    number: int
    reason: str
    created_at: datetime
    snapshot: dict
    changes: list[ChangeOut]


class VersionList(Schema):
    items: list[VersionOut]
    count: int


@router.get("/plans/{plan_id}/versions", response={200: VersionList, **ERRORS})
def list_plan_versions(request, plan_id: PathId, page: Query[Page]):
    """Every version, newest first, with what changed since the one before."""
    plan = selectors.plan_get(membership=request.membership, pk=plan_id)
    views, count = paginate(selectors.history(plan), page.limit, page.offset)
    items = [
        {
            "number": view.version.number,
            "reason": view.version.reason,
            "created_at": view.version.created_at,
            "snapshot": view.version.snapshot,
            "changes": view.changes,
        }
        for view in views
    ]
    return {"items": items, "count": count}


# --- Meetings ---------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    enrolment_id: int
    participant_id: int = Field(..., alias="enrolment.participant_id")
    kind: str
    held_on: date
    participant_present: bool
    attendee_ids: list[int]
    authority_ids: list[int]
    other_attendees: str
    notes: str
    decisions: str
    next_follow_up: date | None
    created_at: datetime

    @staticmethod
    def resolve_attendee_ids(obj) -> list[int]:
        return sorted(m.pk for m in obj.attendees.all())

    @staticmethod
    def resolve_authority_ids(obj) -> list[int]:
        return sorted(a.pk for a in obj.authorities.all())


class MeetingList(Schema):
    items: list[MeetingOut]
    count: int


class MeetingFilters(Schema):
    enrolment: ObjectId | None = Field(None, description="Deltagandets id")
    intervention: str | None = Field(None, max_length=50, description="Insatskod")
    date_from: date | None = Field(None, alias="from", description="Från och med (ÅÅÅÅ-MM-DD)")
    date_to: date | None = Field(None, alias="to", description="Till och med (ÅÅÅÅ-MM-DD)")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class MeetingIn(Schema):
    kind: Literal[tuple(Meeting.Kind.values)]
    held_on: date
    participant_present: bool = True
    attendee_ids: list[ObjectId] = Field([], max_length=50, description="Medlemskapens id")
    authority_ids: list[ObjectId] = Field([], max_length=50, description="Huvudmännens id")
    other_attendees: str = Field("", max_length=300)
    notes: str = ""
    decisions: str = ""
    next_follow_up: date | None = None
    plan_agreed: bool = False


@router.get("/meetings", response={200: MeetingList, **ERRORS})
def list_meetings(request, filters: Query[MeetingFilters]):
    membership = request.membership
    require_personal_data(membership)
    intervention_id = None
    if filters.intervention:
        intervention_id = get_object_or_404(
            interventions_in_scope(membership), code=filters.intervention
        ).pk
    qs = selectors.meetings_in_scope(
        membership=membership,
        enrolment_id=filters.enrolment,
        intervention_id=intervention_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    items, count = paginate(qs, filters.limit, filters.offset)
    participant_selectors.log_listed(
        membership=membership, participants=[m.enrolment.participant for m in items], reason="api"
    )
    return {"items": items, "count": count}


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def get_meeting(request, meeting_id: PathId):
    return selectors.meeting_get(membership=request.membership, pk=meeting_id)


@router.post("/enrolments/{enrolment_id}/meetings", response={201: MeetingOut, **ERRORS})
def create_meeting(request, enrolment_id: PathId, payload: MeetingIn):
    """Record a meeting (or plan one with a future date); its next follow-up becomes the
    plan's, and "plan_agreed" marks the plan as agreed on the meeting's date."""
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_id)
    attendees = list(
        services.responsible_choices(enrolment).filter(pk__in=set(payload.attendee_ids))
    )
    if len(attendees) != len(set(payload.attendee_ids)):
        raise ValidationError(
            {"attendees": "Alla deltagare från stegvis måste arbeta med insatsen."}
        )
    authorities = list(Authority.objects.filter(pk__in=set(payload.authority_ids)))
    if len(authorities) != len(set(payload.authority_ids)):
        raise ValidationError({"authorities": "Okänd huvudman."})
    data = payload.dict(exclude={"attendee_ids", "authority_ids"})
    meeting = services.meeting_save(
        actor=request.user,
        membership=membership,
        enrolment=enrolment,
        data=services.MeetingData(**data, attendees=attendees, authorities=authorities),
    )
    return Status(201, meeting)
