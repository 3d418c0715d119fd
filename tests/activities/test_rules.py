"""The NAD rules at their boundaries (SPEC §6, activities/rules.py)."""

from fractions import Fraction

import pytest

from stegvis.activities import rules

SETTINGS = rules.RuleSettings()


def facts(**overrides):
    values = {
        "sessions": 5,
        "leaders": 1,
        "planned_participants": 10,
        "actual_participants": 10,
        "serves_language": True,
        "plan": "Samtal på svenska varje vecka.",
        "quality_approved": True,
    }
    values.update(overrides)
    return rules.ActivityFacts(**values)


def result(results, key):
    return next(r for r in results if r.key == key)


def test_all_rules_hold_for_a_good_activity():
    results = rules.check_activity(facts(), SETTINGS)
    assert rules.all_passed(results)
    assert [r.key for r in results] == list(rules.RULE_LABELS)


@pytest.mark.parametrize(("sessions", "passed"), [(4, False), (5, True), (6, True)])
def test_min_sessions_at_four_five_six(sessions, passed):
    checked = result(rules.check_activity(facts(sessions=sessions), SETTINGS), "min_sessions")
    assert checked.passed is passed
    if not passed:
        assert "Bara 4 tillfällen" in checked.explanation
        assert "minst 5" in checked.explanation


def test_min_sessions_is_a_federation_setting():
    strict = rules.RuleSettings(min_sessions=6)
    assert not result(rules.check_activity(facts(sessions=5), strict), "min_sessions").passed


@pytest.mark.parametrize(
    ("participants", "leaders", "passed"),
    [
        (10, 1, True),
        (11, 1, False),
        (20, 1, False),
        (10, 2, True),
        (11, 2, True),
        (20, 2, True),
        (21, 2, False),
        (21, 3, True),
    ],
)
def test_leader_ratio_one_per_ten_planned_and_actual(participants, leaders, passed):
    planned = rules.check_activity(
        facts(planned_participants=participants, actual_participants=1, leaders=leaders), SETTINGS
    )
    assert result(planned, "leaders_planned").passed is passed
    actual = rules.check_activity(
        facts(planned_participants=1, actual_participants=participants, leaders=leaders), SETTINGS
    )
    assert result(actual, "leaders_actual").passed is passed


def test_leader_ratio_below_one_per_ten_blocks_approval_with_reason():
    checked = result(
        rules.check_activity(facts(planned_participants=11, leaders=1), SETTINGS),
        "leaders_planned",
    )
    assert checked.explanation == (
        "11 planerade deltagare kräver minst 2 ledare (en per 10), men aktiviteten har 1."
    )


def test_no_leader_fails_even_without_participants():
    checked = rules.check_activity(facts(actual_participants=0, leaders=0), SETTINGS)
    assert not result(checked, "leaders_actual").passed


def test_leader_ratio_is_a_federation_setting():
    loose = rules.RuleSettings(participants_per_leader=12)
    assert result(
        rules.check_activity(facts(planned_participants=12), loose), "leaders_planned"
    ).passed


def test_activity_plan_needs_a_triad_benefit_and_a_description():
    none = rules.check_activity(facts(serves_language=False), SETTINGS)
    assert not result(none, "activity_plan").passed
    assert "språk, hälsa eller nätverk" in result(none, "activity_plan").explanation
    empty = rules.check_activity(facts(serves_health=True, plan="  "), SETTINGS)
    assert not result(empty, "activity_plan").passed
    assert "språk och hälsa" in result(empty, "activity_plan").explanation
    ok = rules.check_activity(facts(serves_language=False, serves_network=True), SETTINGS)
    assert result(ok, "activity_plan").passed


def test_quality_approval_is_required():
    checked = rules.check_activity(facts(quality_approved=False), SETTINGS)
    assert not result(checked, "quality_approved").passed


@pytest.mark.parametrize(
    "cost",
    [
        rules.CostLine("membership_fee", "Avgift"),
        rules.CostLine("other", "Medlemsavgift för deltagarna"),
        rules.CostLine("other", "Årsavgift i klubben"),
    ],
)
def test_membership_fee_cost_is_not_allowed(cost):
    checked = rules.check_activity(facts(costs=(rules.CostLine("premises"), cost)), SETTINGS)
    assert not result(checked, "no_membership_fee").passed
    assert "medlemsavgift" in result(checked, "no_membership_fee").explanation


def test_other_costs_are_allowed():
    costs = (rules.CostLine("premises", "Hyra"), rules.CostLine("food", "Fika"))
    assert result(rules.check_activity(facts(costs=costs), SETTINGS), "no_membership_fee").passed


@pytest.mark.parametrize(
    ("present", "held", "counts"),
    [
        (2, 4, True),  # exactly half counts
        (1, 4, False),
        (3, 6, True),
        (2, 6, False),
        (3, 5, True),  # 2.5 needed, so 3
        (2, 5, False),
        (0, 0, False),  # nothing held yet
    ],
)
def test_min_attendance_share_half_at_boundary(present, held, counts):
    assert rules.counts_for_compensation(present, held, Fraction(1, 2)) is counts


def test_min_attendance_share_is_exact_for_decimal_settings():
    share = Fraction("0.7")
    assert rules.counts_for_compensation(7, 10, share)
    assert not rules.counts_for_compensation(6, 10, share)
    assert rules.presences_needed(10, share) == 7
    assert rules.presences_needed(5, Fraction(1, 2)) == 3


def test_compensation_is_rate_times_counted_participants():
    assert rules.compensation_amount(7, SETTINGS) == 10_500
    assert rules.compensation_amount(7, rules.RuleSettings(compensation_sek=2000)) == 14_000
