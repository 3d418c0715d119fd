"""Proposing participants for activities, and staff's decisions on the proposals (SPEC §6).

The engine (``matching.engine``, ``matching.scoring``) is pure; this module gathers features
from the database, runs it, stores the proposals with their explanations, and turns accepted
ones into places in the activity through ``activities.services.place_create``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stegvis.activities import services as activity_services
from stegvis.activities.models import Activity
from stegvis.core import audit
from stegvis.core.models import Hub, Membership
from stegvis.core.tenancy import require_federation
from stegvis.matching import features, selectors
from stegvis.matching.engine import MatchResult, Opportunity, Pair, optimal_assign_kinds
from stegvis.matching.models import MatchRun, Proposal
from stegvis.matching.scoring import score_pair
from stegvis.participants.access import can_see_personal_data

A = audit.Action
KIND_ACTIVITY = Proposal.Kind.ACTIVITY.value
KIND_PLACEMENT = Proposal.Kind.PLACEMENT.value
KIND_MENTOR = Proposal.Kind.MENTOR.value


@dataclass
class Proposed:
    result: MatchResult  # opportunity ids are (kind, pk): ("activity", 3), ("placement", 1) …
    enrolments: dict  # enrolment id -> Enrolment
    activities: dict  # activity id -> Activity
    placements: dict = field(default_factory=dict)  # placement id -> Placement
    mentors: dict = field(default_factory=dict)  # mentor id -> Mentor
    waiting: frozenset = frozenset()  # enrolment ids waiting for an activity place

    def of_kind(self, kind: str) -> list:
        """The proposals of one kind, with the opportunity's own id."""
        return [
            p._replace(opportunity=p.opportunity[1])
            for p in self.result.proposals
            if p.opportunity[0] == kind
        ]


def federation_weights() -> dict:
    return dict(require_federation().setting("matching_weights") or {})


def propose(
    *, today: date, hub: Hub | None = None, intervention_ids=None, weights=None
) -> Proposed:
    """Score every allowed pair and find the optimal assignment under free capacity.

    Activities, placements and mentors are matched together, each person getting at most one
    proposal of each kind: an activity for those without a running one, a placement for
    those not booked on one, a mentor for those without one."""
    enrolments = {}
    seen_people = set()
    # One proposal per person and kind: with enrolments in two NAD interventions, the latest
    # counts.
    for e in selectors.candidate_enrolments(
        today=today, hub=hub, intervention_ids=intervention_ids
    ).order_by("-start_date", "-pk"):
        if e.participant_id not in seen_people:
            seen_people.add(e.participant_id)
            enrolments[e.pk] = e
    enrolments = dict(sorted(enrolments.items()))
    wants_activity = set(
        selectors.waiting_enrolments(
            today=today, hub=hub, intervention_ids=intervention_ids
        ).values_list("pk", flat=True)
    )
    has_placement = selectors.with_placement(enrolments, today=today)
    has_mentor = selectors.with_mentor(enrolments)
    open_activities = selectors.open_activities(today=today, hub=hub)
    open_placements = selectors.open_placements(today=today, hub=hub)
    open_mentors = selectors.open_mentors(hub=hub)
    activities = {a.pk: a for a, _free in open_activities}
    placements = {p.pk: p for p, _free in open_placements}
    mentors = {m.pk: m for m, _free in open_mentors}
    people = features.participant_features(enrolments.values())
    groups = [
        (KIND_ACTIVITY, features.activity_features(activities.values(), from_date=today), {}),
        (
            KIND_PLACEMENT,
            features.placement_features(placements.values()),
            {pk: features.placement_notes(p) for pk, p in placements.items()},
        ),
        (KIND_MENTOR, features.mentor_features(mentors.values()), {}),
    ]
    eligible = {
        KIND_ACTIVITY: lambda e: e in wants_activity,
        KIND_PLACEMENT: lambda e: e not in has_placement,
        KIND_MENTOR: lambda e: e not in has_mentor,
    }
    weights = federation_weights() if weights is None else weights
    pairs = []
    for kind, places, notes in groups:
        for enrolment_id, person in people.items():
            if not eligible[kind](enrolment_id):
                continue
            for pk, place in places.items():
                scored = score_pair(person, place, weights)
                if scored is not None:
                    explanation = (*scored[1], *notes.get(pk, ()))
                    pairs.append(Pair(enrolment_id, (kind, pk), scored[0], explanation))
    opportunities = (
        [Opportunity((KIND_ACTIVITY, a.pk), free) for a, free in open_activities]
        + [Opportunity((KIND_PLACEMENT, p.pk), free) for p, free in open_placements]
        + [Opportunity((KIND_MENTOR, m.pk), free) for m, free in open_mentors]
    )
    result = optimal_assign_kinds(
        list(enrolments), opportunities, pairs, {o.id: o.id[0] for o in opportunities}
    )
    return Proposed(result, enrolments, activities, placements, mentors, frozenset(wants_activity))


