"""One proposal per kind (activity, placement, mentor) per person and round: the joint
optimum, checked against an independent brute force on small random instances."""

import random
from collections import Counter

import pytest

from stegvis.matching.engine import (
    InvalidInstance,
    Opportunity,
    Pair,
    optimal_assign,
    optimal_assign_kinds,
)

KINDS = ("activity", "placement", "mentor")


def brute_force_by_kind(participants, opportunities, pairs, kinds):
    """The best total where each person takes nothing or one pair of each kind."""
    room = {o.id: o.capacity for o in opportunities}
    options = {}
    for pair in pairs:
        options.setdefault((pair.participant, kinds[pair.opportunity]), []).append(pair)
    slots = [(pid, kind) for pid in participants for kind in KINDS]
    best = 0

    def walk(index, total):
        nonlocal best
        if index == len(slots):
            best = max(best, total)
            return
        walk(index + 1, total)
        for pair in options.get(slots[index], []):
            if pair.score > 0 and room[pair.opportunity] > 0:
                room[pair.opportunity] -= 1
                walk(index + 1, total + pair.score)
                room[pair.opportunity] += 1

    walk(0, 0)
    return best


def random_kinded(rng):
    participants = [f"p{i}" for i in range(rng.randint(0, 4))]
    opportunities, kinds = [], {}
    for j in range(rng.randint(0, 5)):
        oid = f"o{j}"
        opportunities.append(Opportunity(oid, rng.randint(0, 2)))
        kinds[oid] = rng.choice(KINDS)
    pairs = [
        Pair(pid, o.id, rng.randint(-2, 12) / 2)
        for pid in participants
        for o in opportunities
        if rng.random() < 0.7
    ]
    return participants, opportunities, pairs, kinds


@pytest.mark.parametrize("seed", range(150))
def test_optimal_against_brute_force_and_one_per_kind(seed):
    rng = random.Random(seed)
    participants, opportunities, pairs, kinds = random_kinded(rng)
    result = optimal_assign_kinds(participants, opportunities, pairs, kinds)
    assert result.total_score == brute_force_by_kind(participants, opportunities, pairs, kinds)
    per_kind = Counter((p.participant, kinds[p.opportunity]) for p in result.proposals)
    assert all(count == 1 for count in per_kind.values())
    load = Counter(p.opportunity for p in result.proposals)
    capacity = {o.id: o.capacity for o in opportunities}
    assert all(load[oid] <= capacity[oid] for oid in load)
    listed = {(p.participant, p.opportunity): p.score for p in pairs}
    assert all(listed[(p.participant, p.opportunity)] == p.score > 0 for p in result.proposals)
    assert set(result.unassigned) == set(participants) - {p.participant for p in result.proposals}


def test_one_kind_only_is_the_plain_matcher():
    participants = ["a", "b", "c"]
    opportunities = [Opportunity("x", 1), Opportunity("y", 2)]
    pairs = [Pair("a", "x", 3), Pair("b", "x", 2), Pair("b", "y", 1), Pair("c", "y", 4)]
    kinds = {"x": "activity", "y": "activity"}
    assert (
        optimal_assign_kinds(participants, opportunities, pairs, kinds).total_score
        == optimal_assign(participants, opportunities, pairs).total_score
        == 8
    )


def test_a_person_gets_an_activity_a_placement_and_a_mentor_with_explanations():
    opportunities = [Opportunity("språkcafé", 1), Opportunity("bageri", 1), Opportunity("karin", 1)]
    kinds = {"språkcafé": "activity", "bageri": "placement", "karin": "mentor"}
    pairs = [
        Pair("amal", "språkcafé", 3, ("Behov: språk (+1,5)",)),
        Pair("amal", "bageri", 2, ("Intresse: Handel (+2,0)",)),
        Pair("amal", "karin", 1.5, ("Gemensamt språk: arabiska (+0,5)",)),
        Pair("bashir", "bageri", 1),
    ]
    result = optimal_assign_kinds(["amal", "bashir"], opportunities, pairs, kinds)
    assert [(p.participant, p.opportunity) for p in result.proposals] == [
        ("amal", "språkcafé"),
        ("amal", "bageri"),
        ("amal", "karin"),
    ]
    assert result.proposals[1].explanation == ("Intresse: Handel (+2,0)",)
    assert result.unassigned == ("bashir",)
    assert result.total_score == 6.5


def test_an_opportunity_without_a_kind_is_named():
    with pytest.raises(InvalidInstance, match="saknar slag"):
        optimal_assign_kinds(["a"], [Opportunity("x", 1)], [], {})
