"""``optimal_assign_columns``: the numpy path of large files gives exactly ``optimal_assign``'s
result (same proposals, same id spellings and score types, same total) and the same errors."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stegvis.matching.engine import (
    InvalidInstance,
    Opportunity,
    Pair,
    optimal_assign,
    optimal_assign_columns,
)


def columns(participants, opportunities, pairs):
    pairs = [Pair(*p) for p in pairs]
    return optimal_assign_columns(
        participants,
        opportunities,
        [p.participant for p in pairs],
        [p.opportunity for p in pairs],
        [p.score for p in pairs],
    )


def spelled(result):
    """The result with every value's type visible (1, 1.0 and Decimal('1') are equal)."""
    return (
        [(repr(p.participant), repr(p.opportunity), repr(p.score)) for p in result.proposals],
        [repr(pid) for pid in result.unassigned],
        repr(result.total_score),
    )


def assert_same(participants, opportunities, pairs):
    expected = optimal_assign(participants, opportunities, pairs)
    assert spelled(columns(participants, opportunities, pairs)) == spelled(expected)


_SCORES = (
    st.integers(min_value=-10, max_value=10)
    | st.sampled_from([0.5, 1.25, 2.75, 1e-7, 3.0000005, 2.4999995])
    | st.sampled_from(
        [
            Decimal("0.1"),
            Decimal("0.0000005"),  # scaled exactly to .5: rounds to 0, never used
            Decimal("0.0000015"),  # .5 again: rounds to 2 (half to even)
            Decimal("2.0000025"),
            Decimal("7.12345649999999999999"),
            Decimal("-3.5"),
            Decimal("1E-30"),
        ]
    )
)


@st.composite
def instances(draw):
    participants = [f"p{i}" for i in range(draw(st.integers(0, 6)))]
    participants += list(range(draw(st.integers(0, 3))))  # numbers and strings side by side
    opportunities = [
        Opportunity(oid, draw(st.integers(min_value=0, max_value=3)))
        for oid in ["a", "b", 3, Decimal("4.5")][: draw(st.integers(0, 4))]
    ]
    candidates = [(pid, o.id) for pid in participants for o in opportunities]
    chosen = draw(st.lists(st.sampled_from(candidates), unique=True) if candidates else st.just([]))
    pairs = [Pair(pid, oid, draw(_SCORES)) for pid, oid in chosen]
    order = draw(st.randoms(use_true_random=False))
    order.shuffle(participants)
    order.shuffle(opportunities)
    return participants, opportunities, pairs


@settings(max_examples=300, deadline=None)
@given(instances())
def test_property_columns_give_the_engines_result(instance):
    assert_same(*instance)


def test_same_result_on_a_larger_instance_full_of_ties():
    rng = random.Random(22)
    participants = [f"p{i}" for i in range(400)]
    opportunities = [Opportunity(j, rng.randint(0, 6)) for j in range(60)]
    pairs = [
        Pair(pid, o.id, rng.choice([1, 2, 2.5, Decimal("3.25"), 0, -1]))
        for pid in participants
        for o in rng.sample(opportunities, 12)
    ]
    result = columns(participants, opportunities, pairs)
    assert spelled(result) == spelled(optimal_assign(participants, opportunities, pairs))
    assert 0 < len(result.proposals) < len(participants)


def test_ids_equal_to_the_listed_ones_come_back_as_listed():
    participants = [1, "1"]
    opportunities = [Opportunity(2, 1), Opportunity("b", 1)]
    pairs = [(Decimal("1.0"), 2, 5), ("1", Decimal("2"), 1), ("1", "b", 1)]
    result = columns(participants, opportunities, pairs)
    assert [(repr(p.participant), repr(p.opportunity)) for p in result.proposals] == [
        ("1", "2"),
        ("'1'", "'b'"),
    ]
    assert_same(participants, opportunities, pairs)


@pytest.mark.parametrize(
    ("p1", "p2", "winner"),
    [
        # 0.0001255 scales to 125.5: exactly 126 (half to even), but 125 through a float.
        (Decimal("0.0001254"), Decimal("0.0001255"), "p2"),
        # 0.0001265 scales to 126.5: exactly 126, but 127 through a float.
        (Decimal("0.0001266"), Decimal("0.0001265"), "p1"),
    ],
)
def test_a_decimal_exactly_between_two_solver_units_is_rounded_exactly(p1, p2, winner):
    participants = ["p1", "p2"]
    opportunities = [Opportunity("a", 1)]
    pairs = [("p1", "a", p1), ("p2", "a", p2)]
    result = columns(participants, opportunities, pairs)
    assert [p.participant for p in result.proposals] == [winner]
    assert_same(participants, opportunities, pairs)


def test_nobody_with_a_usable_pair():
    participants = ["p1", "p2"]
    opportunities = [Opportunity("a", 0), Opportunity("b", 2)]
    pairs = [("p1", "a", 5), ("p2", "b", 0), ("p1", "b", Decimal("0.0000004"))]
    result = columns(participants, opportunities, pairs)
    assert (result.proposals, result.unassigned, result.total_score) == ((), ("p1", "p2"), 0)
    assert_same(participants, opportunities, pairs)


@pytest.mark.parametrize(
    ("participants", "opportunities", "pairs", "section", "index", "message"),
    [
        (["p1", "p1"], [], [], "participants", 1, '"p1" finns redan som nr 1'),
        ([], [("a", 1), ("a", 2)], [], "opportunities", 1, '"a" finns redan'),
        ([], [("a", -1)], [], "opportunities", 0, "heltal 0 eller större, inte -1"),
        ([], [("a", True)], [], "opportunities", 0, "heltal 0 eller större"),
        (["p1"], [("a", 1)], [("p1", "a", 1), ("p2", "a", 1)], "pairs", 1, 'okänd deltagare "p2"'),
        (["p1"], [("a", 1)], [("p1", "b", 1)], "pairs", 0, 'okänd aktivitet "b"'),
        (["p1"], [("a", 1)], [("p1", "a", 1), ("p1", "a", 2)], "pairs", 1, "finns redan"),
        (["p1"], [("a", 1)], [(1.0, "a", 1)], "pairs", 0, "okänd deltagare 1.0"),
        (["p1"], [("a", 1)], [("p1", "a", "x")], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", True)], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", float("nan"))], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", Decimal("Infinity"))], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", 10**7)], "pairs", 0, "större än högsta tillåtna"),
        (
            ["p1"],
            [("a", 1)],
            [("p1", "a", Decimal("1000000.0000001"))],
            "pairs",
            0,
            "större än högsta tillåtna",
        ),
        (["p1"], [("a", 1)], [("p1", "a", 10**400)], "pairs", 0, "större än högsta tillåtna"),
    ],
)
def test_invalid_instances_are_refused_like_the_engine_does(
    participants, opportunities, pairs, section, index, message
):
    with pytest.raises(InvalidInstance, match=message) as caught:
        columns(participants, opportunities, pairs)
    assert (caught.value.section, caught.value.index) == (section, index)


def test_the_highest_score_allowed_and_a_huge_one_where_there_is_no_room():
    participants = ["p1", "p2"]
    opportunities = [Opportunity("a", 1), Opportunity("b", 0)]
    pairs = [("p1", "a", 10**6), ("p2", "b", Decimal("1E+999")), ("p2", "a", 10**400 * -1)]
    result = columns(participants, opportunities, pairs)
    assert [(p.participant, p.score) for p in result.proposals] == [("p1", 10**6)]
    assert_same(participants, opportunities, pairs)
