"""Writes of the evaluation app, and the logged entry points of an effect evaluation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from stegvis.core import audit
from stegvis.evaluation.models import (
    BenefitPayment,
    ComparisonCohort,
    ComparisonPerson,
    EffectResult,
)

if TYPE_CHECKING:
    from stegvis.evaluation import effects


def effect_evaluate(
    *,
    actor,
    intervention_code: str,
    comparison_codes: list[str],
    outcome: str = "work_or_studies",
    date_from: date | None = None,
    date_to: date | None = None,
    bootstrap: int = 200,
    seed: int = 20261201,
    reason: str,
) -> effects.Evaluation:
    """Resolve the groups, estimate, and log that the aggregate was produced."""
    # Imported here: the estimator loads statsmodels, which every command would pay at start-up.
    from stegvis.evaluation import effects

    intervention = effects.resolve_intervention(intervention_code)
    comparisons = effects.resolve_comparisons(comparison_codes, intervention)
    evaluation = effects.evaluate(
        intervention=intervention,
        comparisons=comparisons,
        outcome=outcome,
        date_from=date_from,
        date_to=date_to,
        bootstrap=bootstrap,
        seed=seed,
    )
    audit.log(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type="effect_estimate",
        object_id=intervention.code,
        reason=reason,
        detail={
            "comparison": [c.code for c in comparisons],
            "outcome": outcome,
            "n_treated": evaluation.result.n_treated,
            "n_comparison": evaluation.result.n_comparison,
        },
    )
    effect_remember(evaluation=evaluation, actor=actor)
    return evaluation


def effect_remember(*, evaluation: effects.Evaluation, actor) -> EffectResult:
    """Keep the evaluation's estimate as the intervention's latest, for the knowledge bank."""
    r = evaluation.result
    result, _ = EffectResult.objects.update_or_create(
        intervention=evaluation.intervention,
        outcome=evaluation.outcome,
        defaults={
            "comparison": [c.code for c in evaluation.comparisons],
            "date_from": evaluation.date_from,
            "date_to": evaluation.date_to,
            "n_treated": r.n_treated,
            "n_comparison": r.n_comparison,
            "estimate": r.estimate,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "bootstrap": r.bootstrap,
            "computed_at": timezone.now(),
            "computed_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    return result


class BenefitError(ValueError):
    """A payment that cannot be recorded; ``str(exc)`` is the Swedish message."""


def find_participant(*, membership, identifier: str):
    """A participant in the member's scope by personnummer or reference (D-000123)."""
    from stegvis.core.crypto import lookup_hash
    from stegvis.core.personnummer import PersonalNumberError
    from stegvis.participants.selectors import participants_in_scope

    text = identifier.strip()
    qs = participants_in_scope(membership)
    if text.upper().startswith("D-") and text[2:].isdigit():
        found = qs.filter(pk=int(text[2:])).first()
    else:
        try:
            found = qs.filter(personal_number_hash=lookup_hash(text)).first()
        except PersonalNumberError as exc:
            raise BenefitError(f"Ogiltigt personnummer: {exc}") from exc
    if found is None:
        raise BenefitError(
            f"Ingen deltagare '{text}' finns bland de deltagare du har tillgång till."
        )
    return found


@transaction.atomic
def benefit_record(*, actor, membership, participant, month: date, amount: int):
    """Record (or replace) the ekonomiskt bistånd paid to a participant in one month."""
    if amount < 0:
        raise BenefitError("Beloppet kan inte vara negativt.")
    month = month.replace(day=1)
    payment, created = BenefitPayment.objects.update_or_create(
        participant=participant,
        month=month,
        defaults={"amount": amount, "recorded_by": actor if getattr(actor, "pk", None) else None},
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        obj=payment,
        reason="ekonomiskt bistånd per månad",
        detail={"participant": participant.pk, "month": f"{month:%Y-%m}"},
    )
    return payment


@transaction.atomic
def cohort_from_referrals(*, actor, intervention, code: str, name: str) -> ComparisonCohort:
    """A comparison cohort of everyone referred to the intervention who was declined or put
    on the waiting list and never enrolled in it: their intake variables at referral, no
    outcome yet (it is imported later by personnummer, e.g. from the municipality)."""
    from stegvis.participants.models import Enrolment, Referral

    if ComparisonCohort.objects.filter(code=code).exists():
        raise BenefitError(f"Det finns redan en jämförelsegrupp med koden {code}.")
    cohort = ComparisonCohort.objects.create(
        code=code,
        name=name,
        source=ComparisonCohort.Source.REFERRED,
        intervention=intervention,
        created_by=actor if getattr(actor, "pk", None) else None,
        description=f"Anvisade till {intervention.code} som avböjdes eller väntade och inte "
        "skrevs in.",
    )
    enrolled = Enrolment.objects.filter(intervention=intervention).values("participant_id")
    referrals = (
        Referral.objects.filter(
            intervention=intervention,
            status__in=[Referral.Status.DECLINED, Referral.Status.WAITLISTED],
        )
        .exclude(participant_id__in=enrolled)
        .select_related("participant")
        .order_by("referred_on")
    )
    people = {}
    for referral in referrals:
        p = referral.participant
        key = p.personal_number_hash or lookup_pseudonym(f"participant:{p.pk}")
        if key in people:
            continue
        sources = [s for s, months in (referral.income_months or {}).items() if months]
        people[key] = ComparisonPerson(
            federation=cohort.federation,
            cohort=cohort,
            person_hash=key,
            birth_year=p.birth_year,
            gender=p.gender,
            start_date=referral.planned_start or referral.referred_on,
            income_sources_before=sources,
            arrival_year=p.arrival_year,
            education_level=p.education_level,
        )
    ComparisonPerson.objects.bulk_create(people.values())
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=cohort,
        reason="jämförelsegrupp av anvisade som inte skrevs in",
        detail={"people": len(people), "intervention": intervention.code},
    )
    return cohort


def lookup_pseudonym(value: str) -> str:
    """The look-up hash of a register's own pseudonym (not a personnummer)."""
    import hashlib
    import hmac

    from django.conf import settings

    key = f"{settings.LOOKUP_HMAC_KEY}:comparison-pseudonym".encode()
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()
