"""Business operations on activities, sessions, places, attendance, compensation and
placements (SPEC §6). Each runs in one transaction and writes its audit entry.

``activity_create`` and ``attendance_record`` take plain values so that an importer can call
them row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stegvis.activities import rules
from stegvis.activities.models import (
    ASSOCIATION_KINDS,
    Activity,
    ActivityCost,
    ActivityEnrolment,
    ActivityKind,
    Attendance,
    AttendanceMark,
    Compensation,
    CompensationCorrection,
    Mentor,
    Placement,
    PlacementBooking,
    Session,
    WorkflowStep,
)
from stegvis.core import audit
from stegvis.core.models import Association, Membership
from stegvis.core.roles import Perm, Role
from stegvis.core.tenancy import require_federation
from stegvis.participants.models import Enrolment

A = audit.Action


def _require(membership: Membership | None, perm: str) -> None:
    if membership is not None and not membership.has_perm(perm):
        raise PermissionDenied("Din roll har inte behörighet till den här åtgärden.")


# --- Activities -------------------------------------------------------------------------------


@dataclass
class ActivityDetails:
    title: str
    category: str
    description: str = ""
    serves_language: bool = False
    serves_health: bool = False
    serves_network: bool = False
    plan: str = ""
    municipality: str = ""
    address: str = ""
    languages: list[str] | None = None
    capacity: int = 10
    leader_count: int = 1
    gender_restriction: str = ""
    working_group_id: int | None = None
    intervention_id: int | None = None
    kind: str = ActivityKind.NAD  # set when the activity is created, not changed later
    mentor_id: int | None = None
    placement_id: int | None = None


_DETAIL_FIELDS = (
    "title",
    "category",
    "description",
    "serves_language",
    "serves_health",
    "serves_network",
    "plan",
    "municipality",
    "address",
    "languages",
    "capacity",
    "leader_count",
    "gender_restriction",
    "working_group_id",
    "intervention_id",
    "mentor_id",
    "placement_id",
)


def activity_details_validate(details: ActivityDetails) -> None:
    """The rules for an activity's plan, for the form and the spreadsheet import alike."""
    errors = {}
    if not details.title.strip():
        errors["title"] = "Ange en rubrik."
    if details.capacity is None or details.capacity < 1:
        errors["capacity"] = "Aktiviteten behöver minst en plats."
    if details.leader_count is None or details.leader_count < 0:
        errors["leader_count"] = "Antalet ledare kan inte vara negativt."
    if details.kind not in ActivityKind.values:
        errors["kind"] = "Okänt slag av aktivitet."
    if details.kind == ActivityKind.MENTORSHIP:
        if not details.mentor_id:
            errors["mentor"] = "Ett mentorskap behöver en mentor."
        if details.capacity != 1:
            errors["capacity"] = "Ett mentorskap har en deltagare: ange 1 plats."
    if details.kind == ActivityKind.PLACEMENT and not details.placement_id:
        errors["placement"] = "Välj platsen hos arbetsgivaren."
    if errors:
        raise ValidationError(errors)


def _association_validate(kind: str, association) -> None:
    if kind in ASSOCIATION_KINDS and association is None:
        raise ValidationError(
            {"association": "En NAD-aktivitet drivs av en förening; välj föreningen."}
        )
    if kind == ActivityKind.GROUP and association is not None:
        raise ValidationError(
            {
                "association": "En egen gruppaktivitet leds av förbundets personal och hör inte "
                "till någon förening."
            }
        )


@transaction.atomic
def activity_create(
    *,
    actor,
    membership: Membership | None,
    association: Association | None,
    details: ActivityDetails,
    leaders: list[Membership] | tuple = (),
) -> Activity:
    """Plan a new activity of its kind: an NAD activity with an association (its five NAD steps
    are created with it), or an own group activity, study visit, mentorship or placement."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    activity_details_validate(details)
    _association_validate(details.kind, association)
    mentor = Mentor.objects.get(pk=details.mentor_id) if details.mentor_id else None
    placement = Placement.objects.get(pk=details.placement_id) if details.placement_id else None
    host = association or mentor or placement
    activity = Activity(
        kind=details.kind,
        association=association,
        hub=host.hub if host else None,
        municipality=details.municipality or (host.municipality if host else ""),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for name in _DETAIL_FIELDS:
        if name in ("municipality", "kind"):
            continue
        value = getattr(details, name)
        setattr(activity, name, list(value or []) if name == "languages" else value)
    activity.save()
    if leaders:
        _set_leaders(activity, leaders)
    if activity.is_nad:
        WorkflowStep.objects.bulk_create(
            [
                WorkflowStep(federation=activity.federation, activity=activity, step=step)
                for step in WorkflowStep.Step.values
            ]
        )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=activity,
        detail={"kind": activity.kind, "association": association.pk if association else None},
    )
    return activity


def _set_leaders(activity: Activity, leaders) -> None:
    for leader in leaders:
        if activity.association_id is None:
            if not leader.has_perm(Perm.RECORD_ATTENDANCE):
                raise ValidationError(
                    {"leaders": f"{leader.user.display_name()} kan inte registrera närvaro."}
                )
        elif leader.role != Role.ASSOCIATION_LEADER or leader.association_id != (
            activity.association_id
        ):
            raise ValidationError(
                {"leaders": f"{leader.user.display_name()} är inte ledare i föreningen."}
            )
    activity.leaders.set(leaders)
    if activity.leader_count < len(leaders):
        activity.leader_count = len(leaders)
        activity.save(update_fields=["leader_count"])


@transaction.atomic
def activity_update(
    *,
    actor,
    membership: Membership | None,
    activity: Activity,
    details: ActivityDetails,
    leaders=None,
) -> Activity:
    """Change the plan. An approved activity goes back to draft if a rule no longer holds."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    details.kind = activity.kind  # the kind is chosen once, when the activity is created
    activity_details_validate(details)
    taken = _active_places(activity).count()
    if details.capacity < taken:
        raise ValidationError(
            {"capacity": f"{taken} deltagare har redan plats; minska inte under det."}
        )
    changed = []
    for name in _DETAIL_FIELDS:
        value = getattr(details, name)
        if name == "languages":
            value = list(value or [])
        if getattr(activity, name) != value:
            setattr(activity, name, value)
            changed.append(name)
    activity.save()
    if leaders is not None:
        _set_leaders(activity, leaders)
        changed.append("leaders")
    _recheck_approval(actor, activity)
    audit.log(actor=actor, action=A.UPDATE, obj=activity, detail={"fields": changed})
    return activity


