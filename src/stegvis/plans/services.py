"""Writes for plans, goals, actions, meetings and plan templates (SPEC §5).

Every change to a plan ends with ``_record_version``: a full snapshot of the plan after the
change, with author and time, so the history can show exactly what changed and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.memo import memoized
from stegvis.core.models import Authority, Membership
from stegvis.core.roles import PERSONAL_DATA_PERMS, ROLE_PERMISSIONS
from stegvis.core.tenancy import require_federation
from stegvis.participants.access import require_active_consent, require_intervention_in_scope
from stegvis.participants.models import Enrolment
from stegvis.plans import defaults
from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal, PlanTemplate, PlanVersion

A = audit.Action


# --- Templates -------------------------------------------------------------------------------


@memoized(lambda: ())
def ensure_templates() -> list[PlanTemplate]:
    """The federation's templates; the defaults are added when missing (idempotent)."""
    templates = list(PlanTemplate.objects.all())
    have = {t.key for t in templates}
    missing = [
        PlanTemplate(
            federation_id=require_federation().pk,
            key=t["key"],
            name=t["name"],
            description=t["description"],
            goals=t["goals"],
            position=i,
        )
        for i, t in enumerate(defaults.DEFAULT_TEMPLATES)
        if t["key"] not in have
    ]
    if missing:
        PlanTemplate.objects.bulk_create(missing, ignore_conflicts=True)
        templates = list(PlanTemplate.objects.all())
    return templates


@transaction.atomic
def template_save(
    *,
    actor,
    template: PlanTemplate | None,
    key: str,
    name: str,
    description: str,
    goals_text: str,
    active: bool,
) -> PlanTemplate:
    goals = defaults.goals_from_text(goals_text)
    if template is None:
        if PlanTemplate.objects.filter(key=key).exists():
            raise ValidationError({"key": "Nyckeln finns redan."})
        last = PlanTemplate.objects.aggregate(p=Max("position"))["p"]
        template = PlanTemplate(key=key, position=(last or 0) + 1)
        action = A.CREATE
    else:
        action = A.UPDATE
    template.name = name.strip()
    template.description = description.strip()
    template.goals = goals
    template.active = active
    template.save()
    audit.log(actor=actor, action=action, obj=template, detail={"key": template.key})
    return template


# --- Who may carry an action -----------------------------------------------------------------


def responsible_choices(enrolment: Enrolment) -> QuerySet[Membership]:
    """Staff who may see the participant: those with personal data (a role holding it, main
    or extra) who work in the enrolment's intervention."""
    with_data = {r for r, perms in ROLE_PERMISSIONS.items() if perms & PERSONAL_DATA_PERMS}
    candidates = (
        Membership.objects.filter(is_active=True, interventions=enrolment.intervention_id)
        .select_related("user", "authority")
        .distinct()
        .order_by("user__first_name", "user__last_name")
    )
    ids = [m.pk for m in candidates if with_data & set(m.roles)]
    return candidates.filter(pk__in=ids)


# --- Snapshots and versions ------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def snapshot(plan: Plan) -> dict:
    goals = list(plan.goals.all().order_by("position", "id"))
    actions = list(
        plan.actions.select_related("authority", "responsible__user").order_by("position", "id")
    )
    return build_snapshot(plan, goals, actions)


def build_snapshot(plan: Plan, goals: list[PlanGoal], actions: list[PlanAction]) -> dict:
    """The plan in display form (see ``versioning``), from objects already in memory."""
    titles = {g.pk: g.title for g in goals}
    return {
        "plan": {
            "participant_words": plan.participant_words,
            "participant_goals": plan.participant_goals,
            "agreed_on": _iso(plan.agreed_on),
            "next_follow_up": _iso(plan.next_follow_up),
        },
        "goals": [
            {
                "id": g.pk,
                "title": g.title,
                "description": g.description,
                "target_date": _iso(g.target_date),
                "status": g.get_status_display(),
            }
            for g in goals
        ],
        "actions": [
            {
                "id": a.pk,
                "goal": titles.get(a.goal_id, ""),
                "what": a.what,
                "who": a.who(),
                "due_date": _iso(a.due_date),
                "status": a.get_status_display(),
            }
            for a in actions
        ],
    }


