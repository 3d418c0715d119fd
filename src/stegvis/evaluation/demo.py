"""Demo comparison groups and ekonomiskt bistånd, so the Effekt page of UTR-25 shows a real
estimate: Kristianstads kommun's register of people on ekonomiskt bistånd who did not get the
intervention (a little older and longer outside work, as such registers are), and the monthly
bistånd of both groups around the intervention."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from stegvis.evaluation import effects, services
from stegvis.evaluation.models import BenefitPayment, ComparisonCohort, ComparisonPerson
from stegvis.evaluation.returns import month_index
from stegvis.participants.models import Enrolment

COHORT_SIZE = 260
SUCCESS = {"arbete", "studier"}


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _payments(rng, *, start: date, end: date | None, success: bool, today: date, **link):
    """Bistånd from 12 months before start until today: about 10 000 kr a month before and
    during, mostly nothing after an exit to work or studies."""
    rows = []
    last = month_index(today) - 1
    for m in range(month_index(start) - 12, last + 1):
        after = end is not None and m > month_index(end)
        if after and success:
            amount = 0 if rng.random() < 0.8 else rng.randint(15, 45) * 100
        elif after:
            amount = 0 if rng.random() < 0.1 else rng.randint(80, 115) * 100
        else:
            amount = 0 if rng.random() < 0.04 else rng.randint(85, 125) * 100
        if amount:
            rows.append(BenefitPayment(month=_month(m), amount=amount, **link))
    return rows


def seed(ctx) -> None:
    rng = random.Random(f"evaluation-{ctx.rng.random()}")
    today = ctx.today
    federation = ctx.federation
    utr = ctx.interventions["UTR-25"]
    cohort = ComparisonCohort.objects.create(
        code="KOMMUN-EB",
        name="Kristianstads kommun: ekonomiskt bistånd utan insats",
        intervention=utr,
        description="Utdrag ur kommunens register: vuxna 25–55 år med ekonomiskt bistånd "
        "som inte deltog i UTR-25, med utfall efter ett år. Pseudonymiserat av kommunen.",
    )
    people = []
    for n in range(COHORT_SIZE):
        age = min(55, rng.randint(27, 58))
        af = rng.choice(["11", "11", "14", "14", "EJ_AKTUELL"])
        outside = rng.choice(["lt_6m", "6_12m", "1_2y", "2_5y", "2_5y", "gt_5y", "gt_5y"])
        start = today - timedelta(days=rng.randint(420, 1050))
        end = start + timedelta(days=rng.randint(90, 365))
        chance = 0.20 - 0.10 * (af == "14") - 0.004 * (age - 40) - 0.06 * (outside == "gt_5y")
        people.append(
            ComparisonPerson(
                federation=federation,
                cohort=cohort,
                person_hash=hashlib.sha256(f"demo-kommun-eb-{n}".encode()).hexdigest(),
                birth_year=start.year - age,
                gender="kvinna" if rng.random() < 0.5 else "man",
                start_date=start,
                af_code_before=af,
                income_sources_before=["ekonomiskt_bistand"],
                arrival_year=rng.randint(2010, min(today.year, 2024)),
                education_level=rng.choice(
                    ["forgymnasial_kort", "forgymnasial", "gymnasial", "eftergymnasial", "okand"]
                ),
                time_outside=outside,
                end_date=end,
                work_or_studies=rng.random() < max(0.03, chance),
            )
        )
    ComparisonPerson.objects.bulk_create(people)
    payments = []
    for person in ComparisonPerson.objects.filter(cohort=cohort):
        payments += _payments(
            rng,
            start=person.start_date,
            end=person.end_date,
            success=bool(person.work_or_studies),
            today=today,
            federation=federation,
            comparison_person=person,
        )
    for enrolment in Enrolment.objects.filter(intervention=utr).select_related("participant"):
        if enrolment.exit_reason == "felregistrering":
            continue
        payments += _payments(
            rng,
            start=enrolment.start_date,
            end=enrolment.end_date,
            success=enrolment.exit_reason in SUCCESS,
            today=today,
            federation=federation,
            participant=enrolment.participant,
        )
    BenefitPayment.objects.bulk_create(payments)
    # People referred to NAD Nordöst but not enrolled: their outcomes are imported later.
    services.cohort_from_referrals(
        actor=ctx.users["admin"].user,
        intervention=ctx.interventions["NAD-NO"],
        code="NAD-NO-ANV",
        name="Anvisade till NAD Nordöst som inte skrevs in",
    )
    # The evaluator has run the UTR-25 evaluation once: the knowledge bank shows its estimate.
    evaluation = effects.evaluate(
        intervention=utr, comparisons=effects.resolve_comparisons(["KOMMUN-EB"], utr)
    )
    services.effect_remember(evaluation=evaluation, actor=ctx.users["utvarderare"].user)
