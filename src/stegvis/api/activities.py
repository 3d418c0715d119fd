"""Activities, sessions, attendance and placements over the API, through the same selectors and
services as the web pages.

The catalogue holds no personal data and is open to the roles that see activities; an
association leader sees the activities he leads. Who takes part is personal data and is scoped
as in the web: names only for participants in the viewer's own interventions, the attendance
list (first names) only for the activity's own leaders and the federation admin. Every list
of people is logged.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from stegvis.activities import rules, selectors, services
from stegvis.activities.models import Activity, ActivityEnrolment, Category, Placement, Session
from stegvis.api.base import ERRORS, MAX_OFFSET, NotFound, ObjectId, Page, PathId, paginate
from stegvis.core.models import Hub
from stegvis.core.roles import Perm

router = Router(tags=["aktiviteter"])


class ActivityOut(Schema):
    id: int
    title: str
    category: str
    status: str
    kind: str = Field(..., description="nad, group, study_visit, mentorship eller placement")
    association_id: int | None
    association: str | None = Field(None, description="Föreningen (bara NAD-aktiviteter)")
    organiser: str = Field(..., description="Förening, mentor, arbetsgivare eller förbundet")
    hub_id: int | None
    intervention_id: int | None
    description: str
    municipality: str
    address: str
    languages: list[str]
    capacity: int
    leader_count: int
    serves_language: bool
    serves_health: bool
    serves_network: bool
    gender_restriction: str
    quality_approved_on: date | None
    approved_on: date | None

    @staticmethod
    def resolve_association(obj) -> str | None:
        return obj.association.name if obj.association_id else None


class ActivityListItem(ActivityOut):
    session_count: int
    upcoming_count: int
    places_taken: int = Field(..., alias="taken")


class ActivityList(Schema):
    items: list[ActivityListItem]
    count: int


class RuleCheckOut(Schema):
    key: str
    label: str
    passed: bool
    explanation: str


class ActivityDetailOut(ActivityOut):
    plan: str
    free_places: int
    checks: list[RuleCheckOut]


class ActivityFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Sök i rubrik och förening")
    hub: str | None = Field(None, max_length=50, description="Knutpunktens kortnamn")
    association: ObjectId | None = Field(None, description="Föreningens id")
    status: Literal[tuple(Activity.Status.values)] | None = None
    category: Literal[tuple(Category.values)] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/activities", response={200: ActivityList, **ERRORS})
def list_activities(request, filters: Query[ActivityFilters]):
    hub_id = None
    if filters.hub:
        hub = Hub.objects.filter(slug=filters.hub).first()
        if hub is None:
            raise NotFound(f"Knutpunkten '{filters.hub}' finns inte i förbundet.")
        hub_id = hub.pk
    qs = selectors.activities_list(
        membership=request.membership,
        filters=selectors.ActivityFilters(
            query=filters.q or "",
            association_id=filters.association,
            hub_id=hub_id,
            status=filters.status or "",
            category=filters.category or "",
        ),
    )
    items, count = paginate(qs, filters.limit, filters.offset)
    return {"items": items, "count": count}


@router.get("/activities/{activity_id}", response={200: ActivityDetailOut, **ERRORS})
def get_activity(request, activity_id: PathId):
    activity = selectors.activity_get(membership=request.membership, pk=activity_id)
    activity.free_places = selectors.free_places(activity)
    activity.checks = [
        {**vars(check), "label": rules.ALL_RULE_LABELS.get(check.key, check.key)}
        for check in selectors.activity_checks(activity)
    ]
    return activity


class SessionOut(Schema):
    id: int
    activity_id: int
    date: date
    start_time: time | None
    end_time: time | None
    cancelled: bool
    note: str
    present: int = Field(0, description="Antal närvarande")
    recorded: int = Field(0, description="Antal med registrerad närvaro")


class SessionList(Schema):
    items: list[SessionOut]
    count: int


@router.get("/activities/{activity_id}/sessions", response={200: SessionList, **ERRORS})
def list_sessions(request, activity_id: PathId, page: Query[Page]):
    activity = selectors.activity_get(membership=request.membership, pk=activity_id)
    qs = Session.objects.filter(activity=activity).order_by("date", "start_time", "id")
    items, count = paginate(qs, page.limit, page.offset)
    counts = selectors.session_attendance_counts([s.pk for s in items])
    for session in items:
        session.present, session.recorded = counts.get(session.pk, (0, 0))
    return {"items": items, "count": count}


class PlaceOut(Schema):
    id: int
    status: str
    start_date: date
    end_date: date | None
    visible: bool = Field(..., description="Deltagaren är i någon av dina insatser")
    participant_id: int | None
    reference: str
    name: str


class PlaceList(Schema):
    items: list[PlaceOut]
    count: int


@router.get("/activities/{activity_id}/places", response={200: PlaceList, **ERRORS})
def list_places(request, activity_id: PathId):
    """Who has a place: names only for participants in your own interventions (logged)."""
    membership = request.membership
    activity = selectors.activity_get(membership=membership, pk=activity_id)
    rows = selectors.places_for(membership=membership, activity=activity)
    items = [
        {
            "id": row.place.pk,
            "status": row.place.status,
            "start_date": row.place.start_date,
            "end_date": row.place.end_date,
            "visible": row.visible,
            "participant_id": row.place.enrolment.participant_id if row.visible else None,
            "reference": row.reference,
            "name": row.name,
        }
        for row in rows
    ]
    return {"items": items, "count": len(items)}


# --- Attendance -------------------------------------------------------------------------------


class AttendanceRowOut(Schema):
    place_id: int
    first_name: str
    present: bool | None = Field(..., description="null: inte registrerad")


class AttendanceOut(Schema):
    session: SessionOut
    items: list[AttendanceRowOut]
    count: int
    present: int


class AttendanceRecordIn(Schema):
    place_id: ObjectId
    present: bool


class AttendanceIn(Schema):
    records: list[AttendanceRecordIn] = Field(..., min_length=1, max_length=500)


def _session_for_attendance(request, session_id: int) -> Session:
    """As the web: the federation admin and the activity's own leaders; anyone else with the
    right to record attendance gets 404 for a session that is not theirs."""
    membership = request.membership
    if not (
        membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
        or membership.has_perm(Perm.RECORD_ATTENDANCE)
    ):
        raise PermissionDenied("Din roll har inte behörighet till närvarolistor.")
    session = get_object_or_404(Session.objects.select_related("activity"), pk=session_id)
    if not services.can_record_attendance(membership, session.activity):
        raise NotFound("Hittades inte.")
    return session


def _sheet(request, session: Session) -> dict:
    rows = selectors.attendance_sheet(membership=request.membership, session=session)
    counts = selectors.session_attendance_counts([session.pk])
    session.present, session.recorded = counts.get(session.pk, (0, 0))
    return {
        "session": session,
        "items": rows,
        "count": len(rows),
        "present": sum(1 for row in rows if row.present),
    }


@router.get("/sessions/{session_id}/attendance", response={200: AttendanceOut, **ERRORS})
def get_attendance(request, session_id: PathId):
    return _sheet(request, _session_for_attendance(request, session_id))


@router.post("/sessions/{session_id}/attendance", response={200: AttendanceOut, **ERRORS})
def record_attendance(request, session_id: PathId, payload: AttendanceIn):
    """Record presence for the listed places (the others are left as they are)."""
    session = _session_for_attendance(request, session_id)
    with transaction.atomic():
        for record in payload.records:
            place = get_object_or_404(
                ActivityEnrolment, pk=record.place_id, activity_id=session.activity_id
            )
            services.attendance_record(
                actor=request.user,
                membership=request.membership,
                session=session,
                place=place,
                present=record.present,
            )
    return _sheet(request, session)


# --- Placements -------------------------------------------------------------------------------


class PlacementOut(Schema):
    id: int
    kind: str
    employer: str
    employer_orgnr: str
    title: str
    description: str
    supervisor_name: str
    supervisor_phone: str
    supervisor_email: str
    municipality: str
    address: str
    languages: list[str]
    start_date: date
    end_date: date
    capacity: int
    offered_by_id: int | None
    hub_id: int | None
    active: bool
    booked_now: int


class PlacementList(Schema):
    items: list[PlacementOut]
    count: int


class BookingOut(Schema):
    id: int
    start_date: date
    end_date: date
    authority_id: int | None
    visible: bool = Field(..., description="Deltagaren är i någon av dina insatser")
    participant_id: int | None
    name: str


class PlacementDetailOut(PlacementOut):
    bookings: list[BookingOut] = Field(..., alias="bookings_out")


class PlacementFilters(Schema):
    kind: Literal[tuple(Placement.Kind.values)] | None = None
    include_closed: bool = Field(False, description="Även stängda och passerade platser")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/placements", response={200: PlacementList, **ERRORS})
def list_placements(request, filters: Query[PlacementFilters]):
    qs = selectors.placements_list(
        membership=request.membership, include_closed=filters.include_closed
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    items, count = paginate(qs, filters.limit, filters.offset)
    return {"items": items, "count": count}


@router.get("/placements/{placement_id}", response={200: PlacementDetailOut, **ERRORS})
def get_placement(request, placement_id: PathId):
    """The place with every booking (so nobody double-books); names only for your own
    participants (logged)."""
    membership = request.membership
    placement = selectors.placement_get(membership=membership, pk=placement_id)
    placement.bookings_out = [
        {
            "id": row["booking"].pk,
            "start_date": row["booking"].start_date,
            "end_date": row["booking"].end_date,
            "authority_id": row["booking"].authority_id,
            "visible": row["visible"],
            "participant_id": row["booking"].enrolment.participant_id if row["visible"] else None,
            "name": row["name"],
        }
        for row in selectors.bookings_for(membership=membership, placement=placement)
    ]
    return placement
