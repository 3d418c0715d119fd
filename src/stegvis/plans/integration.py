"""How plans and meetings appear on the participant page, the timeline and the register
extract, and what is erased when a participant becomes anonymous."""

from __future__ import annotations

from django.utils import timezone

from stegvis.participants import extract, hooks
from stegvis.participants import selectors as participant_selectors
from stegvis.plans import selectors, services
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal, PlanVersion


def participant_section(participant, membership) -> dict | None:
    enrolments = participant_selectors.enrolments_of(participant, membership)
    if not enrolments:
        return None
    ids = [e.pk for e in enrolments]
    plans = selectors.plans_by_enrolment(ids)
    # The section shows only counts and the last meeting with content: no attendee prefetch.
    meetings: dict[int, list[Meeting]] = {}
    for meeting in selectors.meetings_of_enrolments(ids):
        meetings.setdefault(meeting.enrolment_id, []).append(meeting)
    items = []
    for enrolment in enrolments:
        enrolment.participant = participant
        plan = plans.get(enrolment.pk)
        if plan is not None:
            plan.enrolment = enrolment
        held = meetings.get(enrolment.pk, [])
        items.append(
            {
                "enrolment": enrolment,
                "plan": plan,
                "goals": list(plan.goals.all()) if plan else [],
                "open_actions": sum(1 for a in plan.actions.all() if a.is_open) if plan else 0,
                "last_meeting": next((m for m in held if m.notes or m.decisions), None),
                "meeting_count": len(held),
            }
        )
    return {
        "id": "plan",
        "title": "Plan och möten",
        "template": "plans/_participant_section.html",
        "items": items,
    }


def timeline_events(participant, membership):
    """Plan versions and meetings. A plan change made at a meeting is part of the meeting's
    event rather than an event of its own, so the timeline is not doubled up."""
    # The person's enrolments in scope (already read for the page), not a join per table.
    ids = [e.pk for e in participant_selectors.enrolments_of(participant, membership)]
    events = []
    meetings = selectors.meetings_of_enrolments(ids)
    meeting_days = {(m.enrolment_id, m.held_on) for m in meetings}
    for m in meetings:
        text = m.decisions[:140] if m.decisions else ""
        events.append(
            participant_selectors.TimelineEvent(m.held_on, m.get_kind_display(), text, "meeting")
        )
    versions = PlanVersion.objects.filter(plan__enrolment_id__in=ids).select_related(
        "created_by", "plan"
    )
    for v in versions:
        day = timezone.localtime(v.created_at).date()
        if v.number > 1 and (v.plan.enrolment_id, day) in meeting_days:
            continue
        title = "Plan skapad" if v.number == 1 else "Planen ändrades"
        who = v.created_by.display_name() if v.created_by else ""
        text = " · ".join(x for x in (v.reason, who) if x)
        events.append(participant_selectors.TimelineEvent(v.created_at, title, text, "plan"))
    return events


def _extract_plans(participant, ids=None):
    items = []
    for plan in extract.in_interventions(
        Plan.objects.filter(enrolment__participant=participant), ids
    ).select_related("enrolment__intervention"):
        items.append(
            {
                "insats": plan.enrolment.intervention.name,
                "med_egna_ord": plan.participant_words,
                "egna_mål": plan.participant_goals,
                "överenskommen": plan.agreed_on.isoformat() if plan.agreed_on else None,
                "nästa_uppföljning": (
                    plan.next_follow_up.isoformat() if plan.next_follow_up else None
                ),
                "mål": [
                    f"{g.title} ({g.get_status_display()}"
                    + (f", senast {g.target_date:%Y-%m-%d})" if g.target_date else ")")
                    for g in plan.goals.order_by("position", "id")
                ],
                "åtgärder": [
                    f"{a.what} – {a.who()} ({a.get_status_display()})"
                    for a in plan.actions.select_related("authority", "responsible__user").order_by(
                        "position", "id"
                    )
                ],
                "versioner": plan.versions.count(),
            }
        )
    return "planer", items


def _extract_meetings(participant, ids=None):
    return "möten", [
        {
            "insats": m.enrolment.intervention.name,
            "typ": m.get_kind_display(),
            "datum": m.held_on.isoformat(),
            "deltagaren_var_med": m.participant_present,
            "organisationer": [a.name for a in m.authorities.all()],
            "övriga": m.other_attendees,
            "anteckningar": m.notes,
            "beslut": m.decisions,
            "nästa_uppföljning": m.next_follow_up.isoformat() if m.next_follow_up else None,
        }
        for m in extract.in_interventions(
            Meeting.objects.filter(enrolment__participant=participant), ids
        )
        .select_related("enrolment__intervention")
        .prefetch_related("authorities")
        .order_by("held_on")
    ]


ERASED = "(avidentifierad)"


@hooks.on_anonymise
def erase_free_text(participant) -> None:
    """Keep dates, statuses and counts; erase every word written about the person, also in the
    plan's earlier versions (they are replaced by one version of the erased plan)."""
    plans = list(Plan.objects.filter(enrolment__participant=participant))
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(
        participant_words="", participant_goals=""
    )
    PlanGoal.objects.filter(plan__in=plans).update(title=ERASED, description="")
    PlanAction.objects.filter(plan__in=plans).update(what=ERASED, responsible_other="")
    Meeting.objects.filter(enrolment__participant=participant).update(
        notes="", decisions="", other_attendees=""
    )
    for plan in plans:
        plan.refresh_from_db()
        PlanVersion.objects.filter(plan=plan).delete()
        PlanVersion.objects.create(
            plan=plan,
            number=plan.version,
            snapshot=services.snapshot(plan),
            reason="Avidentifierad: tidigare versioner raderade",
        )


participant_selectors.PARTICIPANT_SECTIONS.append(
    participant_selectors.ParticipantTab("plan", "Plan och möten", participant_section, order=20)
)
participant_selectors.TIMELINE_PROVIDERS.append(timeline_events)
extract.EXTRACT_SECTIONS.append(_extract_plans)
extract.EXTRACT_SECTIONS.append(_extract_meetings)
