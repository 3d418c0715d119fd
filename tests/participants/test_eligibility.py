from datetime import date

import pytest

from stegvis.participants.eligibility import (
    Facts,
    RuleError,
    evaluate,
    is_eligible,
    validate_rules,
)

UTR = [
    {"type": "age", "min": 25, "max": 55},
    {"type": "born_abroad"},
    {"type": "unemployed"},
    {"type": "income_source", "source": "ekonomiskt_bistand", "months": 10, "window": 12},
]


def facts(**kw):
    base = {
        "age": 30,
        "born_abroad": True,
        "unemployed": True,
        "income_months": {"ekonomiskt_bistand": 12},
        "municipality": "Kristianstad",
    }
    base.update(kw)
    return Facts(**base)


@pytest.mark.parametrize(
    ("age", "passed", "explanation"),
    [
        (24, False, "ålder 24 < 25"),
        (25, True, "ålder 25 inom 25–55"),
        (55, True, "ålder 55 inom 25–55"),
        (56, False, "ålder 56 > 55"),
    ],
)
def test_age_rule_at_its_boundaries(age, passed, explanation):
    [result] = evaluate([UTR[0]], facts(age=age))
    assert result.passed is passed
    assert result.explanation == explanation


@pytest.mark.parametrize(("months", "passed"), [(9, False), (10, True), (12, True)])
def test_income_source_held_n_of_last_12_months(months, passed):
    [result] = evaluate([UTR[3]], facts(income_months={"ekonomiskt_bistand": months}))
    assert result.passed is passed
    sign = "≥" if passed else "<"
    assert result.explanation == f"ekonomiskt bistånd {months} av 12 månader {sign} 10"


def test_every_rule_is_explained_even_when_several_fail():
    results = evaluate(UTR, facts(age=57, born_abroad=False, unemployed=None, income_months={}))
    assert [r.passed for r in results] == [False, False, False, False]
    assert [r.explanation for r in results] == [
        "ålder 57 > 55",
        "född i Sverige, insatsen kräver född utomlands",
        "uppgift saknas om arbetslöshet",
        "ekonomiskt bistånd 0 av 12 månader < 10",
    ]
    assert not is_eligible(results)


def test_all_rules_passed_is_eligible():
    assert is_eligible(evaluate(UTR, facts()))


def test_municipality_rule():
    rule = [{"type": "municipality", "in": ["Kristianstad", "Hässleholm"]}]
    assert evaluate(rule, facts())[0].passed
    result = evaluate(rule, facts(municipality="Malmö"))[0]
    assert not result.passed
    assert result.explanation == "Malmö ingår inte i Kristianstad, Hässleholm"


def test_no_rules_means_eligible():
    assert is_eligible(evaluate([], facts(age=None)))


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"type": "height"}], "okänd typ"),
        ([{"type": "age"}], "min eller max"),
        ([{"type": "age", "min": 56, "max": 55}], "större än"),
        ([{"type": "income_source", "source": "lotto"}], "okänd försörjningskälla"),
        ([{"type": "income_source", "source": "lon", "months": 13}], "1–12"),
        ([{"type": "municipality", "in": []}], "minst en kommun"),
    ],
)
def test_malformed_rules_are_rejected_in_swedish(rules, message):
    with pytest.raises(RuleError, match=message):
        validate_rules(rules)


@pytest.mark.django_db
def test_referral_evaluates_age_at_planned_start(scope, admin, intervention, register):
    from stegvis.participants import services

    intervention.eligibility_rules = [{"type": "age", "min": 25, "max": 55}]
    intervention.save()
    # Born 1970-03-01: 55 on the referral date, 56 at the planned start.
    person = register(intervention, born=date(1970, 3, 1))
    referral = services.referral_create(
        actor=admin.user,
        membership=admin,
        participant=person,
        intervention=intervention,
        reason="Behöver stöd",
        referred_on=date(2026, 2, 20),
        planned_start=date(2026, 3, 2),
    )
    assert referral.eligible is False
    assert referral.eligibility == [
        {"rule": "age", "passed": False, "explanation": "ålder 56 > 55"}
    ]