def _record_version(plan: Plan, *, actor, reason: str) -> PlanVersion | None:
    """Keep a snapshot after a change; nothing is recorded when nothing changed."""
    current = snapshot(plan)
    last = plan.versions.order_by("-number").first()
    if last is not None and last.snapshot == current:
        return None
    plan.version = (last.number if last else 0) + 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["version", "updated_at"])
    version = PlanVersion.objects.create(
        plan=plan, number=plan.version, snapshot=current, reason=reason[:200], created_by=actor
    )
    audit.log(
        actor=actor,
        action=A.UPDATE if plan.version > 1 else A.CREATE,
        obj=plan,
        reason=reason,
        detail={"participant": plan.enrolment.participant_id, "version": plan.version},
    )
    return version


def _check(membership: Membership, plan_or_enrolment) -> Enrolment:
    """In scope, and consent is the gate: nothing about a named person is written in an
    intervention without his active consent for it."""
    enrolment = getattr(plan_or_enrolment, "enrolment", plan_or_enrolment)
    require_intervention_in_scope(membership, enrolment.intervention)
    require_active_consent(enrolment.participant, enrolment.intervention)
    return enrolment


# --- Plan ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor,
    membership: Membership,
    enrolment: Enrolment,
    template: PlanTemplate | None = None,
    start: date | None = None,
    participant_words: str = "",
    participant_goals: str = "",
) -> Plan:
    """The enrolment's plan, empty or from a template (target dates counted from ``start``)."""
    _check(membership, enrolment)
    if Plan.objects.filter(enrolment=enrolment).exists():
        raise ValidationError("Deltagandet har redan en plan.")
    start = start or timezone.localdate()
    plan = Plan.objects.create(
        enrolment=enrolment,
        participant_words=participant_words.strip(),
        participant_goals=participant_goals.strip(),
        template_key=template.key if template else "",
        created_by=actor,
    )
    if template is not None:
        contact = enrolment.main_contact
        goals, actions = [], []
        for gi, spec in enumerate(template.goals):
            goal = PlanGoal(
                plan=plan,
                federation_id=plan.federation_id,
                position=gi,
                title=spec["title"][:200],
                description=spec.get("description", ""),
                target_date=_after(start, spec.get("weeks")),
            )
            goals.append(goal)
        PlanGoal.objects.bulk_create(goals)
        goals = list(plan.goals.order_by("position"))
        position = 0
        for goal, spec in zip(goals, template.goals, strict=True):
            for action_spec in spec.get("actions", []):
                who = action_spec.get("who", "")
                by_contact = who == "main_contact" and contact is not None
                actions.append(
                    PlanAction(
                        plan=plan,
                        federation_id=plan.federation_id,
                        goal=goal,
                        position=position,
                        what=action_spec["what"][:300],
                        by_participant=who == "participant",
                        responsible=contact if by_contact else None,
                        authority_id=contact.authority_id if by_contact else None,
                        due_date=_after(start, action_spec.get("weeks")),
                    )
                )
                position += 1
        PlanAction.objects.bulk_create(actions)
    reason = f"Planen skapades från mallen {template.name}" if template else "Planen skapades"
    _record_version(plan, actor=actor, reason=reason)
    return plan


def _after(start: date, weeks) -> date | None:
    return start + timedelta(weeks=int(weeks)) if weeks not in (None, "") else None


@transaction.atomic
def plan_update(
    *,
    actor,
    membership: Membership,
    plan: Plan,
    participant_words: str,
    participant_goals: str,
    agreed_on: date | None,
    next_follow_up: date | None,
) -> Plan:
    _check(membership, plan)
    if agreed_on and next_follow_up and next_follow_up < agreed_on:
        raise ValidationError(
            {"next_follow_up": "Nästa uppföljning kan inte ligga före dagen planen överenskoms."}
        )
    plan.participant_words = participant_words.strip()
    plan.participant_goals = participant_goals.strip()
    plan.agreed_on = agreed_on
    plan.next_follow_up = next_follow_up
    plan.save()
    _record_version(plan, actor=actor, reason="Planens uppgifter ändrades")
    return plan


