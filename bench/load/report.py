"""The load results as rows of the benchmark table and as the "Last och fel" section."""

from __future__ import annotations

import json

from bench.common import BENCH_DIR, RESULTS, number

START, END = "<!-- load:start -->", "<!-- load:end -->"


def previous(name: str) -> dict:
    path = RESULTS / f"{name}-postgresql.json"
    return json.loads(path.read_text()) if path.exists() else {}


def load_measures(result: dict) -> list[dict]:
    """One row per step (p95 against the 1 s limit) and the throughput where it passes."""
    rows = []
    for step in result["steps"]:
        agg = step["aggregate"]
        rows.append(
            {
                "measure": f"{step['users']} klienter: p95 ({number(agg['rps'], 1)} req/s)",
                "subject": f"{number(agg['p95_ms'])} ms",
                "baseline": "1 000 ms",
                "ratio": agg["p95_ms"] / 1000,
                "target": "–",
                "met": True,
            }
        )
    limit = result["limit"]
    rows.append(
        {
            "measure": "genomströmning där p95 passerar 1 s",
            "subject": f"{'≤ ' if limit.get('below_lowest') else ''}"
            f"{number(limit['rps'], 1)} req/s",
            "baseline": f"{number(limit['users'])} klienter",
            "ratio": 1.0,
            "target": "–",
            "met": True,
        }
    )
    return rows


_REASONS = {
    "RemoteDisconnected": "anslutningen bröts",
    "CatchResponseError": "POST utan svar",
    "ConnectionResetError": "anslutningen återställdes",
}


def _cpu(step: dict) -> str:
    cpu = step.get("cpu_cores", {})
    parts = [f"{k} {cpu[k]:.2f}" for k in ("gunicorn", "postgres", "locust", "other") if k in cpu]
    return ", ".join(parts)


def _per_request(step: dict) -> str:
    cpu, rps = step.get("cpu_cores", {}), step["aggregate"]["rps"]
    if not rps:
        return "–"
    web, db = cpu.get("gunicorn", 0) * 1000 / rps, cpu.get("postgres", 0) * 1000 / rps
    return f"{web:.0f} + {db:.0f}"


def _writes(w: dict | None) -> str:
    if not w or not w.get("posts"):
        return "–"
    text = f"{w['posts']} listor: {w['whole']} hela, {w['nothing']} inga, **{w['partial']} halva**"
    if w.get("answered_ok_but_lost"):
        text += f", {w['answered_ok_but_lost']} kvitterade men saknas"
    return text


def section() -> str:
    load, faults = previous("load"), previous("faults")
    lines = []
    if load:
        lines += [
            f"Mätt {load.get('measured_at', '')} på commit {load.get('commit', '')}, "
            f"PostgreSQL {load.get('database_version', '')}, {load['machine']['cores']} kärnor, "
            f"{load['gunicorn_workers']} gunicorn-workers, "
            f"{number(load.get('participants', 0))} deltagare.",
            "",
            "| klienter | req/s | p50 | p95 | fel | CPU (kärnor) | CPU-ms per förfrågan "
            "(gunicorn + PostgreSQL) | db-anslutningar (max) | väntan i databasen (max) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for step in load["steps"]:
            agg = step["aggregate"]
            waits = ", ".join(f"{k} {v}" for k, v in step.get("waits_max", {}).items()) or "–"
            lines.append(
                f"| {step['users']} | {agg['rps']:.1f} | {agg['p50_ms']:.0f} ms | "
                f"{agg['p95_ms']:.0f} ms | {agg['failures']} | {_cpu(step)} | "
                f"{_per_request(step)} | "
                f"{step.get('connections_max', 0)} | {waits} |"
            )
        limit = load["limit"]
        if not limit["passed"]:
            where = f"p95 passerade inte 1 s; högsta steget gav {limit['rps']:.1f} req/s"
        elif limit.get("below_lowest"):
            where = (
                f"p95 var över 1 s redan vid det lägsta steget: **{limit['rps']:.1f} req/s** "
                f"({limit['users']} klienter)"
            )
        else:
            where = (
                f"p95 passerar 1 s vid **{limit['rps']:.1f} req/s** "
                f"(≈ {limit['users']:.0f} klienter)"
            )
        lines += ["", where + ".", ""]
    if faults:
        lines += [
            "| fel | resultat | återhämtning | halva skrivningar |",
            "|---|---|---|---|",
        ]
        r = faults.get("restart")
        if r:
            o, down = r["outage"], r.get("while_down", {})
            lines.append(
                f"| PostgreSQL stoppas {r['down_s']:.0f} s och startas om under "
                f"{r['users']} klienter | {o['requests']} svar under avbrottet: "
                f"{o['swedish_503']} svenska 503, {o['status_500']} 500, andra "
                f"{o['failed'] - o['swedish_503'] - o['status_500']}, inga andra fel; "
                f"skickade medan databasen var nere: {down.get('requests', 0)}, svar efter "
                f"p50 {down.get('p50_ms', 0):.0f} ms, p95 {down.get('p95_ms', 0):.0f} ms "
                f"(kötid hos gunicorn inräknad) | första svar efter start: lyckat efter "
                f"{r['first_success_after_up_s']} s; {r['failed_after_up']} misslyckade "
                f"därefter | {_writes(r['writes'])} |"
            )
        k = faults.get("kill")
        if k:
            d = k["during"]
            replaced = [x["replaced_after_s"] for x in k["kills"] if x["replaced_after_s"]]
            reasons = (
                ", ".join(f"{_REASONS.get(n, n)} {c}" for n, c in k["failed_reasons"].items())
                or "inga"
            )
            lines.append(
                f"| {len(k['kills'])} gunicorn-workers dödas (SIGKILL) mitt i en transaktion, "
                f"{k['users']} klienter | {d['requests']} förfrågningar under tiden, "
                f"{d['failed']} misslyckade ({reasons}); {k['workers_after']} workers efteråt | "
                f"ny worker efter {max(replaced, default=0):.1f} s (längst) | "
                f"{_writes(k['writes'])} |"
            )
        disk = faults.get("disk")
        if disk:
            e = disk["export"]
            lines.append(
                f"| Disken full under `stegvis export` ({e['tmpfs']} tmpfs) | exit "
                f"{e['full']['exit_code']}, ”{e['full']['message']}”, stackspår: "
                f"{'ja' if e['full']['traceback'] else 'nej'}; filer kvar: "
                f"{', '.join(e['files_left']) or 'inga'} (kontroll med plats: hel zip, "
                f"{number(e['control']['zip_bytes'])} byte) | – | inga |"
            )
            for key, label in (("import_sqlite", "SQLite"), ("import_postgresql", "PostgreSQL")):
                i = disk.get(key)
                if not i:
                    continue
                lines.append(
                    f"| Disken full under import av {number(i['rows'])} deltaganden "
                    f"({label} på tmpfs) | exit {i['full']['exit_code']}, "
                    f"”{i['full']['message']}”, stackspår: "
                    f"{'ja' if i['full']['traceback'] else 'nej'} | – | "
                    f"{i['enrolments_after_failure']} deltaganden och "
                    f"{i['participants_after_failure']} deltagare kvar (import igen med plats: "
                    f"{number(i['control']['enrolments'])}) |"
                )
    return "\n".join(lines) + "\n"


def update_section() -> None:
    readme = BENCH_DIR / "README.md"
    text = readme.read_text()
    if START not in text:
        return
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    readme.write_text(f"{head}{START}\n{section()}{END}{tail}")
