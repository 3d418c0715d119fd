"""Business operations on interventions: financiers, budget and outcome, result goals and the
activities of structural interventions (SPEC §2). Each writes its audit entry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from stegvis.core import audit
from stegvis.core.models import Authority, Membership
from stegvis.core.roles import Perm
from stegvis.interventions.models import (
    Budget,
    Financier,
    Intervention,
    OutcomeBooking,
    ResultGoal,
    StructuralActivity,
)

A = audit.Action


def can_manage(membership: Membership, intervention: Intervention) -> bool:
    """Federation admins manage every intervention; intervention leads those they lead."""
    if not membership.has_perm(Perm.MANAGE_INTERVENTIONS):
        return False
    if membership.has_perm(Perm.MANAGE_FEDERATION):
        return True
    return membership.interventions.filter(pk=intervention.pk).exists()


def require_manage(membership: Membership, intervention: Intervention) -> None:
    if not can_manage(membership, intervention):
        raise PermissionDenied("Du leder inte den här insatsen.")


@transaction.atomic
def financier_create(
    *,
    actor,
    membership: Membership,
    intervention: Intervention,
    name: str,
    kind: str,
    authority: Authority | None = None,
) -> Financier:
    require_manage(membership, intervention)
    name = name.strip() or (authority.name if authority else "")
    if not name:
        raise ValidationError({"name": "Ange finansiärens namn."})
    if kind == Financier.Kind.MEMBER and authority is None:
        raise ValidationError({"authority": "Välj vilken huvudman som finansierar."})
    if Financier.objects.filter(intervention=intervention, name=name).exists():
        raise ValidationError({"name": "Insatsen har redan en finansiär med det namnet."})
    position = Financier.objects.filter(intervention=intervention).count()
    financier = Financier.objects.create(
        intervention=intervention, name=name, kind=kind, authority=authority, position=position
    )
    audit.log(
        actor=actor, action=A.CREATE, obj=financier, detail={"intervention": intervention.code}
    )
    return financier


@transaction.atomic
def budget_set(
    *, actor, membership: Membership, financier: Financier, year: int, amount: int
) -> Budget:
    """Set (or change) one financier's budget for a year."""
    require_manage(membership, financier.intervention)
    if amount < 0:
        raise ValidationError({"amount": "Budgeten kan inte vara negativ."})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Ange ett år mellan 2000 och 2100."})
    budget, created = Budget.objects.update_or_create(
        financier=financier, year=year, defaults={"amount": amount}
    )
    audit.log(
        actor=actor,
        action=A.CREATE if created else A.UPDATE,
        obj=budget,
        detail={"financier": financier.pk, "year": year, "amount": amount},
    )
    return budget


@transaction.atomic
def outcome_book(
    *,
    actor,
    membership: Membership,
    financier: Financier,
    booked_on: date,
    amount: int,
    note: str = "",
) -> OutcomeBooking:
    """Book outcome (utfall) against a financier; a negative amount corrects a booking."""
    require_manage(membership, financier.intervention)
    if amount == 0:
        raise ValidationError({"amount": "Ange ett belopp."})
    booking = OutcomeBooking.objects.create(
        financier=financier, booked_on=booked_on, amount=amount, note=note, recorded_by=actor
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=booking,
        detail={"financier": financier.pk, "amount": amount},
    )
    return booking


@transaction.atomic
def goal_create(
    *,
    actor,
    membership: Membership,
    intervention: Intervention,
    title: str,
    metric: str,
    target: int,
    within_months: int | None = None,
) -> ResultGoal:
    require_manage(membership, intervention)
    M = ResultGoal.Metric
    if metric not in M.values:
        raise ValidationError({"metric": "Välj hur målet mäts."})
    structural_metrics = {M.ACTIVITIES, M.ATTENDEES}
    if intervention.is_individual and metric in structural_metrics:
        raise ValidationError({"metric": "Aktiviteter mäts bara i strukturinriktade insatser."})
    if not intervention.is_individual and metric not in structural_metrics:
        raise ValidationError({"metric": "En strukturinriktad insats har inga deltagare."})
    if metric == M.WORK_OR_STUDIES and not 0 < target <= 100:
        raise ValidationError({"target": "Ett andelsmål anges i procent, 1–100."})
    if metric != M.WORK_OR_STUDIES:
        within_months = None
    if within_months is not None and not 1 <= within_months <= 60:
        raise ValidationError({"within_months": "Ange 1–60 månader, eller lämna tomt."})
    title = title.strip() or _default_title(metric, target, within_months)
    goal = ResultGoal.objects.create(
        intervention=intervention,
        title=title,
        metric=metric,
        target=target,
        within_months=within_months,
        position=ResultGoal.objects.filter(intervention=intervention).count(),
    )
    audit.log(actor=actor, action=A.CREATE, obj=goal, detail={"intervention": intervention.code})
    return goal


def _default_title(metric: str, target: int, within_months: int | None) -> str:
    M = ResultGoal.Metric
    if metric == M.WORK_OR_STUDIES:
        window = f" inom {within_months} månader från start" if within_months else ""
        return f"Minst {target} % till arbete eller studier{window}"
    if metric == M.PARTICIPANTS:
        return f"Minst {target} nya deltagare"
    if metric == M.ACTIVITIES:
        return f"Minst {target} aktiviteter"
    return f"Minst {target} deltagare i aktiviteterna"


@transaction.atomic
def goal_delete(*, actor, membership: Membership, goal: ResultGoal) -> None:
    require_manage(membership, goal.intervention)
    audit.log(actor=actor, action=A.DELETE, obj=goal, detail={"title": goal.title})
    goal.delete()


@transaction.atomic
def structural_activity_create(
    *,
    actor,
    membership: Membership,
    intervention: Intervention,
    held_on: date,
    title: str,
    kind: str,
    attendees: int = 0,
    organisations: int = 0,
    hours: Decimal | float = 0,
    note: str = "",
) -> StructuralActivity:
    require_manage(membership, intervention)
    if intervention.is_individual:
        raise ValidationError("Aktiviteter med volymer registreras i strukturinriktade insatser.")
    if not title.strip():
        raise ValidationError({"title": "Ange vad som gjordes."})
    activity = StructuralActivity.objects.create(
        intervention=intervention,
        held_on=held_on,
        title=title.strip(),
        kind=kind,
        attendees=attendees,
        organisations=organisations,
        hours=hours,
        note=note,
    )
    audit.log(
        actor=actor, action=A.CREATE, obj=activity, detail={"intervention": intervention.code}
    )
    return activity
