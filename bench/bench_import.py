"""Benchmark 2: importing enrolments from CSV with full validation against a raw
``executemany`` of the same rows.

stegvis: ``parse_enrolments`` (personnummer with check digit, dates, code lists, end date
with exit reason, duplicates and overlaps within the file) and ``enrolments_import`` (look-ups
against existing people and episodes, encrypted personnummer with its HMAC, consent, enrolment,
follow-up tasks and the audit entry) — the code path of ``stegvis import enrolments`` and of
the web import.

Baseline: the same file read with the ``csv`` module and its rows written with ``executemany``
into the same tables the import fills (participant, consent, enrolment) as they stand — no
checks, no encryption, no look-ups, no follow-up tasks.

Each side imports into a fresh intervention of its own federation. Target: ≥ 1× the rows
per second of the baseline.
"""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import date, timedelta

from bench.common import median, number, save

ROWS = 100_000
RUNS = 3
HEADER = (
    "personnummer,gender,start_date,end_date,exit_reason,af_code_before,af_code_after,"
    "income_source_before,income_source_after"
)
EXITS = ["arbete", "studier", "annan_malgrupp", "sjukskriven", "annat"]
AF_CODES = ["11", "22", "33", "70", "81"]
INCOME = ["ekonomiskt_bistand", "etableringsersattning", "aktivitetsstod", "lon"]


def make_csv(rows: int, seed: int) -> str:
    from stegvis.core.personnummer import generate_personal_number

    rng = random.Random(seed)
    seen: set[str] = set()
    lines = [HEADER]
    while len(lines) <= rows:
        gender = rng.choice(("kvinna", "man"))
        born = date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28))
        number = generate_personal_number(rng, born, gender)
        if number in seen:
            continue
        seen.add(number)
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
        if rng.random() < 0.6:
            end = start + timedelta(days=rng.randint(30, 400))
            ended = f"{end:%Y-%m-%d},{rng.choice(EXITS)}"
            after = rng.choice(AF_CODES), rng.choice(INCOME)
        else:
            ended, after = ",", ("", "")
        lines.append(
            f"{number},{gender},{start:%Y-%m-%d},{ended},{rng.choice(AF_CODES)},{after[0]},"
            f"{rng.choice(INCOME)},{after[1]}"
        )
    return "\n".join(lines) + "\n"


def _fresh(slug: str):
    """A new federation with one intervention. Never reused: the baseline's rows hold the
    personnummer unencrypted, so they are deleted by table (``_remove_rows``), not loaded."""
    import uuid

    from stegvis.core import services
    from stegvis.core.models import Authority
    from stegvis.core.tenancy import federation_scope
    from stegvis.interventions.models import Intervention

    slug = f"{slug}-{uuid.uuid4().hex[:8]}"
    federation, _ = services.federation_create(slug=slug, name=slug)
    with federation_scope(federation):
        owner = Authority.objects.create(kind="kommun", name="Kommunen")
        intervention = Intervention.objects.create(
            code="IMP", name="Import", owner_authority=owner, start_date=date(2019, 1, 1)
        )
    return federation, intervention


def stegvis_import(text: str, federation, intervention) -> int:
    from django.utils import timezone

    from stegvis.core.tenancy import federation_scope
    from stegvis.participants import importing

    with federation_scope(federation):
        rows = importing.parse_enrolments(
            text, keys=importing.ReferenceKeys.current(), today=timezone.localdate()
        )
        result = importing.enrolments_import(actor=None, intervention=intervention, rows=rows)
    return result.created_enrolments


