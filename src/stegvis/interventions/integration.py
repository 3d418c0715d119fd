"""How transfers appear on the participant page and the timeline, and what is erased when a
participant becomes anonymous."""

from __future__ import annotations

from stegvis.interventions.models import ReferralSubmission, Transfer
from stegvis.participants import hooks
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import intervention_ids_in_scope


def _transfers(participant, membership) -> list[Transfer]:
    ids = intervention_ids_in_scope(membership)
    return [
        t
        for t in participant.transfers.select_related(
            "from_enrolment__intervention", "to_intervention"
        )
        if t.from_enrolment.intervention_id in ids or t.to_intervention_id in ids
    ]


def participant_section(participant, membership) -> dict | None:
    enrolments = participant_selectors.enrolments_of(participant, membership)
    transfers = _transfers(participant, membership)
    moving = {t.from_enrolment_id for t in transfers if t.is_open}
    active = [
        e
        for e in enrolments
        if e.end_date is None and e.intervention.is_individual and e.pk not in moving
    ]
    if not active and not transfers:
        return None
    return {
        "id": "overlamning",
        "title": "Överlämning till annan insats",
        "template": "interventions/_participant_section.html",
        "active": active,
        "transfers": transfers,
    }


def timeline_events(participant, membership):
    events = []
    for t in _transfers(participant, membership):
        events.append(
            participant_selectors.TimelineEvent(
                t.proposed_on,
                "Överlämning föreslagen",
                f"{t.from_enrolment.intervention.name} → {t.to_intervention.name}",
                "handover",
            )
        )
    return events


@hooks.on_anonymise
def _erase(participant) -> None:
    Transfer.objects.filter(participant=participant).update(
        reason="(avidentifierad)", decline_reason=""
    )
    ReferralSubmission.objects.filter(referral__participant=participant).update(
        first_name="", last_name=""
    )


participant_selectors.PARTICIPANT_SECTIONS.append(
    participant_selectors.ParticipantTab(
        "overlamning", "Överlämning", participant_section, order=30
    )
)
participant_selectors.TIMELINE_PROVIDERS.append(timeline_events)