TARGET_FIELD = {KIND_ACTIVITY: "activity", KIND_PLACEMENT: "placement", KIND_MENTOR: "mentor"}


@transaction.atomic
def run_create(*, actor, membership: Membership, hub: Hub | None = None) -> MatchRun:
    """Propose places for the membership's waiting participants and store the proposals."""
    if not selectors.may_run(membership):
        raise PermissionDenied("Din roll kan inte köra matchning.")
    weights = federation_weights()
    proposed = propose(
        today=timezone.localdate(),
        hub=hub,
        intervention_ids=selectors.scope_ids(membership),
        weights=weights,
    )
    run = MatchRun.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,
        membership=membership,
        hub=hub,
        weights=weights,
        participant_count=len(proposed.enrolments),
        activity_count=len(proposed.activities),
        total_score=float(proposed.result.total_score),
    )
    Proposal.objects.bulk_create(
        [
            Proposal(
                federation=run.federation,
                run=run,
                enrolment_id=p.participant,
                kind=p.opportunity[0],
                **{f"{TARGET_FIELD[p.opportunity[0]]}_id": p.opportunity[1]},
                score=float(p.score),
                explanation=list(p.explanation),
            )
            for p in proposed.result.proposals
        ]
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=run,
        detail={
            "participants": run.participant_count,
            "activities": run.activity_count,
            "placements": len(proposed.placements),
            "mentors": len(proposed.mentors),
            "proposals": len(proposed.result.proposals),
        },
    )
    return run


def _require_decider(membership: Membership) -> None:
    if not can_see_personal_data(membership):
        raise PermissionDenied(
            "Deltagare väljs av deltagaransvarig handläggare (steg 4 i NAD-rutinen)."
        )


def _decide(proposal: Proposal, actor, status: str, note: str = "") -> None:
    if proposal.status != Proposal.Status.PROPOSED:
        raise ValidationError(f"Förslaget är redan {proposal.get_status_display().lower()}.")
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.decided_by = actor if getattr(actor, "pk", None) else None
    proposal.note = note


@transaction.atomic
def proposal_accept(*, actor, membership: Membership, proposal: Proposal) -> Proposal:
    """Accept: the participant gets the place in the activity, is booked on the placement for
    the offer period, or is paired with the mentor (never beyond capacity)."""
    _require_decider(membership)
    _decide(proposal, actor, Proposal.Status.ACCEPTED)
    if proposal.kind == Proposal.Kind.PLACEMENT:
        start, end = selectors.offer_period(proposal.placement, timezone.localdate())
        proposal.booking = activity_services.placement_book(
            actor=actor,
            membership=membership,
            placement=proposal.placement,
            enrolment=proposal.enrolment,
            start_date=start,
            end_date=end,
        )
    elif proposal.kind == Proposal.Kind.MENTOR:
        proposal.place = activity_services.mentorship_pair(
            actor=actor, membership=membership, mentor=proposal.mentor, enrolment=proposal.enrolment
        )
    else:
        proposal.place = activity_services.place_create(
            actor=actor,
            membership=membership,
            activity=proposal.activity,
            enrolment=proposal.enrolment,
            reason="matchning: förslag accepterat",
        )
    proposal.save()
    audit.log(actor=actor, action=A.UPDATE, obj=proposal, reason="accepterat")
    return proposal


@transaction.atomic
def proposal_reject(*, actor, membership: Membership, proposal: Proposal, note: str = ""):
    _require_decider(membership)
    _decide(proposal, actor, Proposal.Status.REJECTED, note)
    proposal.save()
    audit.log(actor=actor, action=A.UPDATE, obj=proposal, reason="avböjt")
    return proposal


@transaction.atomic
def proposal_override(
    *, actor, membership: Membership, proposal: Proposal, activity: Activity, note: str = ""
) -> Proposal:
    """Staff know better: place the participant in another activity than proposed."""
    _require_decider(membership)
    if proposal.kind != Proposal.Kind.ACTIVITY:
        raise ValidationError("Bara förslag på aktiviteter kan placeras annorlunda.")
    if activity.pk == proposal.activity_id:
        raise ValidationError("Välj en annan aktivitet än den föreslagna, eller acceptera.")
    _decide(proposal, actor, Proposal.Status.OVERRIDDEN, note)
    proposal.override_activity = activity
    proposal.place = activity_services.place_create(
        actor=actor,
        membership=membership,
        activity=activity,
        enrolment=proposal.enrolment,
        reason="matchning: ändrat av handläggare",
    )
    proposal.save()
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=proposal,
        reason="ändrat",
        detail={"activity": activity.pk},
    )
    return proposal
