"""Reads of activities, scoped by role (SPEC §1, §6).

The catalogue (activities, sessions, places to fill, placements) holds no personal data and is
open to roles with ``VIEW_ACTIVITIES``. Who takes part is personal data: staff see the names of
participants in their own interventions only, association leaders see first names on their own
activities' attendance lists, and everyone else sees counts. Every list of people is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stegvis.activities import rules
from stegvis.activities.models import (
    COMPENSATED_KINDS,
    Activity,
    ActivityEnrolment,
    Attendance,
    Compensation,
    Placement,
    PlacementBooking,
    Session,
)
from stegvis.core import audit
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.core.tenancy import require_federation
from stegvis.participants.access import can_see_personal_data, intervention_ids_in_scope

ACTIVE = ActivityEnrolment.Status.ACTIVE


def is_leader_only(membership: Membership) -> bool:
    return membership.has_perm(Perm.RECORD_ATTENDANCE) and not membership.has_perm(
        Perm.VIEW_ACTIVITIES
    )


def activities_visible(membership: Membership) -> QuerySet[Activity]:
    """The catalogue for staff; a leader sees only the activities he leads."""
    qs = Activity.objects.all()
    if membership.has_perm(Perm.VIEW_ACTIVITIES):
        return qs
    if membership.has_perm(Perm.RECORD_ATTENDANCE):
        return qs.filter(leaders=membership)
    raise PermissionDenied("Din roll har inte behörighet till aktiviteter.")


@dataclass
class ActivityFilters:
    query: str = ""
    association_id: int | None = None
    hub_id: int | None = None
    status: str = ""
    category: str = ""
    kind: str = ""


def activities_list(*, membership: Membership, filters: ActivityFilters) -> QuerySet[Activity]:
    qs = activities_visible(membership).select_related("association", "hub", "mentor", "placement")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.query:
        qs = qs.filter(
            Q(title__icontains=filters.query) | Q(association__name__icontains=filters.query)
        )
    if filters.association_id:
        qs = qs.filter(association_id=filters.association_id)
    if filters.hub_id:
        qs = qs.filter(hub_id=filters.hub_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    today = timezone.localdate()
    return qs.annotate(
        session_count=Count("sessions", filter=Q(sessions__cancelled=False), distinct=True),
        upcoming_count=Count(
            "sessions",
            filter=Q(sessions__cancelled=False, sessions__date__gte=today),
            distinct=True,
        ),
        taken=Count("places", filter=Q(places__status=ACTIVE), distinct=True),
    ).order_by("association__name", "title")


def activity_get(*, membership: Membership, pk: int) -> Activity:
    return get_object_or_404(
        activities_visible(membership).select_related(
            "association", "hub", "working_group", "intervention"
        ),
        pk=pk,
    )


def rule_settings() -> rules.RuleSettings:
    return rules.RuleSettings.from_federation(require_federation())


def activity_facts(activity: Activity) -> rules.ActivityFacts:
    sessions = activity.sessions.filter(cancelled=False)
    kind_facts = {}
    mentor = activity.mentor
    if mentor is not None:
        kind_facts.update(
            mentor=mentor.name,
            mentor_active=mentor.active,
            mentor_max_mentees=mentor.max_mentees,
            mentor_other_mentees=ActivityEnrolment.objects.filter(
                activity__mentor=mentor,
                activity__status=Activity.Status.APPROVED,
                status=ACTIVE,
            )
            .exclude(activity=activity)
            .count(),
        )
    placement = activity.placement
    if placement is not None:
        kind_facts.update(
            placement=placement.employer,
            placement_active=placement.active,
            placement_capacity=placement.capacity,
            sessions_outside_placement=sessions.exclude(
                date__gte=placement.start_date, date__lte=placement.end_date
            ).count(),
        )
    return rules.ActivityFacts(
        kind=activity.kind,
        description=activity.description,
        address=activity.address,
        has_association=activity.association_id is not None,
        **kind_facts,
        sessions=sessions.count(),
        leaders=activity.leader_count,
        planned_participants=activity.capacity,
        actual_participants=activity.places.filter(status=ACTIVE).count(),
        serves_language=activity.serves_language,
        serves_health=activity.serves_health,
        serves_network=activity.serves_network,
        plan=activity.plan,
        quality_approved=activity.is_quality_approved,
        costs=tuple(rules.CostLine(c.kind, c.description) for c in activity.costs.all()),
    )


def activity_checks(activity: Activity) -> list[rules.RuleResult]:
    return rules.check_activity(activity_facts(activity), rule_settings())


def free_places(activity: Activity) -> int:
    return max(0, activity.capacity - activity.places.filter(status=ACTIVE).count())


# --- Who takes part ---------------------------------------------------------------------------


@dataclass
class PlaceRow:
    place: ActivityEnrolment
    visible: bool  # the viewer may see who this is
    name: str
    reference: str


# A leader's lists go by first name; a protected identity's row comes last, in an order that
# does not follow the name it masks.
LEADER_ORDER = (
    "enrolment__participant__protected_identity",
    "enrolment__participant__sort_first_name",
    "pk",
)


def places_for(*, membership: Membership, activity: Activity) -> list[PlaceRow]:
    """Participants with a place: names only for those in the viewer's interventions."""
    places = list(
        activity.places.select_related(
            "enrolment__participant", "enrolment__intervention"
        ).order_by("status", *LEADER_ORDER)
    )
    in_scope = intervention_ids_in_scope(membership) if can_see_personal_data(membership) else set()
    rows = []
    shown = []
    for place in places:
        participant = place.enrolment.participant
        visible = place.enrolment.intervention_id in in_scope
        if visible:
            shown.append(participant)
        rows.append(
            PlaceRow(
                place=place,
                visible=visible,
                name=participant.display_name if visible else "",
                reference=participant.reference if visible else "",
            )
        )
    audit.log_reads(actor=membership.user, objects=shown, reason="deltagare i aktivitet")
    return rows


