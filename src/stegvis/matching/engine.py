"""Assign participants to activities and places so that the total fit is as large as possible.

SPEC §6: matching respects each opportunity's capacity, proposes each person at most once,
maximises total fit and explains each proposal. Pure Python (no Django) so that it can be
tested, benchmarked and run from a file (``stegvis match-file``).

The optimal solver is a min-cost flow (OR-Tools)::

    source -> participant (capacity 1) -> opportunity (cost -score) -> sink (capacity)
    source -> sink (the bypass: whoever takes it stays unassigned, at no cost)

Rules the results follow:

* A pair that is not listed is not allowed. A pair is only used if it increases the total:
  pairs with a score of zero or below are never proposed, and nobody is forced into a place.
* Scores are multiplied by 10**6 and rounded to integers for the solver, so the total is
  exactly optimal for scores with at most six decimals; a score below 0.0000005 counts as
  zero. Positive scores may be at most ``MAX_SCORE``. The reported scores and
  ``total_score`` are the original, unscaled numbers.
* Deterministic and independent of input order: the graph is built in a canonical order
  (ids sorted within their type), so the same participants, opportunities and scored pairs
  give the same proposals however the lists are ordered. When several assignments share
  the optimal total, which one is returned is decided by that canonical order (for
  ``greedy_assign``: higher score first, then earlier participant id, then earlier
  opportunity id); it may change with another OR-Tools version.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 10**6
# Keeps every scaled cost times the node count within 64 bits, as OR-Tools requires.
MAX_SCORE = 10**6

Score = int | float | Decimal


class Opportunity(NamedTuple):
    """An activity or a place (praktik, arbetsträning) with room for ``capacity`` people."""

    id: Hashable
    capacity: int


class Pair(NamedTuple):
    """An allowed participant–opportunity pair; higher score means a better fit."""

    participant: Hashable
    opportunity: Hashable
    score: Score
    explanation: tuple[str, ...] = ()


class Proposal(NamedTuple):
    participant: Hashable
    opportunity: Hashable
    score: Score
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class MatchResult:
    proposals: tuple[Proposal, ...]  # in the order the participants were given
    unassigned: tuple[Hashable, ...]  # likewise
    total_score: Score  # exact sum of the proposals' scores


class InvalidInstance(ValueError):
    """Input that cannot be matched. ``section`` and ``index`` locate the offending entry.

    ``section`` is ``"participants"``, ``"opportunities"`` or ``"pairs"`` and ``index`` is
    the 0-based position in that sequence; the message itself is Swedish.
    """

    def __init__(self, section: str, index: int, message: str):
        super().__init__(f"{_SECTION_SV[section]} nr {index + 1}: {message}")
        self.section = section
        self.index = index
        self.message = message


_SECTION_SV = {"participants": "deltagare", "opportunities": "aktivitet", "pairs": "par"}


def optimal_assign(
    participants: Iterable[Hashable],
    opportunities: Iterable[Opportunity],
    pairs: Iterable[Pair],
) -> MatchResult:
    """Return an assignment with the largest possible total score (see the module rules)."""
    instance = _Instance(participants, opportunities, pairs)
    person_rank, place_rank = instance.ranks()
    # Only participants and opportunities with a usable pair enter the graph, numbered in
    # canonical order so that the input order cannot change the result.
    people = sorted({p.participant for p in instance.usable}, key=person_rank.__getitem__)
    places = sorted({p.opportunity for p in instance.usable}, key=place_rank.__getitem__)
    if not people:
        return instance.result([])
    person_node = {pid: 2 + i for i, pid in enumerate(people)}
    place_node = {oid: 2 + len(people) + i for i, oid in enumerate(places)}
    usable = sorted(
        instance.usable, key=lambda p: (person_node[p.participant], place_node[p.opportunity])
    )
    source, sink = 0, 1

    tails = [source] * len(people) + [person_node[p.participant] for p in usable]
    heads = [person_node[pid] for pid in people] + [place_node[p.opportunity] for p in usable]
    capacities = [1] * (len(people) + len(usable))
    costs = [0] * len(people) + [-_scaled(p.score) for p in usable]
    pair_arcs = range(len(people), len(people) + len(usable))
    degree = dict.fromkeys(places, 0)
    for pair in usable:
        degree[pair.opportunity] += 1
    for oid in places:
        tails.append(place_node[oid])
        heads.append(sink)
        capacities.append(min(instance.capacity[oid], degree[oid]))
        costs.append(0)
    tails.append(source)
    heads.append(sink)
    capacities.append(len(people))
    costs.append(0)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, len(people))
    flow.set_node_supply(sink, -len(people))
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover – the graph above is always feasible
        raise RuntimeError(f"min-cost flow failed: {status}")
    used = flow.flows(list(pair_arcs))
    return instance.result([pair for pair, f in zip(usable, used, strict=True) if f])


def optimal_assign_columns(
    participants: Sequence[Hashable],
    opportunities: Sequence[Opportunity],
    pair_participants: Sequence[Hashable],
    pair_opportunities: Sequence[Hashable],
    scores: Sequence[Score],
) -> MatchResult:
    """``optimal_assign`` for pairs given as three columns (no explanations), for large files.

    The same checks, the same graph in the same order and so the same result, but the pairs
    are checked, scaled and numbered with numpy rather than one Python object at a time. When
    any check fails, or cannot be settled that way, the pairs go through ``optimal_assign``,
    which names the offending entry (or, for what the quick checks could not settle, solves).
    """

    def exact():
        return optimal_assign(
            participants,
            opportunities,
            zip(pair_participants, pair_opportunities, scores, strict=True),
        )

    participants = list(participants)
    opportunities = [Opportunity(*o) for o in opportunities]
    count = len(pair_participants)
    if len(pair_opportunities) != count or len(scores) != count:
        raise ValueError("the three columns of pairs must have the same length")
    position = {pid: i for i, pid in enumerate(participants)}
    index = {o.id: j for j, o in enumerate(opportunities)}
    capacity_of = [o.capacity for o in opportunities]
    if (
        len(position) != len(participants)
        or len(index) != len(opportunities)
        or any(type(c) is not int or c < 0 for c in capacity_of)
    ):
        return exact()
    kinds = set(map(type, scores))
    if not kinds <= {int, float, Decimal}:
        return exact()
    try:
        person = np.fromiter(map(position.__getitem__, pair_participants), np.int64, count)
        place = np.fromiter(map(index.__getitem__, pair_opportunities), np.int64, count)
        value = np.fromiter(map(float, scores), np.float64, count)
        capacity = np.array(capacity_of, dtype=np.int64)
    except (KeyError, TypeError, OverflowError):
        return exact()
    keys = np.sort(person * max(len(opportunities), 1) + place)
    if not np.isfinite(value).all() or (keys[1:] == keys[:-1]).any():  # a pair listed twice
        return exact()
    open_place = capacity[place] > 0
    # At or above MAX_SCORE the exact comparison decides (and names a score that is too big).
    if (open_place & (value >= MAX_SCORE)).any():
        return exact()

    # Scaled costs as _scaled computes them: for floats and these ints np.rint of the same
    # product is the same number; a Decimal whose product lies near .5 is rounded exactly.
    candidate = np.flatnonzero(open_place & (value > 0))
    product = value[candidate] * SCALE
    scaled = np.rint(product)
    if Decimal in kinds:
        for k in np.flatnonzero(np.abs(np.abs(product - scaled) - 0.5) < 1e-3):
            score = scores[candidate[k]]
            if type(score) is Decimal:
                scaled[k] = _scaled(score)
    scaled = scaled.astype(np.int64)
    keep = scaled > 0
    usable, scaled = candidate[keep], scaled[keep]
    if not usable.size:
        return _columns_result(participants, opportunities, scores, person, place, usable)

    # Canonical numbering, as optimal_assign: people and places with a usable pair, by id.
    person_rank = _canonical_ranks(participants)[person[usable]]
    place_rank = _canonical_ranks([o.id for o in opportunities])[place[usable]]
    people = np.flatnonzero(np.bincount(person_rank, minlength=len(participants)))
    places = np.flatnonzero(np.bincount(place_rank, minlength=len(opportunities)))
    person_node = 2 + _node_numbers(people, len(participants))[person_rank]
    place_node = 2 + len(people) + _node_numbers(places, len(opportunities))[place_rank]
    order = np.lexsort((place_node, person_node))
    usable, scaled = usable[order], scaled[order]
    person_node, place_node = person_node[order], place_node[order]
    place_of_node = np.empty(len(places), dtype=np.int64)
    place_of_node[place_node - 2 - len(people)] = place[usable]
    degree = np.bincount(place_node - 2 - len(people), minlength=len(places))
    source, sink = 0, 1
    n_people, n_pairs = len(people), len(usable)
    tails = np.concatenate(
        [np.full(n_people, source), person_node, 2 + n_people + np.arange(len(places)), [source]]
    )
    heads = np.concatenate(
        [2 + np.arange(n_people), place_node, np.full(len(places), sink), [sink]]
    )
    capacities = np.concatenate(
        [
            np.ones(n_people + n_pairs, dtype=np.int64),
            np.minimum(capacity[place_of_node], degree),
            [n_people],
        ]
    )
    costs = np.concatenate(
        [np.zeros(n_people, np.int64), -scaled, np.zeros(len(places) + 1, np.int64)]
    )

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        capacities.astype(np.int64),
        costs.astype(np.int64),
    )
    flow.set_node_supply(source, n_people)
    flow.set_node_supply(sink, -n_people)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover – the graph above is always feasible
        raise RuntimeError(f"min-cost flow failed: {status}")
    used = flow.flows(np.arange(n_people, n_people + n_pairs)) > 0
    return _columns_result(participants, opportunities, scores, person, place, usable[used])


def _node_numbers(present: np.ndarray, size: int) -> np.ndarray:
    """For each rank below ``size``, its position among the sorted ranks ``present``."""
    numbers = np.zeros(size, dtype=np.int64)
    numbers[present] = np.arange(len(present))
    return numbers


def _canonical_ranks(ids: Sequence[Hashable]) -> np.ndarray:
    """The position of each id (by index) in the canonical order of ``_Instance.ranks``."""
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[sorted(range(len(ids)), key=lambda i: _canonical(ids[i]))] = np.arange(len(ids))
    return ranks


def _columns_result(participants, opportunities, scores, person, place, chosen) -> MatchResult:
    """``_Instance.result`` for the chosen pairs (indices into the columns)."""
    chosen = chosen[np.argsort(person[chosen], kind="stable")]
    picked = [scores[i] for i in chosen.tolist()]
    assigned = np.zeros(len(participants), dtype=bool)
    assigned[person[chosen]] = True
    return MatchResult(
        proposals=tuple(
            Proposal(participants[p], opportunities[o].id, score, ())
            for p, o, score in zip(
                person[chosen].tolist(), place[chosen].tolist(), picked, strict=True
            )
        ),
        unassigned=tuple(
            pid for pid, done in zip(participants, assigned.tolist(), strict=True) if not done
        ),
        total_score=_exact_sum(picked),
    )


def greedy_assign(
    participants: Iterable[Hashable],
    opportunities: Iterable[Opportunity],
    pairs: Iterable[Pair],
) -> MatchResult:
    """Baseline: take pairs by descending score while the person is free and there is room.

    Ties go to the earlier participant id, then the earlier opportunity id. Not optimal in
    general; kept to measure how much the optimal solver gains.
    """
    instance = _Instance(participants, opportunities, pairs)
    room = dict(instance.capacity)
    taken: set[Hashable] = set()
    chosen = []
    person_rank, place_rank = instance.ranks()
    order = sorted(
        instance.usable,
        key=lambda p: (-p.score, person_rank[p.participant], place_rank[p.opportunity]),
    )
    for pair in order:
        if pair.participant not in taken and room[pair.opportunity] > 0:
            taken.add(pair.participant)
            room[pair.opportunity] -= 1
            chosen.append(pair)
    return instance.result(chosen)


class _Instance:
    """Validated input: participants in given order, capacities, and the pairs worth using."""

    def __init__(self, participants, opportunities, pairs):
        self.participants: list[Hashable] = []
        position: dict[Hashable, int] = {}
        for i, pid in enumerate(participants):
            if pid in position:
                raise InvalidInstance(
                    "participants", i, f"{_show(pid)} finns redan som nr {position[pid] + 1}."
                )
            position[pid] = i
            self.participants.append(pid)
        self.position = position

        self.capacity: dict[Hashable, int] = {}
        # Equal ids may be spelled differently (1 and 1.0); results use the spelling given here.
        self.opportunity_id: dict[Hashable, Hashable] = {}
        seen: dict[Hashable, int] = {}
        for i, (oid, capacity) in enumerate(opportunities):
            if oid in seen:
                raise InvalidInstance(
                    "opportunities", i, f"{_show(oid)} finns redan som nr {seen[oid] + 1}."
                )
            if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
                raise InvalidInstance(
                    "opportunities",
                    i,
                    f"kapaciteten för {_show(oid)} måste vara ett heltal 0 eller större, "
                    f"inte {_show(capacity)}.",
                )
            seen[oid] = i
            self.capacity[oid] = capacity
            self.opportunity_id[oid] = oid

        # The hot loop of large instances: keep it free of work that only errors need.
        self.usable: list[Pair] = []
        capacities = self.capacity
        listed: set[tuple[Hashable, Hashable]] = set()
        for i, pair in enumerate(pairs):
            if type(pair) is not Pair:
                pair = Pair(*pair)
            pid, oid, score = pair.participant, pair.opportunity, pair.score
            if pid not in position:
                raise InvalidInstance("pairs", i, f"okänd deltagare {_show(pid)}.")
            capacity = capacities.get(oid)
            if capacity is None:
                raise InvalidInstance("pairs", i, f"okänd aktivitet {_show(oid)}.")
            if (pid, oid) in listed:
                raise InvalidInstance(
                    "pairs", i, f"paret ({_show(pid)}, {_show(oid)}) finns redan."
                )
            listed.add((pid, oid))
            if not _is_finite_number(score):
                raise InvalidInstance(
                    "pairs",
                    i,
                    f"poängen {_show(score)} för ({_show(pid)}, {_show(oid)}) "
                    "måste vara ett ändligt tal.",
                )
            if score > 0 and capacity > 0:
                if score > MAX_SCORE:
                    raise InvalidInstance(
                        "pairs",
                        i,
                        f"poängen {score} för ({_show(pid)}, {_show(oid)}) är större än "
                        f"högsta tillåtna ({MAX_SCORE}).",
                    )
                if _scaled(score) > 0:
                    self.usable.append(pair)

    def ranks(self) -> tuple[dict[Hashable, int], dict[Hashable, int]]:
        """Canonical positions of participants and opportunities, independent of input order."""
        people = sorted(self.participants, key=_canonical)
        places = sorted(self.capacity, key=_canonical)
        return (
            {pid: i for i, pid in enumerate(people)},
            {oid: i for i, oid in enumerate(places)},
        )

    def result(self, chosen: Sequence[Pair]) -> MatchResult:
        chosen = sorted(chosen, key=lambda p: self.position[p.participant])
        assigned = {p.participant for p in chosen}
        return MatchResult(
            proposals=tuple(
                Proposal(
                    self.participants[self.position[p.participant]],
                    self.opportunity_id[p.opportunity],
                    p.score,
                    tuple(p.explanation),
                )
                for p in chosen
            ),
            unassigned=tuple(pid for pid in self.participants if pid not in assigned),
            total_score=_exact_sum([p.score for p in chosen]),
        )


def _scaled(score: Score) -> int:
    return round(score * SCALE)


def _is_finite_number(value) -> bool:
    kind = type(value)
    if kind is int:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is Decimal:
        return value.is_finite()
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return math.isfinite(value)  # subclasses of int and float


def _exact_sum(scores: Sequence[Score]) -> Score:
    """Sum without rounding drift: ints stay ints, floats via fsum, Decimals exactly."""
    if any(isinstance(s, float) for s in scores):
        return math.fsum(float(s) for s in scores)
    with localcontext() as context:
        context.prec = 1000  # far beyond any score's digits, so addition is exact
        return sum(scores, start=0)


def _canonical(value: Hashable) -> tuple:
    """A sort key for ids: by type name, then by value (numbers numerically)."""
    if isinstance(value, str | int | float | Decimal):
        return (type(value).__name__, value)
    return (type(value).__name__, repr(value))


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def optimal_assign_kinds(
    participants: Iterable[Hashable],
    opportunities: Iterable[Opportunity],
    pairs: Iterable[Pair],
    kinds: Mapping[Hashable, Hashable],
) -> MatchResult:
    """Like ``optimal_assign``, but a person may get one proposal per kind of opportunity
    (``kinds`` maps every opportunity id to its kind: an activity, a placement, a mentor).

    One min-cost flow: every person enters once per kind (the participant node becomes the
    pair (person, kind)), so the same solver and rules apply and the total over all kinds is
    the largest possible. Proposals come in the order the participants were given, and for
    one participant in the order of the kinds' first opportunities; ``unassigned`` lists those
    with no proposal of any kind."""
    people = list(participants)
    opportunities = list(opportunities)
    order: dict[Hashable, int] = {}
    for i, opportunity in enumerate(opportunities):
        if opportunity.id not in kinds:
            raise InvalidInstance("opportunities", i, f"{_show(opportunity.id)} saknar slag.")
        order.setdefault(kinds[opportunity.id], len(order))
    known = set(people)
    split = []
    for i, pair in enumerate(pairs):
        if type(pair) is not Pair:
            pair = Pair(*pair)
        if pair.participant not in known:
            raise InvalidInstance("pairs", i, f"okänd deltagare {_show(pair.participant)}.")
        if pair.opportunity not in kinds:
            raise InvalidInstance("pairs", i, f"okänd aktivitet {_show(pair.opportunity)}.")
        split.append(pair._replace(participant=(pair.participant, kinds[pair.opportunity])))
    seen: dict[Hashable, int] = {}
    for i, pid in enumerate(people):
        if pid in seen:
            raise InvalidInstance(
                "participants", i, f"{_show(pid)} finns redan som nr {seen[pid] + 1}."
            )
        seen[pid] = i
    nodes = [(pid, kind) for pid in people for kind in order]
    result = optimal_assign(nodes, opportunities, split)
    proposals = sorted(
        (
            Proposal(p.participant[0], p.opportunity, p.score, p.explanation)
            for p in result.proposals
        ),
        key=lambda p: (seen[p.participant], order[kinds[p.opportunity]]),
    )
    assigned = {p.participant for p in proposals}
    return MatchResult(
        proposals=tuple(proposals),
        unassigned=tuple(pid for pid in people if pid not in assigned),
        total_score=result.total_score,
    )
