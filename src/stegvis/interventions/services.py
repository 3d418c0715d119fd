"""Business operations on interventions: financiers, budget and outcome, result goals and the
activities of structural interventions (SPEC §2). Each writes its audit entry."""

from __future__ import annotations

import re
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
from stegvis.participants import eligibility

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


class DuplicateCode(ValidationError):
    """The code is already used by another intervention in the federation (the API: 409)."""


CODE_PATTERN = re.compile(r"^[A-Za-z0-9ÅÄÖåäö][A-Za-z0-9ÅÄÖåäö_-]*$")

# What the federation sets on an intervention (not ``methods``, which has its own catalogue).
EDITABLE_FIELDS = (
    "code",
    "name",
    "kind",
    "owner_authority",
    "hub",
    "start_date",
    "end_date",
    "capacity",
    "target_group",
    "description",
    "eligibility_rules",
)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_rule_types(rules) -> None:
    """Numbers are whole numbers and places are names, so that every stored rule can be
    evaluated (rules arrive as JSON from the API)."""
    if not isinstance(rules, list):
        raise eligibility.RuleError("Villkoren ska vara en lista.")
    for index, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            raise eligibility.RuleError(f"Villkor {index}: ska vara ett objekt med en typ.")
        for key in ("min", "max", "months", "window"):
            if key in rule and rule[key] is not None and not _is_int(rule[key]):
                raise eligibility.RuleError(f"Villkor {index}: {key} ska vara ett heltal.")
        for key in ("min", "max"):
            if _is_int(rule.get(key)) and not 0 <= rule[key] <= 120:
                raise eligibility.RuleError(f"Villkor {index}: {key} ska vara 0–120.")
        if "window" in rule and rule["window"] is not None and not 1 <= rule["window"] <= 60:
            raise eligibility.RuleError(f"Villkor {index}: window ska vara 1–60 månader.")
        places = rule.get("in")
        if places is not None and (
            not isinstance(places, list) or not all(isinstance(p, str) for p in places)
        ):
            raise eligibility.RuleError(f"Villkor {index}: in ska vara en lista med kommuner.")


def _clean_intervention(intervention: Intervention) -> None:
    errors: dict[str, str] = {}
    intervention.code = (intervention.code or "").strip()
    intervention.name = (intervention.name or "").strip()
    if not intervention.code:
        errors["code"] = "Ange insatsens kod."
    elif len(intervention.code) > 30:
        errors["code"] = "Koden får vara högst 30 tecken."
    elif not CODE_PATTERN.match(intervention.code):
        errors["code"] = "Koden får bara innehålla bokstäver, siffror, bindestreck och understreck."
    if not intervention.name:
        errors["name"] = "Ange insatsens namn."
    elif len(intervention.name) > 200:
        errors["name"] = "Namnet får vara högst 200 tecken."
    if intervention.kind not in Intervention.Kind.values:
        errors["kind"] = "Välj individinriktad eller strukturinriktad."
    if (
        intervention.start_date
        and intervention.end_date
        and intervention.end_date < intervention.start_date
    ):
        errors["end_date"] = "Slutdatumet ligger före startdatumet."
    if intervention.capacity is not None and intervention.capacity < 1:
        errors["capacity"] = "Antal platser ska vara minst 1, eller lämnas tomt."
    rules = intervention.eligibility_rules or []
    if intervention.kind == Intervention.Kind.STRUCTURAL and rules:
        errors["eligibility_rules"] = "En strukturinriktad insats har inga villkor för deltagare."
    else:
        try:
            _check_rule_types(rules)
            eligibility.validate_rules(rules)
        except eligibility.RuleError as exc:
            errors["eligibility_rules"] = str(exc)
    if errors:
        raise ValidationError(errors)
    clash = Intervention.objects.filter(code=intervention.code)
    if intervention.pk:
        clash = clash.exclude(pk=intervention.pk)
    if clash.exists():
        raise DuplicateCode({"code": f"Koden {intervention.code} används redan i förbundet."})


@transaction.atomic
def intervention_create(*, actor, membership: Membership, **fields) -> Intervention:
    """A new intervention. An intervention lead who creates one leads it from the start."""
    if not membership.has_perm(Perm.MANAGE_INTERVENTIONS):
        raise PermissionDenied("Din roll får inte skapa insatser.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Okända fält: {', '.join(sorted(unknown))}.")
    fields.setdefault("kind", Intervention.Kind.INDIVIDUAL)
    fields["eligibility_rules"] = list(fields.get("eligibility_rules") or [])
    intervention = Intervention(**fields)
    _clean_intervention(intervention)
    intervention.save()
    if not membership.has_perm(Perm.MANAGE_FEDERATION):
        membership.interventions.add(intervention)
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=intervention,
        detail={"code": intervention.code, "kind": intervention.kind},
    )
    return intervention


@transaction.atomic
def intervention_update(
    *, actor, membership: Membership, intervention: Intervention, changes: dict
) -> Intervention:
    """Change what the federation sets on an intervention. The kind of an intervention with
    participants or activities cannot change."""
    require_manage(membership, intervention)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Okända fält: {', '.join(sorted(unknown))}.")
    changed = [name for name, value in changes.items() if getattr(intervention, name) != value]
    if "kind" in changed and (
        intervention.enrolments.exists()
        or intervention.referrals.exists()
        or intervention.structural_activities.exists()
    ):
        raise ValidationError(
            {"kind": "Typen kan inte ändras när insatsen har deltagare eller aktiviteter."}
        )
    for name in changed:
        setattr(intervention, name, changes[name])
    if not changed:
        return intervention
    _clean_intervention(intervention)
    intervention.save()
    audit.log(actor=actor, action=A.UPDATE, obj=intervention, detail={"fields": changed})
    return intervention


@transaction.atomic
def intervention_close(
    *, actor, membership: Membership, intervention: Intervention, closed_on: date, note: str = ""
) -> Intervention:
    """Close an intervention: it takes no new referrals from ``closed_on``. People already in
    it keep their steps until they are exited or transferred."""
    require_manage(membership, intervention)
    if intervention.closed_on is not None:
        raise ValidationError("Insatsen är redan stängd.")
    if intervention.start_date and closed_on < intervention.start_date:
        raise ValidationError({"closed_on": "Stängningsdagen ligger före insatsens start."})
    intervention.closed_on = closed_on
    intervention.close_note = note.strip()[:300]
    if intervention.end_date is None or intervention.end_date > closed_on:
        intervention.end_date = closed_on
    intervention.save(update_fields=["closed_on", "close_note", "end_date"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=intervention,
        detail={"closed_on": closed_on.isoformat()},
    )
    return intervention


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


@transaction.atomic
def lead_time_target_set(*, actor, federation, days: int) -> None:
    """The federation's lead-time target: a referral decided within ``days`` days."""
    from stegvis.reports.leadtimes import TARGET_SETTING

    if not 1 <= days <= 365:
        raise ValidationError({"days": "Ange antal dagar, 1–365."})
    before = federation.setting(TARGET_SETTING)
    federation.settings = {**federation.settings, TARGET_SETTING: days}
    federation.save(update_fields=["settings"])
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=federation,
        federation=federation,
        detail={TARGET_SETTING: [before, days]},
    )
