"""The load steps: more and more clients, until p95 passes 1 s, and what gave way first."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.load import harness

P95_LIMIT_MS = 1000.0


def step(url: str, master, *, users: int, seconds: int, folder: Path) -> dict:
    prefix = folder / f"steg-{users}"
    process = harness.locust(url, users=users, seconds=seconds, prefix=prefix)
    sampler = harness.Sampler(master, process)
    sampler.start()
    _out, err = process.communicate(timeout=seconds + 120)
    sampler.stop.set()
    sampler.join()
    stats = harness.read_stats(prefix)
    result = {"users": users, "seconds": seconds, **stats, **sampler.summary()}
    agg = stats["aggregate"]
    print(
        f"{users:4d} klienter: {agg['rps']:6.1f} req/s, p50 {agg['p50_ms']:5.0f} ms, "
        f"p95 {agg['p95_ms']:5.0f} ms, {agg['failures']} fel, CPU {result.get('cpu_cores')}, "
        f"anslutningar {result.get('connections_max')}, väntan {result.get('waits_max')}",
        flush=True,
    )
    if process.returncode not in (0, 1) and err:
        print(err[-2000:], flush=True)
    return result


def at_limit(steps: list[dict]) -> dict:
    """Throughput where p95 passes 1 s: interpolated between the last step under the limit and
    the first over it (in p95), or the highest step measured if none passed it."""
    below = [s for s in steps if s["aggregate"]["p95_ms"] <= P95_LIMIT_MS]
    above = [s for s in steps if s["aggregate"]["p95_ms"] > P95_LIMIT_MS]
    if not above:
        top = max(steps, key=lambda s: s["users"])
        return {"passed": False, "rps": top["aggregate"]["rps"], "users": top["users"]}
    first = min(above, key=lambda s: s["users"])
    earlier = [s for s in below if s["users"] < first["users"]]
    if not earlier:  # already over the limit at the lowest step: the limit lies below it
        return {
            "passed": True,
            "below_lowest": True,
            "rps": first["aggregate"]["rps"],
            "users": first["users"],
        }
    last = max(earlier, key=lambda s: s["users"])
    a, b = last["aggregate"], first["aggregate"]
    share = (P95_LIMIT_MS - a["p95_ms"]) / (b["p95_ms"] - a["p95_ms"])
    return {
        "passed": True,
        "rps": a["rps"] + share * (b["rps"] - a["rps"]),
        "users": last["users"] + share * (first["users"] - last["users"]),
        "between": [last["users"], first["users"]],
    }


def run(*, users: list[int], seconds: int, workers: int) -> dict:
    steps = []
    with (
        tempfile.TemporaryDirectory(prefix="stegvis-load-") as folder,
        harness.gunicorn(workers) as (master, url),
    ):
        for count in users:
            steps.append(step(url, master, users=count, seconds=seconds, folder=Path(folder)))
            if steps[-1]["aggregate"]["p95_ms"] > 15 * P95_LIMIT_MS:
                break  # far past the limit: more clients only queue longer
    return {"gunicorn_workers": workers, "steps": steps, "limit": at_limit(steps)}
