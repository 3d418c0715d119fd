"""Comparison cohorts and ekonomiskt bistånd: import all-or-nothing, identity stored only as a
hash, the form, and the socio-economic return."""

from __future__ import annotations

import io
import json
import random
from datetime import date

import pytest
from django.core.management import call_command

from stegvis.core.crypto import lookup_hash
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.evaluation import importing, services
from stegvis.evaluation.effects import evaluate, resolve_comparisons
from stegvis.evaluation.models import BenefitPayment, ComparisonCohort, ComparisonPerson
from stegvis.evaluation.returns import socio_economic_return
from stegvis.imports.kinds import KINDS, RowErrors
from stegvis.interventions.models import Financier, OutcomeBooking
from stegvis.participants.models import Referral

HEADER = (
    "personnummer,gender,start_date,af_code_before,income_source_before,end_date,work_or_studies"
)


def number(seed: int, born=date(1985, 4, 2)) -> str:
    return generate_personal_number(random.Random(seed), born)


def cohort_csv(n: int, *, first_seed=0, extra_rows=()) -> str:
    rng = random.Random(first_seed)
    rows = [HEADER]
    for i in range(n):
        born = date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(
            f"{number(first_seed + i, born)},{rng.choice(['kvinna', 'man'])},2024-02-01,"
            f"{rng.choice(['11', '14'])},ekonomiskt_bistand,2024-08-01,"
            f"{rng.choice(['ja', 'nej', 'nej'])}"
        )
    return "\n".join([*rows, *extra_rows]) + "\n"


def do_import(text, admin, code="KOMMUN", **options):
    options = {"code": code, "name": "Kommunens register", "intervention": None, **options}
    rows = importing.parse_cohort(text, options=options, membership=admin)
    return importing.commit_cohort(rows, options=options, actor=admin.user, membership=admin)


def test_cohort_import_stores_people_by_hash_only(scope, admin):
    pnr = number(1)
    text = f"{HEADER}\n{pnr},kvinna,2024-02-01,11,ekonomiskt_bistand|lon,2024-08-01,ja\n"
    result = do_import(text, admin)
    assert result["created"] == 1
    person = ComparisonPerson.objects.get()
    assert person.person_hash == lookup_hash(pnr)
    assert person.birth_year == 1985
    assert person.work_or_studies is True
    assert person.income_sources_before == ["ekonomiskt_bistand", "lon"]
    stored = json.dumps(list(ComparisonPerson.objects.values()), default=str)
    assert pnr not in stored
    assert pnr.replace("-", "") not in stored


def test_one_bad_row_writes_nothing_and_names_row_and_field(scope, admin):
    text = cohort_csv(5, extra_rows=[
        "19850402-0000,kvinna,2024-02-01,11,,2024-08-01,ja",
        f"{number(99)},okänd,2024-13-01,99,,2024-08-01,kanske",
    ])  # fmt: skip
    with pytest.raises(RowErrors) as caught:
        do_import(text, admin)
    messages = caught.value.messages
    assert any(m.startswith("Rad 7, fält personnummer:") for m in messages)
    assert any(m.startswith("Rad 8, fält gender:") for m in messages)
    assert any(m.startswith("Rad 8, fält start_date:") for m in messages)
    assert any(m.startswith("Rad 8, fält work_or_studies:") for m in messages)
    assert any(m.startswith("Rad 8, fält af_code_before:") for m in messages)
    assert not ComparisonCohort.objects.exists()
    assert not ComparisonPerson.objects.exists()


def test_reimport_updates_the_same_person(scope, admin):
    pnr = number(2)
    do_import(f"{HEADER}\n{pnr},man,2024-02-01,11,,,\n", admin)
    assert ComparisonPerson.objects.get().work_or_studies is None
    result = do_import(f"{HEADER}\n{pnr},man,2024-02-01,11,,2024-09-01,nej\n", admin)
    assert (result["created"], result["updated"]) == (0, 1)
    assert ComparisonPerson.objects.get().work_or_studies is False


