"""Socio-economic return of an intervention (SPEC §8): what it cost per participant, how much
ekonomiskt bistånd changed after exit against the comparison group, and how many months the
difference needs to pay for the intervention. Every figure comes with the assumptions it rests
on, written out (:attr:`Return.assumptions`), because the answer is only as good as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Sum

from stegvis.evaluation.effects import Evaluation
from stegvis.evaluation.models import BenefitPayment
from stegvis.interventions.models import Budget, OutcomeBooking
from stegvis.participants.models import Enrolment
from stegvis.reports.filters import excluded_exit_reasons

WINDOW = 12  # months before start and after exit


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass
class Return:
    cost: int | None = None
    cost_source: str = ""
    participants: int = 0
    cost_per_participant: float | None = None
    treated_with_data: int = 0
    comparison_with_data: int = 0
    change_treated: float | None = None  # kr per month, after − before
    change_comparison: float | None = None
    monthly_saving: float | None = None  # per participant, kr per month (positive: saved)
    payback_months: float | None = None
    assumptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        def r(value):
            return None if value is None else round(float(value), 1)

        return {
            "cost": self.cost,
            "cost_source": self.cost_source,
            "participants": self.participants,
            "cost_per_participant": r(self.cost_per_participant),
            "treated_with_data": self.treated_with_data,
            "comparison_with_data": self.comparison_with_data,
            "change_treated": r(self.change_treated),
            "change_comparison": r(self.change_comparison),
            "monthly_saving": r(self.monthly_saving),
            "payback_months": r(self.payback_months),
            "assumptions": self.assumptions,
            "notes": self.notes,
        }


def _cost(intervention) -> tuple[int | None, str]:
    booked = OutcomeBooking.objects.filter(financier__intervention=intervention).aggregate(
        s=Sum("amount")
    )["s"]
    if booked:
        return int(booked), "bokfört utfall"
    budget = Budget.objects.filter(financier__intervention=intervention).aggregate(s=Sum("amount"))[
        "s"
    ]
    if budget:
        return int(budget), "budget (inget utfall är bokfört)"
    return None, ""


def payments(evaluation: Evaluation) -> tuple[dict, dict]:
    """{participant id: {month index: kr}} and the same for comparison people."""
    by_participant: dict[int, dict[int, int]] = defaultdict(dict)
    by_person: dict[int, dict[int, int]] = defaultdict(dict)
    participants = {p.participant_id for p in evaluation.people if p.participant_id}
    people = {p.comparison_person_id for p in evaluation.people if p.comparison_person_id}
    if participants:
        for pid, month, amount in BenefitPayment.objects.filter(
            participant_id__in=participants
        ).values_list("participant_id", "month", "amount"):
            by_participant[pid][month_index(month)] = amount
    if people:
        for cid, month, amount in BenefitPayment.objects.filter(
            comparison_person_id__in=people
        ).values_list("comparison_person_id", "month", "amount"):
            by_person[cid][month_index(month)] = amount
    return by_participant, by_person


def socio_economic_return(evaluation: Evaluation, *, today: date) -> Return:
    intervention = evaluation.intervention
    result = Return()
    cost, source = _cost(intervention)
    excluded = sorted(excluded_exit_reasons())
    result.participants = (
        Enrolment.objects.filter(intervention=intervention)
        .exclude(exit_reason__in=excluded)
        .count()
    )
    result.cost, result.cost_source = cost, source
    if cost is not None and result.participants:
        result.cost_per_participant = cost / result.participants
    by_participant, by_person = payments(evaluation)
    last_complete = month_index(today) - 1
    weights = evaluation.result.weights
    weighted = bool(weights)
    changes: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for index, person in enumerate(evaluation.people):
        if person.end_date is None:
            continue
        paid = (
            by_participant.get(person.participant_id)
            if person.participant_id
            else by_person.get(person.comparison_person_id)
        )
        if not paid:
            continue
        start, end = month_index(person.start_date), month_index(person.end_date)
        if end + WINDOW > last_complete:
            continue
        before = sum(paid.get(m, 0) for m in range(start - WINDOW, start)) / WINDOW
        after = sum(paid.get(m, 0) for m in range(end + 1, end + 1 + WINDOW)) / WINDOW
        weight = weights[index] if weighted else 1.0
        changes[person.treated].append((after - before, weight))
    result.treated_with_data = len(changes[True])
    result.comparison_with_data = len(changes[False])
    if changes[True] and changes[False]:
        t = np.array(changes[True])
        c = np.array(changes[False])
        result.change_treated = float(t[:, 0].mean())
        result.change_comparison = float(np.average(c[:, 0], weights=c[:, 1]))
        result.monthly_saving = -(result.change_treated - result.change_comparison)
        if result.cost_per_participant and result.monthly_saving > 0:
            result.payback_months = result.cost_per_participant / result.monthly_saving
    result.assumptions = _assumptions(result, weighted)
    if not (changes[True] and changes[False]):
        result.notes.append(
            "Uppgifter om utbetalt ekonomiskt bistånd saknas för deltagarna eller "
            "jämförelsegruppen (eller så har 12 månader efter avslut inte gått för någon): "
            "förändringen kan inte beräknas."
        )
    elif result.monthly_saving is not None and result.monthly_saving <= 0:
        result.notes.append(
            "Deltagarnas ekonomiska bistånd minskade inte mer än jämförelsegruppens: insatsen "
            "betalar sig inte genom minskat bistånd under den uppföljda tiden."
        )
    return result


def _assumptions(result: Return, weighted: bool) -> list[str]:
    text = []
    if result.cost is not None:
        text.append(
            f"Kostnaden är insatsens {result.cost_source} över hela insatsen, delat med alla "
            f"{result.participants} deltaganden som startat (felregistreringar räknas inte)."
        )
    else:
        text.append("Insatsen har varken budget eller bokfört utfall: kostnaden är okänd.")
    text.append(
        "Förändringen är genomsnittligt utbetalt ekonomiskt bistånd per månad under de 12 "
        "månaderna efter avslut minus de 12 månaderna före start, för dem vars 12 månader "
        "efter avslut har gått."
    )
    text.append(
        "En månad utan registrerad utbetalning räknas som 0 kr för den som har någon "
        "registrerad månad; personer utan några uppgifter om bistånd är inte med."
    )
    if weighted:
        text.append(
            "Jämförelsegruppen viktas som i effektskattningen, så att den liknar deltagarna i "
            "ålder, kön, AF-kod, försörjning och övriga inskrivningsuppgifter."
        )
    else:
        text.append(
            "Jämförelsegruppen är inte viktad (ingen effekt kunde skattas): skillnaden kan "
            "bero på att grupperna är olika från början."
        )
    text.append(
        "Återbetalningstiden antar att skillnaden per månad består efter de 12 uppföljda "
        "månaderna. Andra förmåner, skatteintäkter och jämförelsegruppens egna insatser är "
        "inte med."
    )
    return text
