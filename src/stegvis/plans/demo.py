"""Demo plans and meetings: ongoing, assessed enrolments get a plan from the five-step template,
agreed at a three-party meeting and followed up about every eight weeks. Some actions are late
and some follow-ups overdue, so "Mina uppföljningar" has something to show.

Built in memory and bulk-inserted (a few hundred plans would take long through the services);
the versions are real snapshots made with the same code as the services use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from stegvis.assessments.models import Assessment
from stegvis.participants.models import Enrolment
from stegvis.plans import services
from stegvis.plans.defaults import FIVE_STEP_KEY
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal, PlanTemplate, PlanVersion

WORDS = [
    "Jag vill klara mig själv och inte behöva bidrag.",
    "Jag vill prata svenska med grannarna och på jobbet.",
    "Det är svårt att sova och jag har ont i ryggen, men jag vill komma igång.",
    "Jag har arbetat i många år i mitt land och vill använda det jag kan.",
    "Jag vill att mina barn ska se att jag arbetar.",
]
OWN_GOALS = [
    "Få ett arbete inom vården.",
    "Bli bättre på svenska och få praktik.",
    "Börja på en utbildning till hösten.",
    "Ta körkort och söka jobb inom transport.",
    "Få kontakt med andra genom en förening.",
]
NOTES = [
    "Gick igenom planen tillsammans. Personen är positiv till praktik.",
    "Pratade om hälsan; vårdkontakt finns. Tar det i lugn takt.",
    "Svenskan går framåt. Vill prova språkcafé på kvällstid.",
    "Har varit på studiebesök och vill gå vidare mot restaurang.",
]
DECISIONS = [
    "Handläggaren kontaktar arbetsgivare om praktik.",
    "Deltagaren börjar i språkcafé och följs upp om åtta veckor.",
    "Kommunen ordnar möte med budget- och skuldrådgivning.",
    "FK och AF träffas med deltagaren för gemensam planering.",
]
FOLLOW_UP_WEEKS = 8


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@dataclass
class _Draft:
    enrolment: Enrolment
    plan: Plan
    start: date
    meeting_days: list[date]
    pace: float
    goals: list[PlanGoal] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)


def seed(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    services.ensure_templates()
    template = PlanTemplate.objects.get(key=FIVE_STEP_KEY)
    admin = ctx.users["admin"]
    assessed = dict(Assessment.objects.filter(version=1).values_list("enrolment_id", "assessed_on"))
    enrolments = (
        Enrolment.objects.filter(end_date__isnull=True, pk__in=list(assessed))
        .select_related("main_contact__user", "main_contact__authority")
        .order_by("pk")
    )
    drafts = []
    for enrolment in enrolments:
        contact = enrolment.main_contact or admin
        start = min(assessed[enrolment.pk] + timedelta(days=rng.randint(3, 14)), today)
        days = [start]
        while days[-1] + timedelta(weeks=FOLLOW_UP_WEEKS) <= today:
            days.append(days[-1] + timedelta(weeks=FOLLOW_UP_WEEKS))
        if len(days) > 1 and rng.random() < 0.15:
            days.pop()  # a follow-up that never happened: the plan is overdue
        plan = Plan(
            federation=ctx.federation,
            enrolment=enrolment,
            participant_words=rng.choice(WORDS),
            participant_goals=rng.choice(OWN_GOALS),
            template_key=template.key,
            created_by=contact.user,
            created_at=_at(start),
        )
        drafts.append(_Draft(enrolment, plan, start, days, rng.choice([0.6, 0.8, 0.9])))
    Plan.objects.bulk_create([d.plan for d in drafts])

    for d in drafts:
        d.goals = [
            PlanGoal(
                federation=ctx.federation,
                plan=d.plan,
                position=i,
                title=spec["title"],
                description=spec.get("description", ""),
                target_date=d.start + timedelta(weeks=spec["weeks"]),
            )
            for i, spec in enumerate(template.goals)
        ]
    PlanGoal.objects.bulk_create([g for d in drafts for g in d.goals])

    for d in drafts:
        contact = d.enrolment.main_contact
        for goal, spec in zip(d.goals, template.goals, strict=True):
            for a in spec["actions"]:
                by_contact = a["who"] == "main_contact" and contact is not None
                d.actions.append(
                    PlanAction(
                        federation=ctx.federation,
                        plan=d.plan,
                        goal=goal,
                        position=len(d.actions),
                        what=a["what"],
                        by_participant=a["who"] == "participant",
                        responsible=contact if by_contact else None,
                        authority=contact.authority if by_contact else None,
                        due_date=d.start + timedelta(weeks=a["weeks"]),
                    )
                )
    PlanAction.objects.bulk_create([a for d in drafts for a in d.actions])

    versions, meetings = [], []
    for d in drafts:
        versions += _history(ctx, rng, d, template)
        meetings += _meetings(ctx, rng, d, admin)
    PlanVersion.objects.bulk_create(versions)
    Plan.objects.bulk_update(
        [d.plan for d in drafts], ["agreed_on", "next_follow_up", "version", "updated_at"]
    )
    PlanGoal.objects.bulk_update([g for d in drafts for g in d.goals], ["status"])
    PlanAction.objects.bulk_update([a for d in drafts for a in d.actions], ["status", "done_on"])
    _save_meetings(ctx, meetings)


def _history(ctx, rng, d: _Draft, template) -> list[PlanVersion]:
    """Version 1 when the plan is made, then one version per meeting with the progress made."""
    author = d.plan.created_by
    versions = []

    def keep(day: date, reason: str) -> None:
        snapshot = services.build_snapshot(d.plan, d.goals, d.actions)
        if versions and versions[-1].snapshot == snapshot:
            return
        d.plan.version = len(versions) + 1
        d.plan.updated_at = _at(day)
        versions.append(
            PlanVersion(
                federation=ctx.federation,
                plan=d.plan,
                number=d.plan.version,
                snapshot=snapshot,
                reason=reason,
                created_by=author,
                created_at=_at(day),
            )
        )

    keep(d.start, f"Planen skapades från mallen {template.name}")
    for index, day in enumerate(d.meeting_days):
        if index == 0:
            d.plan.agreed_on = day
            reason = f"Från trepartssamtal {day}: nästa uppföljning, planen överenskommen"
        else:
            _progress(rng, d, day)
            reason = f"Från uppföljningsmöte {day}: nästa uppföljning"
        d.plan.next_follow_up = day + timedelta(weeks=FOLLOW_UP_WEEKS)
        keep(day, reason)
    # Between meetings the case worker ticks off what gets done; a few things stay late.
    last = d.meeting_days[-1]
    if last < ctx.today - timedelta(days=7):
        day = ctx.today - timedelta(days=rng.randint(0, 6))
        _progress(rng, d, day)
        keep(day, "Åtgärder markerade som klara")
    return versions


def _progress(rng, d: _Draft, day: date) -> None:
    """Before a follow-up: most things due by then are done, a few are late."""
    for action in d.actions:
        if not action.is_open or action.due_date is None:
            continue
        if action.due_date <= day and rng.random() < d.pace:
            action.status, action.done_on = PlanAction.Status.DONE, action.due_date
        elif action.due_date <= day + timedelta(weeks=4):
            action.status = PlanAction.Status.IN_PROGRESS
    for goal in d.goals:
        states = {a.status for a in d.actions if a.goal is goal}
        if states == {PlanAction.Status.DONE}:
            goal.status = PlanGoal.Status.ACHIEVED
        elif states & {PlanAction.Status.DONE, PlanAction.Status.IN_PROGRESS}:
            goal.status = PlanGoal.Status.IN_PROGRESS


def _meetings(ctx, rng, d: _Draft, admin) -> list[tuple[Meeting, list]]:
    contact = d.enrolment.main_contact or admin
    attendees = [contact] if contact.role == "case_worker" else []
    result = []
    for index, day in enumerate(d.meeting_days):
        meeting = Meeting(
            federation=ctx.federation,
            enrolment=d.enrolment,
            kind=Meeting.Kind.TRIPARTITE if index == 0 else Meeting.Kind.FOLLOW_UP,
            held_on=day,
            other_attendees=rng.choice(["", "Tolk", "Tolk", "Handledare från praktikplatsen"]),
            notes=rng.choice(NOTES),
            decisions=rng.choice(DECISIONS),
            next_follow_up=day + timedelta(weeks=FOLLOW_UP_WEEKS),
            created_by=contact.user,
            created_at=_at(day),
        )
        result.append((meeting, attendees))
    booked = d.meeting_days[-1] + timedelta(weeks=FOLLOW_UP_WEEKS)
    if ctx.today <= booked <= ctx.today + timedelta(days=30) and rng.random() < 0.5:
        meeting = Meeting(
            federation=ctx.federation,
            enrolment=d.enrolment,
            kind=Meeting.Kind.FOLLOW_UP,
            held_on=booked,
            created_by=contact.user,
        )
        result.append((meeting, attendees))
    return result


def _save_meetings(ctx, meetings: list[tuple[Meeting, list]]) -> None:
    Meeting.objects.bulk_create([m for m, _ in meetings])
    authorities = [a for a in ctx.authorities.values() if a.kind in ("af", "kommun")][:2]
    people = Meeting.attendees.through
    orgs = Meeting.authorities.through
    people.objects.bulk_create(
        [
            people(federation_id=m.federation_id, meeting_id=m.pk, membership_id=p.pk)
            for m, staff in meetings
            for p in staff
        ]
    )
    orgs.objects.bulk_create(
        [
            orgs(federation_id=m.federation_id, meeting_id=m.pk, authority_id=a.pk)
            for m, _ in meetings
            for a in authorities
        ]
    )
