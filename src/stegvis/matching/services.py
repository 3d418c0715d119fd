"""Proposing participants for activities, and staff's decisions on the proposals (SPEC §6).

The engine (``matching.engine``, ``matching.scoring``) is pure; this module gathers features
from the database, runs it, stores the proposals with their explanations, and turns accepted
ones into places in the activity through ``activities.services.place_create``.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from stegvis.matching.engine import MatchResult, Opportunity, Pair, optimal_assign
from stegvis.matching.models import MatchRun, Proposal
from stegvis.matching.scoring import score_pair
from stegvis.participants.access import can_see_personal_data

A = audit.Action


@dataclass
class Proposed:
    result: MatchResult
    enrolments: dict  # enrolment id -> Enrolment
    activities: dict  # activity id -> Activity


def federation_weights() -> dict:
    return dict(require_federation().setting("matching_weights") or {})


def propose(
    *, today: date, hub: Hub | None = None, intervention_ids=None, weights=None
) -> Proposed:
    """Score every allowed pair and find the optimal assignment under free capacity."""
    enrolments = {}
    seen_people = set()
    # One proposal per person: with enrolments in two NAD interventions, the latest counts.
    for e in selectors.waiting_enrolments(
        today=today, hub=hub, intervention_ids=intervention_ids
    ).order_by("-start_date", "-pk"):
        if e.participant_id not in seen_people:
            seen_people.add(e.participant_id)
            enrolments[e.pk] = e
    enrolments = dict(sorted(enrolments.items()))
    open_activities = selectors.open_activities(today=today, hub=hub)
    activities = {a.pk: a for a, _free in open_activities}
    people = features.participant_features(enrolments.values())
    places = features.activity_features(activities.values(), from_date=today)
    weights = federation_weights() if weights is None else weights
    pairs = []
    for enrolment_id, person in people.items():
        for activity_id, place in places.items():
            scored = score_pair(person, place, weights)
            if scored is not None:
                pairs.append((enrolment_id, activity_id, scored[0], tuple(scored[1])))
    result = optimal_assign(
        list(enrolments),
        [Opportunity(a.pk, free) for a, free in open_activities],
        [Pair(*p) for p in pairs],
    )
    return Proposed(result, enrolments, activities)


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
                activity_id=p.opportunity,
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
    """Accept: the participant gets the place in the activity (never beyond capacity)."""
    _require_decider(membership)
    _decide(proposal, actor, Proposal.Status.ACCEPTED)
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