def _recheck_approval(actor, activity: Activity) -> None:
    if activity.status != Activity.Status.APPROVED:
        return
    from stegvis.activities.selectors import activity_checks

    if not rules.all_passed(activity_checks(activity)):
        activity.status = Activity.Status.DRAFT
        activity.approved_on = None
        activity.approved_by = None
        activity.save(update_fields=["status", "approved_on", "approved_by"])
        audit.log(
            actor=actor,
            action=A.UPDATE,
            obj=activity,
            reason="godkännande upphävt: regel uppfylls inte längre",
        )


@transaction.atomic
def cost_add(
    *, actor, membership, activity: Activity, kind: str, amount_sek, description: str = ""
) -> ActivityCost:
    _require(membership, Perm.MANAGE_ACTIVITIES)
    if kind not in ActivityCost.Kind.values:
        raise ValidationError({"kind": "Okänt slag av kostnad."})
    amount = Decimal(str(amount_sek))
    if amount < 0:
        raise ValidationError({"amount_sek": "Beloppet kan inte vara negativt."})
    cost = ActivityCost.objects.create(
        activity=activity, kind=kind, description=description, amount_sek=amount
    )
    _recheck_approval(actor, activity)
    audit.log(actor=actor, action=A.CREATE, obj=cost, detail={"activity": activity.pk})
    return cost


@transaction.atomic
def cost_remove(*, actor, membership, cost: ActivityCost) -> None:
    _require(membership, Perm.MANAGE_ACTIVITIES)
    audit.log(actor=actor, action=A.DELETE, obj=cost, detail={"activity": cost.activity_id})
    cost.delete()


@transaction.atomic
def workflow_step_update(
    *,
    actor,
    membership,
    step: WorkflowStep,
    owner: Membership | None,
    done_on: date | None,
    notes: str,
) -> WorkflowStep:
    _require(membership, Perm.MANAGE_ACTIVITIES)
    step.owner = owner
    step.done_on = done_on
    step.notes = notes
    step.save()
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=step,
        detail={"activity": step.activity_id, "step": step.step},
    )
    return step