@dataclass
class AttendanceRow:
    place_id: int
    first_name: str
    present: bool | None  # None: not yet recorded


def attendance_sheet(*, membership: Membership, session: Session) -> list[AttendanceRow]:
    """The leader's list for one session: first names and presence, nothing else."""
    from stegvis.activities.services import can_record_attendance

    if not can_record_attendance(membership, session.activity):
        raise PermissionDenied("Du leder inte den här aktiviteten.")
    recorded = dict(Attendance.objects.filter(session=session).values_list("place_id", "present"))
    places = (
        ActivityEnrolment.objects.filter(activity_id=session.activity_id)
        .filter(Q(status=ACTIVE) | Q(pk__in=list(recorded)))
        .select_related("enrolment__participant")
        .order_by(*LEADER_ORDER)
    )
    rows = []
    people = []
    for place in places:
        participant = place.enrolment.participant
        people.append(participant)
        # A protected identity is never named on a leader's list.
        masked = participant.is_anonymous or participant.protected_identity
        first = "" if masked else participant.first_name
        rows.append(AttendanceRow(place.pk, first or participant.reference, recorded.get(place.pk)))
    audit.log_reads(actor=membership.user, objects=people, reason="närvarolista")
    return rows


def session_get(*, membership: Membership, activity: Activity, pk: int) -> Session:
    return get_object_or_404(Session.objects.filter(activity=activity), pk=pk)


def leader_sessions(membership: Membership, *, around: date | None = None) -> list[Session]:
    """Sessions of the leader's activities: recent and the next ones, for the phone page."""
    today = around or timezone.localdate()
    qs = Session.objects.filter(activity__leaders=membership, cancelled=False).select_related(
        "activity"
    )
    if around is None:
        # Today's sessions count as past (fill in the list) once they have begun.
        started = Session.started_q()
        past = list(qs.filter(started).order_by("-date", "-start_time")[:6])
        upcoming = list(qs.exclude(started).order_by("date", "start_time")[:4])
        return past, upcoming
    past = list(qs.filter(date__lte=today).order_by("-date", "-start_time")[:6])
    upcoming = list(qs.filter(date__gt=today).order_by("date", "start_time")[:4])
    return past, upcoming


