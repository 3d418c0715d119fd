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

A third measure times the whole ``stegvis match-file`` command as a user runs it: a contested
instance of 10 000 participants × 2 000 activities with 50 candidates each, written as the
command's JSON file, solved by ``stegvis match-file FILE`` in a process of its own (start-up,
reading, checking, solving and writing included). The baseline is ``bench/ortools_match.py``:
a minimal script that reads the same file and hands numpy arrays to OR-Tools' min-cost flow,
started the same way (a subprocess of the same Python). Both totals must agree, and the
command's output must equal what ``engine.optimal_assign`` gives in process. Target ≤ 2×.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from bench.common import DATA, median, number, save

PARTICIPANTS = 10_000
ACTIVITIES = 2_000
CANDIDATES = 40
RUNS = 3
FILE_CANDIDATES = 50
FILE_RUNS = 5
HUBS = {
    "nordost": ["Kristianstad", "Hässleholm", "Osby", "Östra Göinge"],
    "nordvast": ["Helsingborg", "Ängelholm", "Landskrona", "Höganäs"],
    "syd": ["Malmö", "Trelleborg", "Ystad", "Vellinge"],
    "mellan": ["Lund", "Eslöv", "Höör", "Hörby"],
}
LANGUAGES = ["arabiska", "dari", "tigrinja", "somaliska", "ukrainska", "persiska", "svenska"]
TOPICS = ["idrott", "matlagning", "språkcafé", "natur", "musik", "hantverk", "data", "odling"]
SLOTS = [f"{d}-{p}" for d in ("mån", "tis", "ons", "tor", "fre") for p in ("fm", "em")]


def build_instance(seed: int, places_per_participant: float, candidates: int = CANDIDATES):
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
        offered = rng.sample(activities_by_hub[hub], candidates)
        pairs.extend(score_pairs({pid: person}, {a: features[a] for a in offered}))
    return participant_ids, opportunities, pairs


def _timed(func, *args):
    started = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - started, value


def write_instance_file(path: Path, seed: int = 11, share: float = 0.5) -> tuple:
    """The contested instance with ``FILE_CANDIDATES`` candidates each, as match-file reads it."""
    participants, opportunities, pairs = build_instance(seed, share, FILE_CANDIDATES)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "participants": participants,
                "activities": [{"id": o.id, "capacity": o.capacity} for o in opportunities],
                "scores": [[p.participant, p.opportunity, p.score] for p in pairs],
            }
        )
    )
    return participants, opportunities, pairs


def _run_process(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return time.perf_counter() - started, done.stdout


def match_file_measure() -> tuple[dict, dict]:
    """The whole command against a bare OR-Tools solve, each a fresh process, alternating."""
    from stegvis.matching.engine import optimal_assign

    path = DATA / "match-file-10000x2000.json"
    participants, opportunities, _pairs = write_instance_file(path)
    # In process, the engine on the file as the command reads it (scores as written).
    data = json.loads(path.read_text(), parse_float=Decimal)
    expected = optimal_assign(participants, opportunities, data["scores"])
    stegvis = [str(Path(sys.executable).parent / "stegvis"), "match-file", str(path)]
    baseline = [sys.executable, str(Path(__file__).with_name("ortools_match.py")), str(path)]
    command_times, baseline_times = [], []
    for _ in range(FILE_RUNS):
        t, bare_out = _run_process(baseline)
        baseline_times.append(t)
        t, command_out = _run_process(stegvis)
        command_times.append(t)
    answer, bare = json.loads(command_out), json.loads(bare_out)
    proposals = [[a["participant"], a["activity"]] for a in answer["assignments"]]
    if proposals != [[p.participant, p.opportunity] for p in expected.proposals]:
        raise AssertionError("match-file gav en annan matchning än motorn")
    if abs(answer["total_score"] - bare["total_score"]) > 1e-6 * abs(bare["total_score"]):
        raise AssertionError("match-file och OR-Tools fick olika total poäng")
    command_t, baseline_t = median(command_times), median(baseline_times)
    ratio = command_t / baseline_t
    detail = {
        "pairs": len(data["scores"]),
        "places": sum(o.capacity for o in opportunities),
        "assigned": len(answer["assignments"]),
        "total_score": answer["total_score"],
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "command_times_s": [round(t, 3) for t in command_times],
        "baseline_times_s": [round(t, 3) for t in baseline_times],
    }
    measure = {
        "measure": (
            f"stegvis match-file, {number(PARTICIPANTS)} × {number(ACTIVITIES)} "
            f"({number(len(data['scores']))} par, hela kommandot)"
        ),
        "subject": f"{command_t * 1000:.0f} ms",
        "baseline": f"{baseline_t * 1000:.0f} ms (OR-Tools direkt)",
        "ratio": ratio,
        "target": "≤ 2×",
        "met": ratio <= 2,
    }
    return measure, detail


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
    measure, details["match-file"] = match_file_measure()
    measures.append(measure)
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