@transaction.atomic
def activity_submit(*, actor, membership, activity: Activity, on: date | None = None) -> Activity:
    """Send a draft to its working group for quality approval (skicka för godkännande)."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    if activity.status != Activity.Status.DRAFT:
        raise ValidationError("Bara ett utkast kan skickas för godkännande.")
    if activity.submitted_on is not None:
        raise ValidationError("Aktiviteten är redan skickad för godkännande.")
    if activity.working_group_id is None:
        raise ValidationError(
            {"working_group": "Välj den samverkansgrupp som ska kvalitetsgodkänna aktiviteten."}
        )
    activity.submitted_on = on or timezone.localdate()
    activity.submitted_by = actor if getattr(actor, "pk", None) else None
    activity.save(update_fields=["submitted_on", "submitted_by"])
    audit.log(actor=actor, action=A.UPDATE, obj=activity, reason="skickad för godkännande")
    return activity


def is_working_group_member(membership: Membership | None, group_id: int | None) -> bool:
    from stegvis.core.models import WorkingGroupMember

    return bool(
        membership is not None
        and group_id is not None
        and WorkingGroupMember.objects.filter(group_id=group_id, membership=membership).exists()
    )


@transaction.atomic
def activity_quality_approve(
    *,
    actor,
    membership,
    activity: Activity,
    note: str = "",
    working_group=None,
    on: date | None = None,
) -> Activity:
    """The working group judges that the activity is good enough to go into etableringsplaner.

    Only a member of that working group records its decision, and only once the activity has
    been sent for approval. ``membership=None`` is the system (demo data, imports).
    """
    if working_group is not None:
        activity.working_group = working_group
    if activity.working_group_id is None:
        raise ValidationError(
            {"working_group": "Välj den samverkansgrupp som kvalitetsgodkänner aktiviteten."}
        )
    if membership is not None:
        if activity.submitted_on is None:
            raise ValidationError(
                "Aktiviteten har inte skickats för godkännande: samordnaren skickar den först."
            )
        if not is_working_group_member(membership, activity.working_group_id):
            raise PermissionDenied(
                f"Bara medlemmar i {activity.working_group.name} kan registrera gruppens "
                "kvalitetsgodkännande."
            )
    activity.quality_approved_on = on or timezone.localdate()
    activity.quality_approved_by = actor if getattr(actor, "pk", None) else None
    activity.quality_note = note
    activity.save(
        update_fields=[
            "working_group",
            "quality_approved_on",
            "quality_approved_by",
            "quality_note",
        ]
    )
    audit.log(actor=actor, action=A.UPDATE, obj=activity, reason="kvalitetsgodkänd")
    return activity


@transaction.atomic
def activity_approve(*, actor, membership, activity: Activity, on: date | None = None) -> Activity:
    """Approve the activity for NAD financing; refused with every failed rule's reason."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    from stegvis.activities.selectors import activity_checks

    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError("Aktiviteten är inställd och kan inte godkännas.")
    results = activity_checks(activity)
    failed = [r.explanation for r in results if not r.passed]
    if failed:
        raise ValidationError(failed)
    activity.status = Activity.Status.APPROVED
    activity.approved_on = on or timezone.localdate()
    activity.approved_by = actor if getattr(actor, "pk", None) else None
    activity.approval_checks = [list(r.as_tuple()) for r in results]
    activity.save(update_fields=["status", "approved_on", "approved_by", "approval_checks"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=activity,
        reason="godkänd för NAD" if activity.is_nad else f"godkänd ({activity.get_kind_display()})",
    )
    return activity


# --- Sessions ---------------------------------------------------------------------------------


def sessions_validate(
    *, count: int, every_days: int, start_time: time | None, end_time: time | None
) -> None:
    """The rules for a series of sessions, for the form and the spreadsheet import alike."""
    errors = {}
    if count < 1 or count > 60:
        errors["count"] = "Ange mellan 1 och 60 tillfällen."
    if every_days < 1:
        errors["every_days"] = "Intervallet måste vara minst en dag."
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = "Sluttiden måste vara efter starttiden."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sessions_create(
    *,
    actor,
    membership,
    activity: Activity,
    first_date: date,
    count: int = 1,
    every_days: int = 7,
    start_time: time | None = None,
    end_time: time | None = None,
) -> list[Session]:
    """One session, or a series (e.g. every week, ``count`` times)."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    sessions_validate(count=count, every_days=every_days, start_time=start_time, end_time=end_time)
    created = Session.objects.bulk_create(
        [
            Session(
                federation=activity.federation,
                activity=activity,
                date=first_date + timedelta(days=every_days * i),
                start_time=start_time,
                end_time=end_time,
            )
            for i in range(count)
        ]
    )
    audit.log(actor=actor, action=A.CREATE, obj=activity, detail={"sessions": len(created)})
    return created


@transaction.atomic
def session_cancel(*, actor, membership, session: Session, note: str = "") -> Session:
    _require(membership, Perm.MANAGE_ACTIVITIES)
    _refuse_if_frozen(session)
    session.cancelled = True
    session.note = note
    session.save(update_fields=["cancelled", "note"])
    _recheck_approval(actor, session.activity)
    audit.log(actor=actor, action=A.UPDATE, obj=session, reason="inställt")
    return session


# --- Places in activities ---------------------------------------------------------------------


def _active_places(activity: Activity):
    return ActivityEnrolment.objects.filter(
        activity=activity, status=ActivityEnrolment.Status.ACTIVE
    )


@transaction.atomic
def place_create(
    *,
    actor,
    membership: Membership | None,
    activity: Activity,
    enrolment: Enrolment,
    start_date: date | None = None,
    reason: str = "",
) -> ActivityEnrolment:
    """Give a participant (through an intervention enrolment) a place in an activity.

    Never beyond capacity; respects the activity's gender restriction."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if membership is not None:
        from stegvis.participants.access import require_intervention_in_scope

        require_intervention_in_scope(membership, enrolment.intervention)
    if enrolment.end_date is not None:
        raise ValidationError("Deltagandet är avslutat; personen kan inte få en plats.")
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError("Aktiviteten är inställd.")
    existing = ActivityEnrolment.objects.filter(activity=activity, enrolment=enrolment).first()
    if existing and existing.status == ActivityEnrolment.Status.ACTIVE:
        raise ValidationError("Personen har redan en plats i aktiviteten.")
    if _active_places(activity).count() >= activity.capacity:
        raise ValidationError(
            f"Aktiviteten är full ({activity.capacity} platser). Ingen plats skapades."
        )
    gender = enrolment.participant.gender
    if activity.gender_restriction and gender != activity.gender_restriction:
        raise ValidationError(
            f"Aktiviteten är {activity.get_gender_restriction_display().lower()}."
        )
    start = start_date or timezone.localdate()
    if existing:
        existing.status = ActivityEnrolment.Status.ACTIVE
        existing.start_date = start
        existing.end_date = None
        existing.save(update_fields=["status", "start_date", "end_date"])
        place = existing
    else:
        place = ActivityEnrolment.objects.create(
            activity=activity,
            enrolment=enrolment,
            start_date=start,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=enrolment.participant,
        reason=reason or "plats i aktivitet",
        detail={"activity": activity.pk, "place": place.pk},
    )
    return place


@transaction.atomic
def place_end(*, actor, membership, place: ActivityEnrolment, end_date: date | None = None):
    if membership is not None:
        from stegvis.participants.access import require_intervention_in_scope

        require_intervention_in_scope(membership, place.enrolment.intervention)
    return _leave(actor, place, end_date or timezone.localdate(), "slutat i aktivitet")


def _leave(actor, place: ActivityEnrolment, day: date, reason: str) -> ActivityEnrolment:
    place.status = ActivityEnrolment.Status.LEFT
    place.end_date = max(day, place.start_date)  # a place not yet started ends the day it starts
    place.save(update_fields=["status", "end_date"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=place.enrolment.participant,
        reason=reason,
        detail={"activity": place.activity_id, "place": place.pk},
    )
    return place


@transaction.atomic
def activity_cancel(
    *, actor, membership, activity: Activity, reason: str, on: date | None = None
) -> Activity:
    """Cancel (ställa in) an activity from ``on`` (today): its sessions from that day are
    cancelled and everyone with a place leaves it. Sessions already held, their attendance and
    a computed compensation stay as they are: the association is paid for what was held."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    reason = (reason or "").strip()
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(
            f"Aktiviteten ställdes redan in {activity.cancelled_on:%Y-%m-%d}."
            if activity.cancelled_on
            else "Aktiviteten är redan inställd."
        )
    if not reason:
        raise ValidationError({"reason": "Skriv varför aktiviteten ställs in."})
    day = on or timezone.localdate()
    sessions = Session.objects.filter(activity=activity, date__gte=day, cancelled=False)
    first = sessions.order_by("date").first()
    if first is not None:
        _refuse_if_frozen(first)
    cancelled_sessions = sessions.update(cancelled=True, note="Aktiviteten är inställd")
    places = list(_active_places(activity).select_related("enrolment__participant").order_by("pk"))
    for place in places:
        _leave(actor, place, day, "aktiviteten inställd")
    activity.status = Activity.Status.CANCELLED
    activity.cancelled_on = day
    activity.cancel_reason = reason[:300]
    activity.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=activity,
        reason="inställd",
        detail={"sessions": cancelled_sessions, "places": len(places)},
    )
    return activity


# --- Frozen attendance ------------------------------------------------------------------------


def frozen_compensation(session: Session) -> Compensation | None:
    """The approved or paid compensation that counts this session, if any.

    A compensation counts the activity's sessions up to its ``period_end`` (the last session
    held when it was computed); once approved, their attendance is frozen."""
    return (
        Compensation.objects.filter(
            activity_id=session.activity_id,
            status__in=[Compensation.Status.APPROVED, Compensation.Status.PAID],
            period_end__gte=session.date,
        )
        .order_by("pk")
        .first()
    )


def frozen_message(compensation: Compensation, day: date) -> str:
    return (
        f"Närvaron {day:%Y-%m-%d} ingår i en {compensation.get_status_display().lower()} "
        "ersättning och är låst. En ändring görs som rättelse av ersättningen."
    )


def _refuse_if_frozen(session: Session) -> None:
    frozen = frozen_compensation(session)
    if frozen is not None:
        raise ValidationError(frozen_message(frozen, session.date))


# --- Attendance -------------------------------------------------------------------------------


def can_record_attendance(membership: Membership, activity: Activity) -> bool:
    """The activity's own leaders, and the federation admin (who may see all personal data).

    Coordinators plan activities but hold no personal data (SPEC §1), so they see attendance
    as counts only."""
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return True
    return membership.has_perm(Perm.RECORD_ATTENDANCE) and (
        activity.leaders.filter(pk=membership.pk).exists()
    )


@transaction.atomic
def attendance_record(
    *,
    actor,
    membership: Membership | None,
    session: Session,
    place: ActivityEnrolment,
    present: bool,
    marked_at=None,
) -> Attendance:
    """Set one participant's presence at one session (idempotent). ``marked_at`` is when the
    mark was made on the device, when it comes later from a phone that was offline."""
    if place.activity_id != session.activity_id:
        raise ValidationError("Deltagaren har ingen plats i den här aktiviteten.")
    if membership is not None and not can_record_attendance(membership, session.activity):
        raise PermissionDenied("Du leder inte den här aktiviteten.")
    if session.cancelled:
        raise ValidationError("Tillfället är inställt.")
    if not session.has_started():
        raise ValidationError(
            "Närvaro kan inte registreras för ett kommande tillfälle: det har inte börjat än."
        )
    _refuse_if_frozen(session)
    row, created = Attendance.objects.update_or_create(
        session=session,
        place=place,
        defaults={
            "present": present,
            "recorded_at": timezone.now(),
            "recorded_by": actor if getattr(actor, "pk", None) else None,
            "marked_at": marked_at or timezone.now(),
        },
    )
    audit.log(
        actor=actor,
        action=A.CREATE if created else A.UPDATE,
        obj=row,
        detail={"session": session.pk, "place": place.pk, "present": present},
    )
    return row


@transaction.atomic
@transaction.atomic
def attendance_record_session(
    *, actor, membership, session: Session, present_place_ids: set[int]
) -> int:
    """Record the whole list for a session: checked places present, the others absent. The
    list is one write: a refused mark, a lost database or a killed worker saves none of it."""
    places = list(
        ActivityEnrolment.objects.filter(activity_id=session.activity_id)
        .filter(Q(status=ActivityEnrolment.Status.ACTIVE) | Q(attendance__session=session))
        .distinct()
    )
    for place in places:
        attendance_record(
            actor=actor,
            membership=membership,
            session=session,
            place=place,
            present=place.pk in present_place_ids,
        )
    return len(places)


@dataclass(frozen=True)
class Mark:
    """One mark from a leader's phone: a place, present or not, and when it was made there."""

    place_id: int
    present: bool
    marked_at: datetime
    device: str = ""


def _mark_time(mark: Attendance) -> datetime:
    return mark.marked_at or mark.recorded_at


@transaction.atomic
def attendance_sync(*, actor, membership, session: Session, marks: list[Mark]) -> list[dict]:
    """Apply marks sent from a phone, perhaps long after they were made offline.

    Every mark is logged (``AttendanceMark``). A mark is applied unless the attendance already
    holds a later mark (by the time on the device; a time ahead of the server's clock counts as
    now): so when two devices mark the same person, the later mark wins and both are logged.
    Marks for a session that is frozen by an approved compensation, cancelled or still to come
    are refused with the reason, and nothing changes. Answers one result per mark:
    ``{"place", "outcome", "present", "message"}`` with the attendance now on the server."""
    if membership is not None and not can_record_attendance(membership, session.activity):
        raise PermissionDenied("Du leder inte den här aktiviteten.")
    now = timezone.now()
    by = actor if getattr(actor, "pk", None) else None
    places = {p.pk: p for p in ActivityEnrolment.objects.filter(activity_id=session.activity_id)}
    refusal = ""
    frozen = frozen_compensation(session)
    if frozen is not None:
        refusal = frozen_message(frozen, session.date)
    elif session.cancelled:
        refusal = "Tillfället är inställt."
    elif session.date > timezone.localdate():
        refusal = "Närvaro kan inte registreras för ett kommande tillfälle."
    results = []
    for mark in sorted(marks, key=lambda m: m.marked_at):
        at = min(mark.marked_at, now)
        place = places.get(mark.place_id)
        current = Attendance.objects.filter(session=session, place=place).first() if place else None
        if place is None:
            outcome, message = AttendanceMark.Outcome.REFUSED, "Personen har ingen plats här."
        elif refusal:
            outcome, message = AttendanceMark.Outcome.REFUSED, refusal
        elif current is not None and _mark_time(current) > at:
            outcome = AttendanceMark.Outcome.OLDER
            message = (
                f"En senare markering ({timezone.localtime(_mark_time(current)):%H:%M}) gäller."
            )
        else:
            current = attendance_record(
                actor=actor,
                membership=None,
                session=session,
                place=place,
                present=mark.present,
                marked_at=at,
            )
            outcome, message = AttendanceMark.Outcome.APPLIED, ""
        if place is not None:
            AttendanceMark.objects.create(
                session=session,
                place=place,
                present=mark.present,
                marked_at=at,
                device=mark.device[:40],
                received_at=now,
                received_by=by,
                outcome=outcome,
                message=message[:300],
            )
        results.append(
            {
                "place": mark.place_id,
                "outcome": str(outcome),
                "present": current.present if current is not None else None,
                "message": message,
            }
        )
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=session,
        reason="närvaro från telefon",
        detail={
            "marks": len(marks),
            "applied": sum(1 for r in results if r["outcome"] == "applied"),
            "refused": sum(1 for r in results if r["outcome"] == "refused"),
        },
    )
    return results