def test_imported_cohort_is_a_comparison_for_the_command(
    scope, admin, populate, intervention, federation
):
    populate(intervention, 40, 0.6, seed=1)
    do_import(cohort_csv(60, first_seed=100), admin)
    out = io.StringIO()
    call_command(
        "evaluate", "effect", "--federation", "alfa", "--intervention", "INS-1",
        "--comparison", "KOMMUN", "--outcome", "work_or_studies", "--format", "json",
        "--bootstrap", "20", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert (result["n_treated"], result["n_comparison"]) == (40, 60)


def test_cohort_import_only_for_the_federation_administrator(federation, make_member, intervention):
    kind = KINDS["comparison_cohort"]
    admin = make_member(federation, Role.FEDERATION_ADMIN, "alice")
    case_worker = make_member(federation, Role.CASE_WORKER, "bob", interventions=[intervention])
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    assert kind.allowed(admin)
    assert not kind.allowed(case_worker)
    assert not kind.allowed(lead)


def test_cohort_from_referrals_takes_declined_and_waitlisted_never_enrolled(
    scope, admin, enrol, intervention
):
    from stegvis.participants.models import Participant

    def refer(status, enrolled=False):
        p = Participant.objects.create(birth_year=1990, gender="man", arrival_year=2017)
        Referral.objects.create(
            participant=p, intervention=intervention, referred_on=date(2024, 3, 1),
            reason="Test", status=status, income_months={"ekonomiskt_bistand": 10},
        )  # fmt: skip
        if enrolled:
            from stegvis.participants.models import Enrolment

            Enrolment.objects.create(
                participant=p, intervention=intervention, start_date=date(2024, 4, 1)
            )

    refer(Referral.Status.DECLINED)
    refer(Referral.Status.WAITLISTED)
    refer(Referral.Status.WAITLISTED, enrolled=True)
    refer(Referral.Status.ACCEPTED)
    cohort = services.cohort_from_referrals(
        actor=admin.user, intervention=intervention, code="ANV", name="Anvisade"
    )
    people = list(cohort.people.all())
    assert len(people) == 2
    assert all(p.income_sources_before == ["ekonomiskt_bistand"] for p in people)
    assert all(p.work_or_studies is None for p in people)


# --- Ekonomiskt bistånd -----------------------------------------------------------------------


def test_benefit_form_records_a_month_for_a_participant_in_scope(
    federation, enrol, intervention, case_worker, login
):
    enrolment = enrol(intervention, date(2024, 1, 1))
    client = login(case_worker)
    response = client.post(
        "/f/alfa/effekt/bistand/",
        {"participant": enrolment.participant.reference, "month": "2024-03", "amount": "9800"},
    )
    assert response.status_code == 302
    payment = BenefitPayment.objects.get()
    assert (payment.month, payment.amount) == (date(2024, 3, 1), 9800)
    response = client.post(
        "/f/alfa/effekt/bistand/",
        {"participant": enrolment.participant.reference, "month": "2024-3", "amount": "1"},
    )
    assert response.context["form"].errors["month"] == [
        "Ogiltig månad '2024-3'. Använd ÅÅÅÅ-MM, t.ex. 2025-03."
    ]


def test_benefit_form_does_not_find_participants_outside_scope(
    federation, enrol, other_intervention, case_worker, login
):
    enrolment = enrol(other_intervention, date(2024, 1, 1))
    response = login(case_worker).post(
        "/f/alfa/effekt/bistand/",
        {"participant": enrolment.participant.reference, "month": "2024-03", "amount": "9800"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["participant"] == [
        f"Ingen deltagare '{enrolment.participant.reference}' finns bland de deltagare du har "
        "tillgång till."
    ]
    assert not BenefitPayment.objects.exists()


def test_benefit_import_is_all_or_nothing(scope, admin, enrol, intervention):
    enrolment = enrol(intervention, date(2024, 1, 1))
    ref = enrolment.participant.reference
    kind = KINDS["benefits"]
    good = f"participant,month,amount\n{ref},2024-01,9000\n{ref},2024-02,9100\n"
    rows = kind.parse(good, options={}, membership=admin)
    assert kind.commit(rows, options={}, actor=admin.user, membership=admin)["created"] == 2
    bad = f"participant,month,amount\n{ref},2024-03,9000\n{ref},2024-04,nio\nD-999999,2024-05,1\n"
    with pytest.raises(RowErrors) as caught:
        kind.parse(bad, options={}, membership=admin)
    assert caught.value.messages == [
        "Rad 3, fält amount: 'nio' är inget belopp i hela kronor.",
        "Rad 4: deltagaren finns inte bland de deltagare du har tillgång till.",
    ]
    assert BenefitPayment.objects.count() == 2


def _pay(participant=None, person=None, *, start, months, amount):
    for m in range(months):
        y, mo = divmod(start.month - 1 + m, 12)
        BenefitPayment.objects.create(
            participant=participant,
            comparison_person=person,
            month=date(start.year + y, mo + 1, 1),
            amount=amount,
        )


def test_return_counts_cost_per_participant_change_and_payback(
    scope, admin, enrol, intervention, other_intervention
):
    financier = Financier.objects.create(intervention=intervention, name="Kommunen")
    OutcomeBooking.objects.create(financier=financier, booked_on=date(2024, 6, 1), amount=200_000)
    treated = [
        enrol(intervention, date(2023, 1, 1), date(2023, 6, 30), "arbete", age=30 + i)
        for i in range(12)
    ]
    compared = [
        enrol(other_intervention, date(2023, 1, 1), date(2023, 6, 30), "annat", age=30 + i)
        for i in range(12)
    ]
    for e in treated:  # 10 000 kr a month before, 2 000 after
        _pay(e.participant, start=date(2022, 1, 1), months=12, amount=10_000)
        _pay(e.participant, start=date(2023, 7, 1), months=12, amount=2_000)
    for e in compared:  # 10 000 before, 8 000 after
        _pay(e.participant, start=date(2022, 1, 1), months=12, amount=10_000)
        _pay(e.participant, start=date(2023, 7, 1), months=12, amount=8_000)
    evaluation = evaluate(
        intervention=intervention,
        comparisons=resolve_comparisons(["INS-2"], intervention),
        bootstrap=0,
    )
    result = socio_economic_return(evaluation, today=date(2025, 1, 15))
    assert result.cost == 200_000
    assert result.participants == 12
    assert result.cost_per_participant == pytest.approx(200_000 / 12)
    assert result.change_treated == pytest.approx(-8_000)
    assert result.change_comparison == pytest.approx(-2_000)
    assert result.monthly_saving == pytest.approx(6_000)
    assert result.payback_months == pytest.approx(200_000 / 12 / 6_000)
    assert any("12 månaderna efter avslut" in a for a in result.assumptions)
    # Before the 12 months after exit have passed, nobody counts.
    early = socio_economic_return(evaluation, today=date(2024, 3, 1))
    assert early.treated_with_data == 0
    assert early.monthly_saving is None
    assert early.notes