def session_attendance_counts(session_ids) -> dict[int, tuple[int, int]]:
    """session id -> (present, recorded)."""
    counts: dict[int, tuple[int, int]] = {}
    rows = (
        Attendance.objects.filter(session_id__in=session_ids)
        .values("session_id")
        .annotate(present=Count("id", filter=Q(present=True)), recorded=Count("id"))
    )
    for row in rows:
        counts[row["session_id"]] = (row["present"], row["recorded"])
    return counts


# --- Compensation -----------------------------------------------------------------------------


@dataclass
class CompensationFilters:
    association_id: int | None = None
    status: str = ""
    start: date | None = None
    end: date | None = None


def compensations_list(
    *, membership: Membership, filters: CompensationFilters
) -> QuerySet[Compensation]:
    if not (
        membership.has_perm(Perm.MANAGE_ACTIVITIES)
        or membership.has_perm(Perm.APPROVE_COMPENSATION)
    ):
        raise PermissionDenied("Din roll har inte behörighet till ersättningar.")
    qs = Compensation.objects.select_related("activity", "association")
    if filters.association_id:
        qs = qs.filter(association_id=filters.association_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.start:
        qs = qs.filter(period_end__gte=filters.start)
    if filters.end:
        qs = qs.filter(period_end__lte=filters.end)
    return qs.order_by("association__name", "period_end", "pk")


def activities_awaiting_compensation() -> QuerySet[Activity]:
    """Approved activities whose sessions are all held and that have no compensation yet."""
    today = timezone.localdate()
    return (
        Activity.objects.filter(
            status=Activity.Status.APPROVED,
            compensations__isnull=True,
            kind__in=COMPENSATED_KINDS,
        )
        .exclude(sessions__date__gt=today, sessions__cancelled=False)
        .filter(sessions__isnull=False)
        .distinct()
        .select_related("association")
    )


# --- Placements -------------------------------------------------------------------------------


def placements_list(*, membership: Membership, include_closed: bool = False):
    if not membership.has_perm(Perm.VIEW_ACTIVITIES):
        raise PermissionDenied("Din roll har inte behörighet till platser.")
    today = timezone.localdate()
    qs = Placement.objects.select_related("offered_by", "hub").annotate(
        booked_now=Count(
            "bookings",
            filter=Q(
                bookings__cancelled_on__isnull=True,
                bookings__start_date__lte=today,
                bookings__end_date__gte=today,
            ),
        )
    )
    if not include_closed:
        qs = qs.filter(active=True, end_date__gte=today)
    return qs.order_by("start_date", "employer")


def placement_get(*, membership: Membership, pk: int) -> Placement:
    return get_object_or_404(placements_list(membership=membership, include_closed=True), pk=pk)


def bookings_for(*, membership: Membership, placement: Placement) -> list[dict]:
    """Every booking (so nobody double-books), with names only for the viewer's own people."""
    in_scope = intervention_ids_in_scope(membership) if can_see_personal_data(membership) else set()
    rows, shown = [], []
    for booking in (
        PlacementBooking.objects.filter(placement=placement, cancelled_on__isnull=True)
        .select_related("enrolment__participant", "authority")
        .order_by("start_date")
    ):
        visible = booking.enrolment.intervention_id in in_scope
        if visible:
            shown.append(booking.enrolment.participant)
        rows.append(
            {
                "booking": booking,
                "visible": visible,
                "name": booking.enrolment.participant.display_name if visible else "",
            }
        )
    audit.log_reads(actor=membership.user, objects=shown, reason="bokningar på plats")
    return rows
