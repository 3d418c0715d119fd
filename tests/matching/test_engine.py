import os
import random
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stegvis.matching.engine import (
    InvalidInstance,
    Opportunity,
    Pair,
    greedy_assign,
    optimal_assign,
)

from .helpers import assert_valid, brute_force_best_total, random_instance

SOLVERS = [optimal_assign, greedy_assign]


def test_optimal_equals_brute_force_on_random_small_instances():
    rng = random.Random(20260)
    for _ in range(300):
        participants, opportunities, pairs = random_instance(rng)
        result = optimal_assign(participants, opportunities, pairs)
        assert_valid(result, participants, opportunities, pairs)
        assert result.total_score == brute_force_best_total(participants, opportunities, pairs)


def test_optimal_equals_brute_force_with_many_people_per_place():
    rng = random.Random(7)
    for _ in range(40):
        participants, opportunities, pairs = random_instance(
            rng, max_people=8, max_places=2, max_capacity=4
        )
        result = optimal_assign(participants, opportunities, pairs)
        assert_valid(result, participants, opportunities, pairs)
        assert result.total_score == brute_force_best_total(participants, opportunities, pairs)


@pytest.mark.parametrize("solve", SOLVERS)
def test_greedy_and_optimal_respect_the_invariants_on_a_larger_instance(solve):
    rng = random.Random(3)
    participants = [f"p{i}" for i in range(300)]
    opportunities = [Opportunity(f"a{j}", rng.randint(0, 5)) for j in range(40)]
    pairs = [
        Pair(pid, f"a{j}", rng.randint(-5, 40) / 4)
        for pid in participants
        for j in rng.sample(range(40), 8)
    ]
    assert_valid(solve(participants, opportunities, pairs), participants, opportunities, pairs)


def test_optimal_beats_greedy_where_greedy_takes_the_best_pair_first():
    participants = ["p1", "p2"]
    opportunities = [Opportunity("a", 1), Opportunity("b", 1)]
    pairs = [Pair("p1", "a", 10), Pair("p1", "b", 9), Pair("p2", "a", 9)]
    assert greedy_assign(participants, opportunities, pairs).total_score == 10
    optimal = optimal_assign(participants, opportunities, pairs)
    assert optimal.total_score == 18
    assert {(p.participant, p.opportunity) for p in optimal.proposals} == {
        ("p1", "b"),
        ("p2", "a"),
    }


@pytest.mark.parametrize("solve", SOLVERS)
def test_zero_capacity_place_is_never_used(solve):
    result = solve(["p1"], [Opportunity("a", 0)], [Pair("p1", "a", 5)])
    assert result.proposals == ()
    assert result.unassigned == ("p1",)
    assert result.total_score == 0


@pytest.mark.parametrize("solve", SOLVERS)
def test_empty_instance(solve):
    result = solve([], [], [])
    assert result.proposals == ()
    assert result.unassigned == ()
    assert result.total_score == 0


@pytest.mark.parametrize("solve", SOLVERS)
def test_people_without_pairs_stay_unassigned(solve):
    result = solve(["p1", "p2"], [Opportunity("a", 3)], [])
    assert result.unassigned == ("p1", "p2")


@pytest.mark.parametrize("solve", SOLVERS)
def test_zero_and_negative_scores_are_never_used_even_with_room_left(solve):
    pairs = [Pair("p1", "a", 0), Pair("p2", "a", -1.5), Pair("p3", "a", 2)]
    result = solve(["p1", "p2", "p3"], [Opportunity("a", 5)], pairs)
    assert [(p.participant, p.opportunity) for p in result.proposals] == [("p3", "a")]
    assert result.unassigned == ("p1", "p2")


def test_unlisted_pair_is_never_used_even_when_it_would_help():
    # p2 could take b if it were allowed; it is not listed, so p2 stays unassigned.
    participants = ["p1", "p2"]
    opportunities = [Opportunity("a", 1), Opportunity("b", 1)]
    pairs = [Pair("p1", "a", 1), Pair("p2", "a", 5)]
    result = optimal_assign(participants, opportunities, pairs)
    assert [(p.participant, p.opportunity) for p in result.proposals] == [("p2", "a")]
    assert result.unassigned == ("p1",)


def test_score_below_solver_precision_counts_as_zero():
    result = optimal_assign(["p1"], [Opportunity("a", 1)], [Pair("p1", "a", 1e-7)])
    assert result.proposals == ()


def test_proposals_and_unassigned_follow_the_participant_input_order():
    participants = ["z", "b", "m", "a"]
    pairs = [Pair(pid, "x", 1) for pid in participants[:3]]
    result = optimal_assign(participants, [Opportunity("x", 3)], pairs)
    assert [p.participant for p in result.proposals] == ["z", "b", "m"]
    assert result.unassigned == ("a",)


def test_explanations_travel_with_proposals():
    pairs = [Pair("p1", "a", 3, ("Behov: språk (+3,0)",))]
    (proposal,) = optimal_assign(["p1"], [Opportunity("a", 1)], pairs).proposals
    assert proposal.explanation == ("Behov: språk (+3,0)",)


def test_ids_come_back_as_given_in_the_lists():
    result = optimal_assign([1], [Opportunity("1", 1)], [Pair(1.0, "1", 2)])
    (proposal,) = result.proposals
    assert (type(proposal.participant), type(proposal.opportunity)) == (int, str)


