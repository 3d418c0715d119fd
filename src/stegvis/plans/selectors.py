"""Reads of plans and meetings, always through an enrolment the viewer may see (the read of the
participant is logged by ``participants.selectors.enrolment_get``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import require_personal_data
from stegvis.participants.models import Enrolment
from stegvis.plans import versioning
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal, PlanVersion

DUE_SOON_DAYS = 14
UPCOMING_MEETING_DAYS = 30


def _with_items(qs):
    return qs.prefetch_related(
        Prefetch("goals", queryset=PlanGoal.objects.order_by("position", "id")),
        Prefetch(
            "actions",
            queryset=PlanAction.objects.select_related(
                "goal", "authority", "responsible__user"
            ).order_by("position", "id"),
        ),
    )


@memoized(lambda enrolment_ids: (tuple(enrolment_ids),))
def meetings_of_enrolments(enrolment_ids) -> tuple[Meeting, ...]:
    """The enrolments' meetings, newest first (the participant page's section and timeline
    share one read)."""
    return tuple(Meeting.objects.filter(enrolment_id__in=enrolment_ids).order_by("-held_on", "-id"))


def plan_of(enrolment: Enrolment) -> Plan | None:
    plan = _with_items(Plan.objects.filter(enrolment=enrolment)).first()
    if plan is not None:
        plan.enrolment = enrolment
    return plan


def plans_by_enrolment(enrolment_ids) -> dict[int, Plan]:
    """The plans of several enrolments, with goals and actions, in a fixed number of queries."""
    return {
        p.enrolment_id: p for p in _with_items(Plan.objects.filter(enrolment_id__in=enrolment_ids))
    }


def plan_get(*, membership: Membership, pk: int) -> Plan:
    """One plan, 404 outside the viewer's scope; the read is logged."""
    require_personal_data(membership)
    plan = get_object_or_404(_with_items(Plan.objects.all()), pk=pk)
    plan.enrolment = participant_selectors.enrolment_get(
        membership=membership, pk=plan.enrolment_id
    )
    return plan


def meeting_get(*, membership: Membership, pk: int) -> Meeting:
    require_personal_data(membership)
    meeting = get_object_or_404(Meeting.objects.all(), pk=pk)
    meeting.enrolment = participant_selectors.enrolment_get(
        membership=membership, pk=meeting.enrolment_id
    )
    return meeting


def meetings_in_scope(
    *,
    membership: Membership,
    enrolment_id: int | None = None,
    intervention_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Meetings of enrolments in the viewer's interventions, newest first. Unread: the caller
    logs the participants it shows."""
    require_personal_data(membership)
    qs = Meeting.objects.filter(enrolment__in=participant_selectors.enrolments_in_scope(membership))
    if enrolment_id:
        qs = qs.filter(enrolment_id=enrolment_id)
    if intervention_id:
        qs = qs.filter(enrolment__intervention_id=intervention_id)
    if date_from:
        qs = qs.filter(held_on__gte=date_from)
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    return (
        qs.select_related("enrolment__participant")
        .prefetch_related("attendees", "authorities")
        .order_by("-held_on", "-id")
    )


def meetings_of(enrolment: Enrolment) -> list[Meeting]:
    return list(
        Meeting.objects.filter(enrolment=enrolment)
        .prefetch_related("attendees__user", "authorities")
        .order_by("-held_on", "-id")
    )


def goal_actions(plan: Plan) -> list[tuple[PlanGoal | None, list[PlanAction]]]:
    """Goals in order, each with its actions; actions without a goal last."""
    actions = list(plan.actions.all())
    grouped = [(g, [a for a in actions if a.goal_id == g.pk]) for g in plan.goals.all()]
    loose = [a for a in actions if a.goal_id is None]
    if loose:
        grouped.append((None, loose))
    return grouped


@dataclass(frozen=True)
class VersionView:
    version: PlanVersion
    changes: list[versioning.Change]


def history(plan: Plan) -> list[VersionView]:
    """Every version, newest first, with what changed since the one before."""
    versions = list(plan.versions.select_related("created_by").order_by("number"))
    views = []
    previous = None
    for version in versions:
        views.append(VersionView(version, versioning.diff(previous, version.snapshot)))
        previous = version.snapshot
    return list(reversed(views))


# --- Mina uppföljningar ----------------------------------------------------------------------


@dataclass
class FollowUps:
    overdue_actions: list[PlanAction]
    due_soon_actions: list[PlanAction]
    upcoming_meetings: list[Meeting]
    plans_due: list[Plan]

    @property
    def count(self) -> int:
        return (
            len(self.overdue_actions)
            + len(self.due_soon_actions)
            + len(self.upcoming_meetings)
            + len(self.plans_due)
        )

    def participants(self) -> list:
        """Everyone the lists show (``log_listed`` logs each person once)."""
        return [
            *(
                a.plan.enrolment.participant
                for a in [*self.overdue_actions, *self.due_soon_actions]
            ),
            *(m.enrolment.participant for m in self.upcoming_meetings),
            *(p.enrolment.participant for p in self.plans_due),
        ]


def followups(*, membership: Membership, today: date) -> FollowUps:
    """What the staff member must follow up, in ongoing enrolments within their scope:

    - open actions assigned to them, overdue (due before today) or due within 14 days;
    - meetings from today and 30 days on where they attend or are the main contact;
    - plans of people they are main contact for whose next follow-up date has passed without
      a meeting on or after that date.
    """
    require_personal_data(membership)
    # The member's own links select few rows: they are read first, in ongoing enrolments, and
    # the scope (interventions, consent) is then checked once for the enrolments they name,
    # instead of being built into each of the three queries (which cost more than the reads
    # themselves when nothing is due).
    actions = list(
        PlanAction.objects.filter(
            responsible=membership,
            status__in=PlanAction.OPEN,
            due_date__isnull=False,
            due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
            plan__enrolment__end_date__isnull=True,
        )
        .select_related("plan__enrolment__participant", "plan__enrolment__intervention", "goal")
        .order_by("due_date", "id")
    )
    meetings = list(
        Meeting.objects.filter(
            Q(attendees=membership) | Q(enrolment__main_contact=membership),
            held_on__gte=today,
            held_on__lte=today + timedelta(days=UPCOMING_MEETING_DAYS),
            enrolment__end_date__isnull=True,
        )
        .select_related("enrolment__participant", "enrolment__intervention")
        .distinct()
        .order_by("held_on", "id")
    )
    met_since = Meeting.objects.filter(
        enrolment=OuterRef("enrolment"),
        held_on__gte=OuterRef("next_follow_up"),
        held_on__lte=today,
    )
    plans = list(
        Plan.objects.filter(
            enrolment__main_contact=membership,
            next_follow_up__lt=today,
            enrolment__end_date__isnull=True,
        )
        .exclude(Exists(met_since))
        .select_related("enrolment__participant", "enrolment__intervention")
        .order_by(F("next_follow_up").asc(), "id")
    )
    named = {a.plan.enrolment_id for a in actions} | {
        row.enrolment_id for row in [*meetings, *plans]
    }
    visible = (
        set(
            participant_selectors.enrolments_in_scope(membership)
            .filter(pk__in=named)
            .values_list("pk", flat=True)
        )
        if named
        else set()
    )
    actions = [a for a in actions if a.plan.enrolment_id in visible]
    return FollowUps(
        overdue_actions=[a for a in actions if a.due_date < today],
        due_soon_actions=[a for a in actions if a.due_date >= today],
        upcoming_meetings=[m for m in meetings if m.enrolment_id in visible],
        plans_due=[p for p in plans if p.enrolment_id in visible],
    )
