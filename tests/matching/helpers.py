"""Brute force and invariant checks shared by the matching tests."""

from __future__ import annotations

import random
from collections import Counter

from stegvis.matching.engine import MatchResult, Opportunity, Pair


def brute_force_best_total(participants, opportunities, pairs):
    """The best total over every feasible assignment (each person: nothing or one pair)."""
    options = {pid: [] for pid in participants}
    for pair in pairs:
        options[pair.participant].append(pair)
    room = {o.id: o.capacity for o in opportunities}
    best = 0

    def walk(index, total):
        nonlocal best
        if index == len(participants):
            best = max(best, total)
            return
        walk(index + 1, total)
        for pair in options[participants[index]]:
            if room[pair.opportunity] > 0:
                room[pair.opportunity] -= 1
                walk(index + 1, total + pair.score)
                room[pair.opportunity] += 1

    walk(0, 0)
    return best


def assert_valid(result: MatchResult, participants, opportunities, pairs):
    """Everyone at most once, no opportunity above capacity, only listed pairs, honest total."""
    listed = {(p.participant, p.opportunity): p.score for p in pairs}
    people = [p.participant for p in result.proposals]
    assert len(people) == len(set(people))
    load = Counter(p.opportunity for p in result.proposals)
    capacity = {o.id: o.capacity for o in opportunities}
    assert all(load[oid] <= capacity[oid] for oid in load)
    for proposal in result.proposals:
        assert listed[(proposal.participant, proposal.opportunity)] == proposal.score
        assert proposal.score > 0
    assert set(result.unassigned) == set(participants) - set(people)
    assert len(result.unassigned) + len(people) == len(participants)
    assert result.total_score == sum(p.score for p in result.proposals)


def random_instance(rng: random.Random, *, max_people=6, max_places=3, max_capacity=2):
    participants = [f"p{i}" for i in range(rng.randint(0, max_people))]
    opportunities = [
        Opportunity(f"a{j}", rng.randint(0, max_capacity))
        for j in range(rng.randint(0, max_places))
    ]
    pairs = [
        # Half-integers: exact in binary, so totals compare without tolerance.
        Pair(pid, o.id, rng.randint(-4, 20) / 2)
        for pid in participants
        for o in opportunities
        if rng.random() < 0.6
    ]
    return participants, opportunities, pairs