def test_total_score_is_the_exact_sum_of_the_original_scores():
    places = [Opportunity("a", 2)]
    ints = optimal_assign(["p1", "p2"], places, [Pair("p1", "a", 2), Pair("p2", "a", 3)])
    assert ints.total_score == 5
    assert type(ints.total_score) is int
    decimals = [Pair("p1", "a", Decimal("0.1")), Pair("p2", "a", Decimal("0.2"))]
    assert optimal_assign(["p1", "p2"], places, decimals).total_score == Decimal("0.3")
    floats = [Pair("p1", "a", 0.1), Pair("p2", "a", 0.2)]
    assert optimal_assign(["p1", "p2"], places, floats).total_score == pytest.approx(0.3)


def _tied_instance():
    """Everyone scores 1 everywhere: many assignments share the optimal total."""
    participants = [f"p{i}" for i in range(8)]
    opportunities = [Opportunity("a", 2), Opportunity("b", 1), Opportunity("c", 2)]
    pairs = [Pair(pid, o.id, 1) for pid in participants for o in opportunities]
    return participants, opportunities, pairs


@pytest.mark.parametrize("solve", SOLVERS)
def test_tied_result_does_not_depend_on_input_order(solve):
    participants, opportunities, pairs = _tied_instance()
    expected = {(p.participant, p.opportunity) for p in solve(*_tied_instance()).proposals}
    rng = random.Random(11)
    for _ in range(20):
        rng.shuffle(participants)
        rng.shuffle(opportunities)
        rng.shuffle(pairs)
        result = solve(participants, opportunities, pairs)
        assert {(p.participant, p.opportunity) for p in result.proposals} == expected


def test_greedy_breaks_ties_by_earlier_participant_then_earlier_place():
    participants = ["p2", "p1"]
    opportunities = [Opportunity("b", 1), Opportunity("a", 1)]
    pairs = [Pair("p2", "a", 1), Pair("p1", "b", 1), Pair("p1", "a", 1), Pair("p2", "b", 1)]
    result = greedy_assign(participants, opportunities, pairs)
    assert [(p.participant, p.opportunity) for p in result.proposals] == [("p2", "b"), ("p1", "a")]


def test_tied_result_does_not_depend_on_the_hash_seed():
    script = (
        "from stegvis.matching.engine import Opportunity, Pair, optimal_assign\n"
        "people = [f'p{i}' for i in range(30)]\n"
        "places = [Opportunity(f'a{j}', 2) for j in range(7)]\n"
        "pairs = [Pair(p, o.id, 1) for p in people for o in places]\n"
        "print(sorted((p.participant, p.opportunity) "
        "for p in optimal_assign(people, places, pairs).proposals))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-"],
            input=script,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("participants", "opportunities", "pairs", "section", "index", "message"),
    [
        (["p1", "p1"], [], [], "participants", 1, '"p1" finns redan som nr 1'),
        ([], [("a", 1), ("a", 2)], [], "opportunities", 1, '"a" finns redan'),
        ([], [("a", -1)], [], "opportunities", 0, "heltal 0 eller större, inte -1"),
        ([], [("a", 1.5)], [], "opportunities", 0, "heltal 0 eller större, inte 1.5"),
        ([], [("a", True)], [], "opportunities", 0, "heltal 0 eller större"),
        (["p1"], [("a", 1)], [("p2", "a", 1)], "pairs", 0, 'okänd deltagare "p2"'),
        (["p1"], [("a", 1)], [("p1", "b", 1)], "pairs", 0, 'okänd aktivitet "b"'),
        (["p1"], [("a", 1)], [("p1", "a", 1), ("p1", "a", 2)], "pairs", 1, "finns redan"),
        (["p1"], [("a", 1)], [("p1", "a", "x")], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", float("nan"))], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", float("inf"))], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", None)], "pairs", 0, "ändligt tal"),
        (["p1"], [("a", 1)], [("p1", "a", 10**7)], "pairs", 0, "större än högsta tillåtna"),
    ],
)
@pytest.mark.parametrize("solve", SOLVERS)
def test_invalid_instances_name_the_offending_entry(
    solve, participants, opportunities, pairs, section, index, message
):
    with pytest.raises(InvalidInstance, match=message) as caught:
        solve(participants, opportunities, pairs)
    assert (caught.value.section, caught.value.index) == (section, index)


# Property tests: small instances where brute force is cheap.
_ids = st.integers(min_value=0, max_value=4)


@st.composite
def instances(draw):
    participants = [f"p{i}" for i in range(draw(_ids))]
    opportunities = [
        Opportunity(f"a{j}", draw(st.integers(min_value=0, max_value=3))) for j in range(draw(_ids))
    ]
    candidates = [(pid, o.id) for pid in participants for o in opportunities]
    chosen = draw(st.lists(st.sampled_from(candidates), unique=True) if candidates else st.just([]))
    scores = st.integers(min_value=-10, max_value=10) | st.sampled_from([0.5, 1.25, 2.75])
    pairs = [Pair(pid, oid, draw(scores)) for pid, oid in chosen]
    return participants, opportunities, pairs


@settings(max_examples=150, deadline=None)
@given(instances())
def test_property_optimal_is_valid_and_as_good_as_brute_force(instance):
    result = optimal_assign(*instance)
    assert_valid(result, *instance)
    assert result.total_score == brute_force_best_total(*instance)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_property_greedy_is_valid_and_never_better_than_optimal(instance):
    greedy = greedy_assign(*instance)
    assert_valid(greedy, *instance)
    assert greedy.total_score <= optimal_assign(*instance).total_score
