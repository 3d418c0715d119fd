"""Benchmark 1: the `age-gender` report over a federation with 1 000 000 enrolments against a
hand-written SQL ``GROUP BY`` computing the same table on the same database.

The report runs exactly as ``stegvis report age-gender`` computes it (``build_report``), over the
whole history and every intervention. The baseline is one SQL statement that computes the age
at start, folds it into bands and counts per band and gender in the database. Both answers are
compared cell by cell before anything is timed: a fast wrong report is not a result.

Target: ≤ 1.5× the hand-written SQL.
"""

from __future__ import annotations

import time

from bench.common import median, number, save

RUNS = 5
SLUG = "bench-report"

_BANDS_SQL = """
CASE
    WHEN age < 18 THEN '-17'
    WHEN age < 25 THEN '18-24'
    WHEN age < 30 THEN '25-29'
    WHEN age < 40 THEN '30-39'
    WHEN age < 50 THEN '40-49'
    WHEN age < 60 THEN '50-59'
    ELSE '60-'
END
"""


def _date_number(column: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"CAST(TO_CHAR({column}, 'YYYYMMDD') AS INTEGER)"
    return f"CAST(REPLACE({column}, '-', '') AS INTEGER)"


def baseline_sql(vendor: str) -> str:
    start = _date_number("e.start_date", vendor)
    birth = f"COALESCE({_date_number('p.birth_date', vendor)}, p.birth_year * 10000 + 701)"
    return f"""
        SELECT {_BANDS_SQL} AS band, gender, COUNT(*) FROM (
            SELECT ({start} - {birth}) / 10000 AS age, p.gender AS gender
            FROM participants_enrolment e
            JOIN participants_participant p ON p.id = e.participant_id
            WHERE e.federation_id = %s AND e.exit_reason <> 'felregistrering'
        ) AS ages
        GROUP BY 1, 2
    """


def _federation(enrolments: int):
    from bench.generate import generate
    from stegvis.core.models import Federation

    found = Federation.objects.filter(slug=SLUG).first()
    if found is not None:
        return found, None
    generated = generate(slug=SLUG, enrolments=enrolments, seed=11)
    return generated.federation, generated.seconds


def _timed(func) -> tuple[float, object]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def run(enrolments: int = 1_000_000) -> dict:
    from django.db import connection

    from stegvis.core.tenancy import federation_scope, unscoped
    from stegvis.participants.models import Enrolment
    from stegvis.reports.definitions import build_report

    federation, generated_in = _federation(enrolments)
    with unscoped():
        count = Enrolment.objects.filter(federation=federation).count()
    sql = baseline_sql(connection.vendor)

    def report():
        with federation_scope(federation):
            return build_report("age-gender")

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [federation.pk])
            return cursor.fetchall()

    # Same answer first.
    table = report()
    expected = {(band, gender): n for band, gender, n in baseline()}
    genders = table["columns"][:-1]
    for row in table["rows"]:
        for gender, value in zip(genders, row["values"], strict=False):
            if value != expected.get((row["label"], gender), 0):
                raise AssertionError(f"age-gender skiljer sig från SQL i {row['label']}/{gender}")
    if table["total"]["values"][-1] != sum(expected.values()):
        raise AssertionError("age-gender: totalen skiljer sig från SQL")

    subject_times, baseline_times = [], []
    for _ in range(RUNS):  # interleaved, so drift in the machine hits both alike
        baseline_times.append(_timed(baseline)[0])
        subject_times.append(_timed(report)[0])
    subject, base = median(subject_times), median(baseline_times)
    ratio = subject / base
    result = {
        "name": "report",
        "enrolments": count,
        "generated_seconds": round(generated_in, 1) if generated_in else None,
        "runs": RUNS,
        "measures": [
            {
                "measure": f"age-gender, {number(count)} deltaganden (median)",
                "subject": f"{subject * 1000:.0f} ms",
                "baseline": f"{base * 1000:.0f} ms (SQL GROUP BY)",
                "ratio": ratio,
                "target": "≤ 1.5×",
                "met": ratio <= 1.5,
            }
        ],
    }
    save(result)
    return result