# --- Compensation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompensationBasis:
    sessions_held: int
    rows: list[dict]
    counted: int


def compensation_basis(activity: Activity, as_of: date, share) -> CompensationBasis:
    held_ids = list(
        Session.objects.filter(activity=activity, cancelled=False, date__lte=as_of).values_list(
            "id", flat=True
        )
    )
    held = len(held_ids)
    present_by_place: dict[int, int] = {}
    for place_id in Attendance.objects.filter(session_id__in=held_ids, present=True).values_list(
        "place_id", flat=True
    ):
        present_by_place[place_id] = present_by_place.get(place_id, 0) + 1
    rows = []
    for place in ActivityEnrolment.objects.filter(activity=activity).order_by("pk"):
        present = present_by_place.get(place.pk, 0)
        rows.append(
            {
                "place": place.pk,
                "present": present,
                "held": held,
                "counts": rules.counts_for_compensation(present, held, share),
            }
        )
    return CompensationBasis(held, rows, sum(1 for r in rows if r["counts"]))


@transaction.atomic
def compensation_compute(
    *, actor, membership, activity: Activity, as_of: date | None = None
) -> Compensation:
    """Compute (or recompute, while a draft) the compensation for an approved activity."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    from stegvis.activities.selectors import activity_checks

    if not activity.is_compensated:
        raise ValidationError(
            f"{activity.get_kind_display()} ersätts inte; bara NAD-aktiviteter ger ersättning "
            "till föreningen."
        )
    if activity.status != Activity.Status.APPROVED:
        raise ValidationError("Aktiviteten måste vara godkänd innan ersättningen beräknas.")
    as_of = as_of or timezone.localdate()
    settings = rules.RuleSettings.from_federation(require_federation())
    basis = compensation_basis(activity, as_of, settings.min_attendance_share)
    compensation = Compensation.objects.filter(activity=activity).first()
    if compensation and compensation.status != Compensation.Status.DRAFT:
        raise ValidationError(
            f"Ersättningen är redan {compensation.get_status_display().lower()} "
            "och kan inte räknas om."
        )
    last = (
        Session.objects.filter(activity=activity, cancelled=False, date__lte=as_of)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    values = {
        "association": activity.association,
        "rate_sek": settings.compensation_sek,
        "min_attendance_share": Decimal(str(float(settings.min_attendance_share))).quantize(
            Decimal("0.001")
        ),
        "participant_count": basis.counted,
        "amount_sek": rules.compensation_amount(basis.counted, settings),
        "sessions_held": basis.sessions_held,
        "period_end": last or as_of,
        "basis": basis.rows,
        "checks": [list(r.as_tuple()) for r in activity_checks(activity)],
        "computed_at": timezone.now(),
        "computed_by": actor if getattr(actor, "pk", None) else None,
    }
    if compensation is None:
        compensation = Compensation.objects.create(activity=activity, **values)
        action = A.CREATE
    else:
        for key, value in values.items():
            setattr(compensation, key, value)
        compensation.save()
        action = A.UPDATE
    audit.log(
        actor=actor,
        action=action,
        obj=compensation,
        detail={
            "activity": activity.pk,
            "participants": basis.counted,
            "amount_sek": compensation.amount_sek,
        },
    )
    return compensation


@transaction.atomic
def compensation_approve(*, actor, membership, compensation: Compensation, on=None):
    """Approve a draft for payment: every rule must hold and someone must have counted."""
    _require(membership, Perm.APPROVE_COMPENSATION)
    if compensation.status != Compensation.Status.DRAFT:
        raise ValidationError("Bara ett utkast kan godkännas.")
    failed = [text for _key, passed, text in compensation.checks if not passed]
    if failed:
        raise ValidationError(["Reglerna för ersättning är inte uppfyllda.", *failed])
    if compensation.participant_count == 0:
        raise ValidationError("Ingen deltagare har tillräcklig närvaro; inget att betala ut.")
    current = compensation_basis(
        compensation.activity, compensation.period_end, _share(compensation)
    )
    if current.rows != compensation.basis:
        raise ValidationError(
            "Närvaron har ändrats sedan ersättningen beräknades. Räkna om den innan den godkänns."
        )
    compensation.status = Compensation.Status.APPROVED
    compensation.approved_on = on or timezone.localdate()
    compensation.approved_by = actor if getattr(actor, "pk", None) else None
    compensation.save(update_fields=["status", "approved_on", "approved_by"])
    audit.log(actor=actor, action=A.UPDATE, obj=compensation, reason="godkänd för utbetalning")
    return compensation


@transaction.atomic
def compensation_mark_paid(
    *, actor, membership, compensation: Compensation, paid_on=None, reference: str = ""
):
    _require(membership, Perm.APPROVE_COMPENSATION)
    if compensation.status != Compensation.Status.APPROVED:
        raise ValidationError("Bara en godkänd ersättning kan markeras som utbetald.")
    paid_on = paid_on or timezone.localdate()
    if compensation.approved_on and paid_on < compensation.approved_on:
        raise ValidationError(
            {
                "paid_on": "Utbetalningen kan inte ligga före godkännandet "
                f"({compensation.approved_on:%Y-%m-%d})."
            }
        )
    compensation.status = Compensation.Status.PAID
    compensation.paid_on = paid_on
    compensation.paid_by = actor if getattr(actor, "pk", None) else None
    compensation.payment_reference = reference
    compensation.save(update_fields=["status", "paid_on", "paid_by", "payment_reference"])
    audit.log(actor=actor, action=A.UPDATE, obj=compensation, reason="utbetald")
    return compensation


def _share(compensation: Compensation) -> Fraction:
    """The attendance share the compensation was computed with (its own terms, not today's)."""
    return Fraction(str(compensation.min_attendance_share))


def compensation_paid_amounts(compensation: Compensation) -> dict[str, int]:
    """Approved amount, corrections so far, and what is settled and what is still to pay."""
    corrections = list(compensation.corrections.all())
    corrected = sum(c.amount_sek for c in corrections)
    paid = compensation.amount_sek if compensation.status == Compensation.Status.PAID else 0
    paid += sum(c.amount_sek for c in corrections if c.settled_on)
    pending = compensation.amount_sek if compensation.status == Compensation.Status.APPROVED else 0
    pending += sum(c.amount_sek for c in corrections if not c.settled_on)
    return {
        "approved": compensation.amount_sek,
        "corrected": corrected,
        "total": compensation.amount_sek + corrected,
        "paid": paid,
        "pending": pending,
    }


@transaction.atomic
def compensation_correct(
    *,
    actor,
    membership,
    compensation: Compensation,
    session: Session,
    place: ActivityEnrolment,
    present: bool,
    reason: str,
) -> CompensationCorrection:
    """Change frozen attendance behind an approved or paid compensation.

    Records who, why, the attendance before and after and the difference in money at the
    compensation's own rate and attendance share. The difference goes on the next payout file
    as a debit (more to pay) or a credit (to claim back); a change with no effect on the money
    is recorded and settled at once."""
    _require(membership, Perm.APPROVE_COMPENSATION)
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    reason = (reason or "").strip()
    errors = {}
    if not compensation.is_frozen:
        raise ValidationError(
            "Ersättningen är ett utkast; ändra närvaron och räkna om i stället för att rätta."
        )
    if session.activity_id != compensation.activity_id:
        errors["session"] = "Tillfället hör inte till ersättningens aktivitet."
    elif session.cancelled or session.date > compensation.period_end:
        errors["session"] = "Tillfället ingår inte i ersättningen."
    if place.activity_id != compensation.activity_id:
        errors["place"] = "Platsen hör inte till ersättningens aktivitet."
    if not reason:
        errors["reason"] = "Skriv varför närvaron rättas."
    if errors:
        raise ValidationError(errors)
    row = Attendance.objects.filter(session=session, place=place).first()
    before_present = row.present if row else None
    if before_present is not None and before_present == present:
        raise ValidationError(
            f"Närvaron är redan registrerad som {'närvarande' if present else 'frånvarande'}; "
            "ingen rättelse behövs."
        )
    share = _share(compensation)
    before = compensation_basis(compensation.activity, compensation.period_end, share)
    stamp = timezone.now()
    by = actor if getattr(actor, "pk", None) else None
    if row is None:
        row = Attendance.objects.create(
            session=session, place=place, present=present, recorded_at=stamp, recorded_by=by
        )
    else:
        row.present = present
        row.recorded_at = stamp
        row.recorded_by = by
        row.save(update_fields=["present", "recorded_at", "recorded_by"])
    after = compensation_basis(compensation.activity, compensation.period_end, share)
    amount = (after.counted - before.counted) * compensation.rate_sek
    correction = CompensationCorrection.objects.create(
        compensation=compensation,
        session=session,
        place=place,
        present_before=before_present,
        present_after=present,
        reason=reason[:500],
        participants_before=before.counted,
        participants_after=after.counted,
        amount_sek=amount,
        basis=after.rows,
        created_by=by,
        settled_on=timezone.localdate() if amount == 0 else None,
        settled_by=by if amount == 0 else None,
    )
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=compensation,
        reason=f"rättelse: {reason[:200]}",
        detail={
            "correction": correction.pk,
            "session": session.pk,
            "place": place.pk,
            "present_before": before_present,
            "present_after": present,
            "participants_before": before.counted,
            "participants_after": after.counted,
            "amount_sek": amount,
        },
    )
    return correction