@transaction.atomic
def goal_save(
    *,
    actor,
    membership: Membership,
    plan: Plan,
    goal: PlanGoal | None = None,
    title: str,
    description: str = "",
    target_date: date | None = None,
    status: str = PlanGoal.Status.PLANNED,
) -> PlanGoal:
    _check(membership, plan)
    title = title.strip()
    errors = {}
    if not title:
        errors["title"] = "Skriv målet."
    if status not in PlanGoal.Status.values:
        errors["status"] = "Okänd status."
    changed_date = goal is None or goal.target_date != target_date
    if target_date and changed_date and target_date < timezone.localdate():
        errors["target_date"] = "Datumet för när målet ska vara klart har redan passerat."
    if errors:
        raise ValidationError(errors)
    created = goal is None
    if created:
        last = plan.goals.aggregate(p=Max("position"))["p"]
        goal = PlanGoal(plan=plan, position=(last if last is not None else -1) + 1)
    elif goal.plan_id != plan.pk:
        raise ValidationError("Målet hör inte till planen.")
    goal.title = title
    goal.description = description.strip()
    goal.target_date = target_date
    goal.status = status
    goal.save()
    _record_version(plan, actor=actor, reason=f"Mål {'tillagt' if created else 'ändrat'}")
    return goal


@transaction.atomic
def goal_delete(*, actor, membership: Membership, goal: PlanGoal) -> None:
    plan = goal.plan
    _check(membership, plan)
    goal.delete()  # its actions stay in the plan, without a goal
    _record_version(plan, actor=actor, reason="Mål borttaget")


@dataclass
class ActionData:
    what: str
    goal: PlanGoal | None = None
    authority: Authority | None = None
    responsible: Membership | None = None
    by_participant: bool = False
    responsible_other: str = ""
    due_date: date | None = None
    status: str = PlanAction.Status.PLANNED


@transaction.atomic
def action_save(
    *,
    actor,
    membership: Membership,
    plan: Plan,
    data: ActionData,
    action: PlanAction | None = None,
) -> PlanAction:
    enrolment = _check(membership, plan)
    what = data.what.strip()
    errors = {}
    if not what:
        errors["what"] = "Skriv vad som ska göras."
    if data.goal is not None and data.goal.plan_id != plan.pk:
        errors["goal"] = "Målet hör inte till planen."
    if data.status not in PlanAction.Status.values:
        errors["status"] = "Okänd status."
    if (
        data.responsible is not None
        and not responsible_choices(enrolment).filter(pk=data.responsible.pk).exists()
    ):
        errors["responsible"] = "Den ansvariga arbetar inte med deltagarens insats."
    if not (data.by_participant or data.responsible or data.responsible_other or data.authority):
        errors["responsible"] = (
            "Ange vem som ansvarar: deltagaren, en organisation eller en person."
        )
    if errors:
        raise ValidationError(errors)
    created = action is None
    if created:
        last = plan.actions.aggregate(p=Max("position"))["p"]
        action = PlanAction(plan=plan, position=(last if last is not None else -1) + 1)
    elif action.plan_id != plan.pk:
        raise ValidationError("Åtgärden hör inte till planen.")
    authority = data.authority
    if authority is None and data.responsible is not None:
        authority = data.responsible.authority
    previous_goal_id = action.goal_id
    action.what = what
    action.goal = data.goal
    action.authority = authority
    action.responsible = data.responsible
    action.by_participant = data.by_participant
    action.responsible_other = data.responsible_other.strip()
    action.due_date = data.due_date
    _set_status(action, data.status)
    action.save()
    goal_follow_actions(action.goal_id, previous_goal_id)
    _record_version(plan, actor=actor, reason=f"Åtgärd {'tillagd' if created else 'ändrad'}")
    return action


def _set_status(action: PlanAction, status: str) -> None:
    if status == PlanAction.Status.DONE and action.status != status:
        action.done_on = timezone.localdate()
    elif status != PlanAction.Status.DONE:
        action.done_on = None
    action.status = status


@transaction.atomic
def action_set_status(*, actor, membership: Membership, action: PlanAction, status: str) -> None:
    plan = action.plan
    _check(membership, plan)
    if status not in PlanAction.Status.values:
        raise ValidationError("Okänd status.")
    _set_status(action, status)
    action.save(update_fields=["status", "done_on"])
    goal_follow_actions(action.goal_id)
    _record_version(plan, actor=actor, reason=f"Åtgärd {action.get_status_display().lower()}")


@transaction.atomic
def action_delete(*, actor, membership: Membership, action: PlanAction) -> None:
    plan = action.plan
    _check(membership, plan)
    goal_id = action.goal_id
    action.delete()
    goal_follow_actions(goal_id)
    _record_version(plan, actor=actor, reason="Åtgärd borttagen")


