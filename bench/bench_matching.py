"""Benchmark 3: matching 10 000 participants to 2 000 activities with the optimal solver
against a greedy matcher on the same scored pairs.

The instance is built like the web's: participants and activities with needs, interests,
languages, municipality and hub, scored by ``matching.scoring`` (hard constraints drop pairs).
Each participant is scored against the activities of their own hub (a person is not offered
activities across the region), 40 candidates each. Two instances: *ample* (1.5 places per
participant) and *contested* (0.5 places per participant, where choices compete).

Measures: total score of the optimal solver vs greedy (must be ≥ on both, and > on the
contested one), and solver time vs greedy time — target ≤ 10×. Scoring the pairs is the same
input for both and is not part of either time.
"""

from __future__ import annotations

import random
import time

from bench.common import median, number, save

PARTICIPANTS = 10_000
ACTIVITIES = 2_000
CANDIDATES = 40
RUNS = 3
HUBS = {
    "nordost": ["Kristianstad", "Hässleholm", "Osby", "Östra Göinge"],
    "nordvast": ["Helsingborg", "Ängelholm", "Landskrona", "Höganäs"],
    "syd": ["Malmö", "Trelleborg", "Ystad", "Vellinge"],
    "mellan": ["Lund", "Eslöv", "Höör", "Hörby"],
}
LANGUAGES = ["arabiska", "dari", "tigrinja", "somaliska", "ukrainska", "persiska", "svenska"]
TOPICS = ["idrott", "matlagning", "språkcafé", "natur", "musik", "hantverk", "data", "odling"]
SLOTS = [f"{d}-{p}" for d in ("mån", "tis", "ons", "tor", "fre") for p in ("fm", "em")]


def build_instance(seed: int, places_per_participant: float):
    from stegvis.matching.engine import Opportunity
    from stegvis.matching.scoring import OpportunityFeatures, ParticipantFeatures, score_pairs

    rng = random.Random(seed)
    hubs = list(HUBS)
    activities_by_hub: dict[str, list[int]] = {h: [] for h in hubs}
    features = {}
    capacity_total = round(PARTICIPANTS * places_per_participant)
    capacities = [1] * ACTIVITIES
    for _ in range(capacity_total - ACTIVITIES):
        capacities[rng.randrange(ACTIVITIES)] += 1
    opportunities = []
    for a in range(ACTIVITIES):
        hub = hubs[a % len(hubs)]
        activities_by_hub[hub].append(a)
        features[a] = OpportunityFeatures(
            serves=frozenset(rng.sample(["language", "health", "network"], rng.randint(1, 2))),
            topics=frozenset(rng.sample(TOPICS, 2)),
            languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 2))),
            interpreter=rng.random() < 0.3,
            municipality=rng.choice(HUBS[hub]),
            hub=hub,
            schedule=frozenset(rng.sample(SLOTS, 1)),
            gender="kvinna" if rng.random() < 0.1 else "",
        )
        opportunities.append(Opportunity(a, capacities[a]))
    pairs = []
    participant_ids = []
    for p in range(PARTICIPANTS):
        hub = rng.choice(hubs)
        pid = f"p{p}"
        participant_ids.append(pid)
        person = ParticipantFeatures(
            needs={"language": rng.randint(0, 3), "health": rng.randint(0, 3)},
            interests=frozenset(rng.sample(TOPICS, 3)),
            languages=frozenset(rng.sample(LANGUAGES, 2)),
            municipality=rng.choice(HUBS[hub]),
            hub=hub,
            availability=frozenset(rng.sample(SLOTS, 7)),
            gender=rng.choice(("kvinna", "man")),
            prefers_single_gender=rng.random() < 0.05,
        )
        candidates = rng.sample(activities_by_hub[hub], CANDIDATES)
        pairs.extend(score_pairs({pid: person}, {a: features[a] for a in candidates}))
    return participant_ids, opportunities, pairs


def _timed(func, *args):
    started = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - started, value


def run() -> dict:
    from stegvis.matching.engine import greedy_assign, optimal_assign

    measures = []
    details = {}
    for label, share, seed in (("gott om platser", 1.5, 3), ("konkurrens om platserna", 0.5, 5)):
        instance = build_instance(seed, share)
        optimal_times, greedy_times = [], []
        for _ in range(RUNS):
            t, greedy = _timed(greedy_assign, *instance)
            greedy_times.append(t)
            t, optimal = _timed(optimal_assign, *instance)
            optimal_times.append(t)
        if optimal.total_score < greedy.total_score:
            raise AssertionError("den optimala matchningen fick lägre total än den giriga")
        opt_t, greedy_t = median(optimal_times), median(greedy_times)
        details[label] = {
            "pairs": len(instance[2]),
            "places": sum(o.capacity for o in instance[1]),
            "optimal_total": float(optimal.total_score),
            "greedy_total": float(greedy.total_score),
            "optimal_assigned": len(optimal.proposals),
            "greedy_assigned": len(greedy.proposals),
        }
        gain = float(optimal.total_score) / float(greedy.total_score)
        measures.append(
            {
                "measure": f"total poäng, {label}",
                "subject": number(float(optimal.total_score), 1),
                "baseline": f"{number(float(greedy.total_score), 1)} (girig)",
                "ratio": gain,
                "target": "≥ 1×" if share > 1 else "> 1×",
                "met": gain >= 1 if share > 1 else gain > 1,
            }
        )
        ratio = opt_t / greedy_t
        measures.append(
            {
                "measure": f"tid, {label} ({number(len(instance[2]))} par)",
                "subject": f"{opt_t * 1000:.0f} ms",
                "baseline": f"{greedy_t * 1000:.0f} ms (girig)",
                "ratio": ratio,
                "target": "≤ 10×",
                "met": ratio <= 10,
            }
        )
    result = {
        "name": "matching",
        "participants": PARTICIPANTS,
        "activities": ACTIVITIES,
        "candidates_per_participant": CANDIDATES,
        "instances": details,
        "measures": measures,
    }
    save(result)
    return result