@transaction.atomic
def correction_settle(
    *, actor, membership, correction: CompensationCorrection, settled_on=None, reference=""
) -> CompensationCorrection:
    """The correction's difference is paid out or claimed back (on a payout file)."""
    _require(membership, Perm.APPROVE_COMPENSATION)
    correction = CompensationCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.settled_on is not None:
        raise ValidationError(f"Rättelsen reglerades redan {correction.settled_on:%Y-%m-%d}.")
    correction.settled_on = settled_on or timezone.localdate()
    correction.settled_by = actor if getattr(actor, "pk", None) else None
    correction.settlement_reference = reference
    correction.save(update_fields=["settled_on", "settled_by", "settlement_reference"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=correction.compensation,
        reason="rättelse reglerad",
        detail={"correction": correction.pk, "amount_sek": correction.amount_sek},
    )
    return correction


# --- Placements (praktik, arbetsträning) ------------------------------------------------------


@transaction.atomic
def placement_create(*, actor, membership, **fields) -> Placement:
    _require(membership, Perm.VIEW_ACTIVITIES)
    if (
        fields.get("end_date")
        and fields.get("start_date")
        and (fields["end_date"] < fields["start_date"])
    ):
        raise ValidationError({"end_date": "Slutdatum kan inte vara före startdatum."})
    if (fields.get("capacity") or 0) < 1:
        raise ValidationError({"capacity": "Ange minst en plats."})
    placement = Placement(created_by=actor if getattr(actor, "pk", None) else None, **fields)
    if membership is not None and placement.offered_by_id is None:
        placement.offered_by_id = membership.authority_id
    placement.save()
    audit.log(actor=actor, action=A.CREATE, obj=placement)
    return placement


def placement_peak_use(placement: Placement, start: date, end: date, exclude=None) -> int:
    """The largest number of bookings that overlap any day of [start, end]."""
    bookings = PlacementBooking.objects.filter(
        placement=placement, cancelled_on__isnull=True, start_date__lte=end, end_date__gte=start
    )
    if exclude is not None:
        bookings = bookings.exclude(pk=exclude.pk)
    spans = list(bookings.values_list("start_date", "end_date"))
    # The count only changes where a booking starts, so checking those days (and ``start``) is
    # enough.
    days = {start} | {max(s, start) for s, _e in spans}
    return max((sum(1 for s, e in spans if s <= day <= e) for day in days), default=0)


@transaction.atomic
def placement_book(
    *,
    actor,
    membership: Membership,
    placement: Placement,
    enrolment: Enrolment,
    start_date: date,
    end_date: date,
) -> PlacementBooking:
    """Book a participant on a place, never beyond its capacity on any day (shared across
    authorities, so one place is never promised twice)."""
    from stegvis.participants.access import require_intervention_in_scope

    require_intervention_in_scope(membership, enrolment.intervention)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    errors = {}
    if end_date < start_date:
        errors["end_date"] = "Slutdatum kan inte vara före startdatum."
    elif start_date < placement.start_date or end_date > placement.end_date:
        errors["start_date"] = (
            f"Platsen finns {placement.start_date:%Y-%m-%d}–{placement.end_date:%Y-%m-%d}."
        )
    if errors:
        raise ValidationError(errors)
    if not placement.active:
        raise ValidationError("Platsen är stängd för bokning.")
    if enrolment.end_date is not None:
        raise ValidationError("Deltagandet är avslutat.")
    if placement_peak_use(placement, start_date, end_date) >= placement.capacity:
        raise ValidationError(
            "Platsen är redan bokad under perioden "
            f"({placement.capacity} av {placement.capacity} platser upptagna)."
        )
    booking = PlacementBooking.objects.create(
        placement=placement,
        enrolment=enrolment,
        start_date=start_date,
        end_date=end_date,
        booked_by=membership,
        authority=membership.authority,
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=enrolment.participant,
        reason="bokad på praktik/arbetsträning",
        detail={"placement": placement.pk, "booking": booking.pk},
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor, membership, booking: PlacementBooking, on=None):
    from stegvis.participants.access import require_intervention_in_scope

    require_intervention_in_scope(membership, booking.enrolment.intervention)
    booking.cancelled_on = on or timezone.localdate()
    booking.save(update_fields=["cancelled_on"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=booking.enrolment.participant,
        reason="avbokad",
        detail={"placement": booking.placement_id, "booking": booking.pk},
    )
    return booking


# --- Mentors and mentorships ------------------------------------------------------------------


@transaction.atomic
def mentor_create(
    *,
    actor,
    membership,
    name: str,
    kind: str,
    languages=(),
    interests=(),
    availability=(),
    max_mentees: int = 1,
    **fields,
) -> Mentor:
    """A volunteer or municipal mentor who can be paired with participants."""
    _require(membership, Perm.MANAGE_ACTIVITIES)
    errors = {}
    if not (name or "").strip():
        errors["name"] = "Ange mentorns namn."
    if kind not in Mentor.Kind.values:
        errors["kind"] = "Välj volontär eller kommunal mentor."
    if max_mentees is None or max_mentees < 1:
        errors["max_mentees"] = "En mentor tar minst en deltagare."
    days = sorted({int(d) for d in availability})
    if any(d < 0 or d > 6 for d in days):
        errors["availability"] = "Veckodagar anges 0 (måndag) till 6 (söndag)."
    if errors:
        raise ValidationError(errors)
    mentor = Mentor.objects.create(
        name=name.strip(),
        kind=kind,
        languages=[v.strip().lower() for v in languages if v.strip()],
        interests=list(interests),
        availability=days,
        max_mentees=max_mentees,
        **fields,
    )
    audit.log(actor=actor, action=A.CREATE, obj=mentor)
    return mentor


@transaction.atomic
def mentorship_pair(
    *,
    actor,
    membership,
    mentor: Mentor,
    enrolment: Enrolment,
    start_date: date | None = None,
) -> ActivityEnrolment:
    """Pair a mentor with one participant: a mentorship (an approved activity of its own with
    one place) where the meetings are logged as sessions. Refused with the mentorship rules'
    reasons, e.g. when the mentor already meets as many participants as he or she can."""
    if membership is not None:
        from stegvis.participants.access import require_intervention_in_scope

        require_intervention_in_scope(membership, enrolment.intervention)
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    category = mentor.interests[0] if mentor.interests else "other"
    activity = activity_create(
        actor=actor,
        membership=None,
        association=None,
        details=ActivityDetails(
            title=f"Mentorskap med {mentor.name}",
            category=category,
            kind=ActivityKind.MENTORSHIP,
            mentor_id=mentor.pk,
            serves_language=True,
            serves_network=True,
            plan="Samtal på svenska och nya kontakter genom mentorn.",
            capacity=1,
            leader_count=1,
            languages=list(mentor.languages),
            municipality=mentor.municipality,
        ),
    )
    activity_approve(actor=actor, membership=None, activity=activity, on=start_date)
    return place_create(
        actor=actor,
        membership=membership,
        activity=activity,
        enrolment=enrolment,
        start_date=start_date,
        reason="mentorskap",
    )


@transaction.atomic
def meeting_log(
    *,
    actor,
    membership,
    activity: Activity,
    on: date,
    note: str = "",
    attended: bool = True,
) -> Session:
    """Log a mentor's meeting with the participant (a session, with the participant's
    presence). Logged by someone who may see the participant, or an administrator."""
    if activity.kind != ActivityKind.MENTORSHIP:
        raise ValidationError("Möten loggas bara för mentorskap.")
    place = _active_places(activity).select_related("enrolment__intervention").first()
    if place is None:
        raise ValidationError("Mentorskapet har ingen deltagare.")
    if membership is not None:
        from stegvis.participants.access import require_intervention_in_scope

        require_intervention_in_scope(membership, place.enrolment.intervention)
    if on > timezone.localdate():
        raise ValidationError({"on": "Ett möte loggas när det har ägt rum."})
    if on < place.start_date:
        raise ValidationError(
            {"on": f"Mentorskapet började {place.start_date:%Y-%m-%d}, efter mötet."}
        )
    session = Session.objects.create(activity=activity, date=on, note=(note or "")[:200])
    attendance_record(actor=actor, membership=None, session=session, place=place, present=attended)
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=session,
        reason="mentorsmöte",
        detail={"activity": activity.pk, "attended": attended},
    )
    return session
