"""What matching works on: participants waiting for a place and activities with room.

Scoped by role: a case worker proposes only for participants in his own interventions; the
federation admin, the coordinator and the command line for all NAD participants (the
coordinator sees them by reference only, see views).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from stegvis.activities.models import (
    Activity,
    ActivityEnrolment,
    ActivityKind,
    Mentor,
    Placement,
    PlacementBooking,
    Session,
)
from stegvis.core.models import Hub, Membership
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention
from stegvis.matching.models import MatchRun, Proposal
from stegvis.participants.access import intervention_ids_in_scope
from stegvis.participants.models import Enrolment


def nad_interventions() -> QuerySet[Intervention]:
    """Interventions that finance activities (NAD): those activities are linked to."""
    return Intervention.objects.filter(Exists(Activity.objects.filter(intervention=OuterRef("pk"))))


def waiting_enrolments(
    *, today: date, hub: Hub | None = None, intervention_ids=None
) -> QuerySet[Enrolment]:
    """Active enrolments in NAD interventions whose participant has no place in an activity
    that is still running or about to start (a finished activity does not count)."""
    qs = Enrolment.objects.filter(
        intervention__in=nad_interventions(),
        start_date__lte=today,
        end_date__isnull=True,
        participant__is_anonymous=False,
    ).exclude(
        Exists(
            ActivityEnrolment.objects.filter(
                enrolment=OuterRef("pk"), status=ActivityEnrolment.Status.ACTIVE
            ).filter(
                Exists(
                    Session.objects.filter(
                        activity=OuterRef("activity"), cancelled=False, date__gte=today
                    )
                )
            )
        )
    )
    if intervention_ids is not None:
        qs = qs.filter(intervention_id__in=intervention_ids)
    if hub is not None:
        qs = qs.filter(
            Q(intervention__hub=hub) | Q(participant__municipality__in=hub.municipalities)
        )
    return qs.select_related("participant", "intervention__hub").order_by("pk")


def open_activities(*, today: date, hub: Hub | None = None) -> list[tuple[Activity, int]]:
    """Approved activities with sessions still to come and free places: (activity, free)."""
    qs = (
        Activity.objects.filter(status=Activity.Status.APPROVED)
        .filter(
            Exists(
                Session.objects.filter(activity=OuterRef("pk"), cancelled=False, date__gte=today)
            )
        )
        .annotate(taken=Count("places", filter=Q(places__status=ActivityEnrolment.Status.ACTIVE)))
        .select_related("hub", "association")
        .order_by("pk")
    )
    if hub is not None:
        qs = qs.filter(hub=hub)
    return [(a, a.capacity - a.taken) for a in qs if a.capacity > a.taken]


# How far ahead a placement is offered, and for how long a proposed booking runs.
PLACEMENT_LOOKAHEAD = timedelta(days=30)
PLACEMENT_OFFER = timedelta(weeks=8)


def candidate_enrolments(
    *, today: date, hub: Hub | None = None, intervention_ids=None
) -> QuerySet[Enrolment]:
    """Active enrolments in NAD interventions: those who may be offered a placement or a
    mentor (an activity place only to the ``waiting_enrolments`` among them)."""
    qs = Enrolment.objects.filter(
        intervention__in=nad_interventions(),
        start_date__lte=today,
        end_date__isnull=True,
        participant__is_anonymous=False,
    )
    if intervention_ids is not None:
        qs = qs.filter(intervention_id__in=intervention_ids)
    if hub is not None:
        qs = qs.filter(
            Q(intervention__hub=hub) | Q(participant__municipality__in=hub.municipalities)
        )
    return qs.select_related("participant", "intervention__hub").order_by("pk")


def with_placement(enrolment_ids, *, today: date) -> set[int]:
    """Enrolments booked on a placement now or later."""
    return set(
        PlacementBooking.objects.filter(
            enrolment_id__in=enrolment_ids, cancelled_on__isnull=True, end_date__gte=today
        ).values_list("enrolment_id", flat=True)
    )


def with_mentor(enrolment_ids) -> set[int]:
    """Enrolments whose participant meets a mentor now."""
    return set(
        ActivityEnrolment.objects.filter(
            enrolment_id__in=enrolment_ids,
            status=ActivityEnrolment.Status.ACTIVE,
            activity__kind=ActivityKind.MENTORSHIP,
            activity__status=Activity.Status.APPROVED,
        ).values_list("enrolment_id", flat=True)
    )


def offer_period(placement: Placement, today: date) -> tuple[date, date]:
    start = max(today, placement.start_date)
    return start, min(placement.end_date, start + PLACEMENT_OFFER)


def open_placements(*, today: date, hub: Hub | None = None) -> list[tuple[Placement, int]]:
    """Open placements starting within a month, with room over the whole offer period
    (capacity over time: the most bookings on any day of it): (placement, free)."""
    from stegvis.activities.services import placement_peak_use

    qs = Placement.objects.filter(
        active=True, end_date__gte=today, start_date__lte=today + PLACEMENT_LOOKAHEAD
    ).select_related("hub")
    if hub is not None:
        qs = qs.filter(hub=hub)
    result = []
    for placement in qs.order_by("pk"):
        start, end = offer_period(placement, today)
        free = placement.capacity - placement_peak_use(placement, start, end)
        if free > 0:
            result.append((placement, free))
    return result


def open_mentors(*, hub: Hub | None = None) -> list[tuple[Mentor, int]]:
    """Active mentors with room for one more participant: (mentor, free)."""
    qs = Mentor.objects.filter(active=True).annotate(
        ongoing=Count(
            "mentorships__places",
            filter=Q(
                mentorships__status=Activity.Status.APPROVED,
                mentorships__places__status=ActivityEnrolment.Status.ACTIVE,
            ),
        )
    )
    if hub is not None:
        qs = qs.filter(Q(hub=hub) | Q(hub__isnull=True))
    return [(m, m.max_mentees - m.ongoing) for m in qs.order_by("pk") if m.max_mentees > m.ongoing]


def scope_ids(membership: Membership) -> set[int] | None:
    """Intervention ids the membership proposes for; None means all."""
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA) or membership.has_perm(
        Perm.MANAGE_ACTIVITIES
    ):
        return None
    if membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA):
        return intervention_ids_in_scope(membership)
    return set()


def may_run(membership: Membership) -> bool:
    return (
        membership.has_perm(Perm.MANAGE_ACTIVITIES)
        or membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
        or membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
    )


def latest_run(membership: Membership) -> MatchRun | None:
    """The federation's latest run, whoever made it: a coordinator's proposals are decided on by
    the case workers without running the matching again."""
    return (
        MatchRun.objects.select_related("created_by", "hub").order_by("-created_at", "-id").first()
    )


def run_proposals(run: MatchRun, membership: Membership | None = None) -> QuerySet[Proposal]:
    """The run's proposals; a case worker's only for the participants in his interventions."""
    qs = run.proposals.select_related(
        "enrolment__participant",
        "enrolment__intervention",
        "activity__association",
        "activity__mentor",
        "activity__placement",
        "placement",
        "mentor",
        "override_activity",
        "decided_by",
    ).order_by("status", "-score", "pk")
    ids = scope_ids(membership) if membership is not None else None
    if ids is not None and not membership.has_perm(Perm.MANAGE_ACTIVITIES):
        qs = qs.filter(enrolment__intervention_id__in=ids)
    return qs


def run_outcome(run: MatchRun) -> list[tuple[str, int]]:
    """What became of a run's proposals: (Swedish status, count), in the order of the statuses."""
    rows = run.proposals.order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [(label, counts[key]) for key, label in Proposal.Status.choices if counts.get(key)]


def proposal_get(*, membership: Membership, pk: int) -> Proposal:
    """A proposal the membership may decide on: in any run, a participant in his scope."""
    qs = Proposal.objects.select_related(
        "enrolment__participant", "enrolment__intervention", "activity", "placement", "mentor"
    )
    ids = scope_ids(membership)
    if ids is not None:
        qs = qs.filter(enrolment__intervention_id__in=ids)
    return get_object_or_404(qs, pk=pk)