def goal_follow_actions(*goal_ids) -> None:
    """A goal's status follows its actions: all done (struck ones aside) is achieved, any begun
    or done is in progress. A dropped goal stays dropped, and a begun one is never set back to
    "not started" by itself."""
    for goal in PlanGoal.objects.filter(pk__in=[g for g in goal_ids if g]):
        if goal.status == PlanGoal.Status.DROPPED:
            continue
        states = [
            s
            for s in goal.actions.values_list("status", flat=True)
            if s != PlanAction.Status.CANCELLED
        ]
        if not states:
            continue
        if all(s == PlanAction.Status.DONE for s in states):
            status = PlanGoal.Status.ACHIEVED
        elif any(s != PlanAction.Status.PLANNED for s in states):
            status = PlanGoal.Status.IN_PROGRESS
        elif goal.status == PlanGoal.Status.ACHIEVED:
            status = PlanGoal.Status.IN_PROGRESS  # reopened: no longer achieved
        else:
            continue  # a goal someone has begun is not set back to "not started" by itself
        if goal.status != status:
            goal.status = status
            goal.save(update_fields=["status"])


# --- Meetings --------------------------------------------------------------------------------


@dataclass
class MeetingData:
    kind: str
    held_on: date
    participant_present: bool = True
    attendees: list[Membership] = field(default_factory=list)
    authorities: list[Authority] = field(default_factory=list)
    other_attendees: str = ""
    notes: str = ""
    decisions: str = ""
    next_follow_up: date | None = None
    plan_agreed: bool = False


@transaction.atomic
def meeting_save(
    *,
    actor,
    membership: Membership,
    enrolment: Enrolment,
    data: MeetingData,
    meeting: Meeting | None = None,
) -> Meeting:
    """Record a meeting (or plan one with a future date). Its next follow-up becomes the
    plan's; "plan agreed" marks the plan as agreed on the meeting's date."""
    _check(membership, enrolment)
    errors = {}
    if data.kind not in Meeting.Kind.values:
        errors["kind"] = "Välj typ av möte."
    if data.next_follow_up and data.next_follow_up <= data.held_on:
        errors["next_follow_up"] = "Nästa uppföljning ska ligga efter mötet."
    if data.plan_agreed and data.held_on > timezone.localdate():
        errors["plan_agreed"] = "Ett möte som inte har hållits än kan inte godkänna planen."
    allowed = set(responsible_choices(enrolment).values_list("pk", flat=True))
    if any(m.pk not in allowed for m in data.attendees):
        errors["attendees"] = "Alla deltagare från stegvis måste arbeta med insatsen."
    if errors:
        raise ValidationError(errors)
    created = meeting is None
    if created:
        meeting = Meeting(enrolment=enrolment, created_by=actor)
    elif meeting.enrolment_id != enrolment.pk:
        raise ValidationError("Mötet hör inte till deltagandet.")
    meeting.kind = data.kind
    meeting.held_on = data.held_on
    meeting.participant_present = data.participant_present
    meeting.other_attendees = data.other_attendees.strip()
    meeting.notes = data.notes.strip()
    meeting.decisions = data.decisions.strip()
    meeting.next_follow_up = data.next_follow_up
    meeting.save()
    meeting.attendees.set(data.attendees)
    meeting.authorities.set(data.authorities)
    audit.log(
        actor=actor,
        action=A.CREATE if created else A.UPDATE,
        obj=meeting,
        detail={"participant": enrolment.participant_id, "enrolment": enrolment.pk},
    )
    plan = Plan.objects.filter(enrolment=enrolment).first()
    if plan is not None:
        reasons = []
        if data.next_follow_up and plan.next_follow_up != data.next_follow_up:
            plan.next_follow_up = data.next_follow_up
            reasons.append("nästa uppföljning")
        if data.plan_agreed and plan.agreed_on != data.held_on:
            plan.agreed_on = data.held_on
            reasons.append("planen överenskommen")
        if reasons:
            plan.save(update_fields=["next_follow_up", "agreed_on"])
            label = meeting.get_kind_display().lower()
            _record_version(
                plan, actor=actor, reason=f"Från {label} {data.held_on}: {', '.join(reasons)}"
            )
    return meeting
