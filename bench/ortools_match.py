"""The baseline of the ``match-file`` measure: a bare OR-Tools min-cost-flow solve of an
instance file, as small as a script that reads the file, solves and writes the answer can be.

    python bench/ortools_match.py INSTANCE.json

Reads the same JSON as ``stegvis match-file`` (floats as floats, no checks), builds the same
graph (source → participant → activity → sink, plus a bypass for the unassigned) from numpy
arrays with ``add_arcs_with_capacity_and_unit_cost``, solves, and writes the assignments and
the total as compact JSON. Started as a process of its own, like the command.
"""

import json
import sys

import numpy as np
from ortools.graph.python import min_cost_flow


def main(path: str) -> None:
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    participants = data["participants"]
    activities = data["activities"]
    person = {pid: i for i, pid in enumerate(participants)}
    place = {a["id"]: i for i, a in enumerate(activities)}
    n, m = len(participants), len(activities)
    pids, oids, scores = zip(*data["scores"], strict=True)
    score = np.array(scores, dtype=np.float64)
    cost = -np.rint(score * 1e6).astype(np.int64)
    keep = cost < 0
    people = np.fromiter(map(person.__getitem__, pids), np.int32, len(pids))[keep]
    places = np.fromiter(map(place.__getitem__, oids), np.int32, len(oids))[keep]
    capacity = np.array([a["capacity"] for a in activities], dtype=np.int64)
    source, sink = 0, 1
    tails = np.concatenate(
        [np.zeros(n, np.int32), people + 2, np.arange(m, dtype=np.int32) + 2 + n, [source]]
    )
    heads = np.concatenate(
        [np.arange(n, dtype=np.int32) + 2, places + 2 + n, np.full(m, sink, np.int32), [sink]]
    )
    capacities = np.concatenate(
        [np.ones(n + len(people), np.int64), capacity, np.array([n], np.int64)]
    )
    costs = np.concatenate([np.zeros(n, np.int64), cost[keep], np.zeros(m + 1, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    if flow.solve() != flow.OPTIMAL:
        raise SystemExit("no optimal solution")
    used = flow.flows(np.arange(n, n + len(people))) > 0
    chosen = np.flatnonzero(keep)[used]
    json.dump(
        {
            "assignments": [
                {"participant": pids[i], "activity": oids[i], "score": scores[i]} for i in chosen
            ],
            "total_score": float(score[chosen].sum()),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main(sys.argv[1])