def raw_import(text: str, federation, intervention) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    reader = csv.reader(io.StringIO(text))
    next(reader)
    records = list(reader)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM participants_participant")
        first_id = cursor.fetchone()[0] + 1
        cursor.executemany(
            "INSERT INTO participants_participant (id, federation_id, personal_number, "
            "personal_number_hash, is_coordination_number, is_anonymous, protected_identity, "
            "first_name, last_name, birth_year, gender, municipality, country_of_birth, "
            "languages, interpreter_needed, interpreter_language, education_level, phone, "
            "email, address, created_at) VALUES "
            "(%s, %s, %s, '', false, false, false, '', '', %s, %s, '', '', '[]', false, '', "
            "'', '', '', '', %s)",
            [
                (first_id + i, federation.pk, r[0], int(r[0][:4]), r[1], now)
                for i, r in enumerate(records)
            ],
        )
        cursor.executemany(
            "INSERT INTO participants_consent (federation_id, participant_id, intervention_id, "
            "scope, method, language, given_on, witnessed_by, withdrawal_note) VALUES "
            "(%s, %s, %s, 'registration', 'imported', '', %s, '', '')",
            [(federation.pk, first_id + i, intervention.pk, r[2]) for i, r in enumerate(records)],
        )
        cursor.executemany(
            "INSERT INTO participants_enrolment (federation_id, participant_id, "
            "intervention_id, start_date, income_sources_before, af_code_before, "
            "education_level, time_outside, end_date, exit_reason, income_sources_after, "
            "af_code_after, exit_note, created_at, imported) VALUES "
            "(%s, %s, %s, %s, %s, %s, '', '', %s, %s, %s, %s, '', %s, true)",
            [
                (
                    federation.pk,
                    first_id + i,
                    intervention.pk,
                    r[2],
                    f'["{r[7]}"]',
                    r[5],
                    r[3] or None,
                    r[4],
                    f'["{r[8]}"]' if r[8] else "[]",
                    r[6],
                    now,
                )
                for i, r in enumerate(records)
            ],
        )
    if connection.vendor == "postgresql":
        from bench.generate import _reset_sequences
        from stegvis.participants.models import Participant

        _reset_sequences([Participant])
    return len(records)


def _remove_rows(federations) -> None:
    """Delete the people and episodes the runs wrote, so that later benchmarks in the same
    database (the pages, on PostgreSQL, where the data is kept between runs) are planned from
    statistics of their own data and not of 600 000 imported people. The federations, their
    intervention and the import's audit entry (append-only) stay."""
    from django.db import connection, transaction

    from stegvis.participants.models import Consent, Enrolment, FollowUp, Participant

    ids = [f.pk for f in federations]
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    tables = [m._meta.db_table for m in (FollowUp, Enrolment, Consent, Participant)]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:  # identifiers from the models; the ids are parameters
            cursor.execute(f"DELETE FROM {table} WHERE federation_id IN ({marks})", ids)
    # PostgreSQL: without VACUUM the deleted rows' pages make ANALYZE count a fifth of the
    # live rows, and the planner's estimates go astray just the same.
    analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{analyze} {table}")


def run(rows: int = ROWS) -> dict:
    from stegvis.core.models import Federation

    # What an earlier run (before the rows were removed after each run) left behind.
    _remove_rows(Federation.objects.filter(slug__startswith="bench-import-"))
    text = make_csv(rows, seed=7)
    subject_times, baseline_times = [], []
    written_to = []
    for i in range(RUNS):  # each side into a federation of its own, created outside the timing
        target = _fresh(f"bench-import-raw-{i}")
        written_to.append(target[0])
        started = time.perf_counter()
        written = raw_import(text, *target)
        baseline_times.append(time.perf_counter() - started)
        assert written == rows, written
        target = _fresh(f"bench-import-{i}")
        written_to.append(target[0])
        started = time.perf_counter()
        written = stegvis_import(text, *target)
        subject_times.append(time.perf_counter() - started)
        assert written == rows, written
    _remove_rows(written_to)
    subject = rows / median(subject_times)
    baseline = rows / median(baseline_times)
    ratio = subject / baseline
    result = {
        "name": "import",
        "rows": rows,
        "runs": RUNS,
        "measures": [
            {
                "measure": f"CSV-import, {number(rows)} rader (median)",
                "subject": f"{number(subject)} rader/s",
                "baseline": f"{number(baseline)} rader/s (executemany)",
                "ratio": ratio,
                "target": "≥ 1×",
                "met": ratio >= 1,
            }
        ],
    }
    save(result)
    return result
