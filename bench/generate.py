"""A fast, seeded generator of realistic federations for benchmarks.

Participants have valid personnummer (encrypted, with their HMAC), consents, enrolments over
several years with exits, reasons and in/out registration. Rows are written with bulk_create in
batches, never one save per row. Other apps add their generators to ``EXTRA_GENERATORS``.

    python -m bench.generate --federation bench --enrolments 1000000
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

BATCH = 5000

EXIT_REASONS = [
    ("arbete", 24),
    ("studier", 14),
    ("annan_malgrupp", 9),
    ("flyttat_inom_landet", 5),
    ("sjukskriven", 8),
    ("foraldrapenning", 6),
    ("a_kassa", 2),
    ("flyttat_utomlands", 2),
    ("annat", 27),
    ("felregistrering", 3),
]
AF_CODES = ["11", "14", "22", "33", "38", "42", "70", "81", "83", "JOB3", "EJ_AKTUELL"]
INCOME = [
    "ekonomiskt_bistand",
    "etableringsersattning",
    "aktivitetsstod",
    "sjukpenning",
    "sjuk_aktivitetsersattning",
    "a_kassa",
    "lon",
    "studiemedel",
]
MUNICIPALITIES = [
    "Kristianstad",
    "Hässleholm",
    "Helsingborg",
    "Landskrona",
    "Malmö",
    "Lund",
    "Eslöv",
    "Ystad",
    "Trelleborg",
    "Ängelholm",
    "Osby",
    "Höör",
]
FIRST = {
    "kvinna": ["Amal", "Fatima", "Senait", "Olena", "Sara", "Hodan", "Maryam", "Lina"],
    "man": ["Ahmad", "Ali", "Yonas", "Andrii", "Karim", "Abdi", "Reza", "Omar"],
}
LAST = [
    "Haddad",
    "Ahmadi",
    "Tesfay",
    "Shevchenko",
    "Hamid",
    "Farah",
    "Karimi",
    "Khalil",
    "Nilsson",
    "Lindqvist",
    "Berg",
    "Holm",
]


@dataclass
class Generated:
    federation: object
    interventions: list = field(default_factory=list)
    case_worker: object = None
    participants: int = 0
    enrolments: int = 0
    seconds: float = 0.0
    hub: object = None
    # (enrolment id, start, end) of a seeded 5 % sample, for ratings and activity places.
    sample: list = field(default_factory=list)
    extras: dict = field(default_factory=dict)


def _step_ratings(out: Generated, rng: random.Random) -> None:
    """Staff ratings on every dimension at the start and, for ended enrolments, at exit."""
    from stegvis.assessments.models import StepRating
    from stegvis.assessments.services import ensure_dimensions
    from stegvis.core import bulk

    dimensions = [d.pk for d in ensure_dimensions()]
    db_date, now = bulk.date_adapter(), bulk.db_datetime(_now())
    rows = []
    for enrolment_id, start, end in out.sample:
        first = {d: rng.randint(1, 3) for d in dimensions}
        for d in dimensions:
            rows.append(
                (out.federation.pk, enrolment_id, d, db_date(start), "staff", first[d], now)
            )
            if end:
                later = min(5, first[d] + rng.choice((0, 1, 1, 2)))
                rows.append((out.federation.pk, enrolment_id, d, db_date(end), "staff", later, now))
    out.extras["step_ratings"] = bulk.insert_many(
        StepRating,
        (
            "federation_id",
            "enrolment_id",
            "dimension_id",
            "rated_on",
            "rater",
            "score",
            "created_at",
        ),
        rows,
    )


def _activities(out: Generated, rng: random.Random) -> None:
    """Associations with approved activities (one per 500 enrolments), eight weekly sessions
    each, places for sampled enrolments and attendance at every session."""
    from stegvis.activities.models import Activity, ActivityEnrolment, Attendance, Session
    from stegvis.core import bulk
    from stegvis.core.models import Association
    from stegvis.core.validators import luhn_check_digit

    fed, db_date, now = out.federation.pk, bulk.date_adapter(), bulk.db_datetime(_now())
    associations = []
    for i in range(12):
        nine = f"80{i:04d}123"[:9]
        associations.append(
            Association.objects.create(
                name=f"Förening {i + 1}",
                organisation_number=f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}",
                hub=out.hub,
                municipality=rng.choice(MUNICIPALITIES),
            )
        )
    count = max(5, out.enrolments // 500)
    first_activity = _next_id(Activity)
    bulk.insert_many(
        Activity,
        (
            "id",
            "federation_id",
            "association_id",
            "hub_id",
            "title",
            "category",
            "capacity",
            "leader_count",
            "status",
            "municipality",
            "serves_language",
            "created_at",
        ),
        (
            (
                first_activity + a,
                fed,
                rng.choice(associations).pk,
                out.hub.pk,
                f"Aktivitet {a + 1}",
                "language",
                12,
                2,
                "approved",
                rng.choice(MUNICIPALITIES),
                True,
                now,
            )
            for a in range(count)
        ),
    )
    first_session, first_place = _next_id(Session), _next_id(ActivityEnrolment)
    sessions, places, attendance = [], [], []
    sample = out.sample
    for a in range(count):
        activity = first_activity + a
        day = date(2024, 1, 8) + timedelta(days=rng.randrange(900))
        ids = []
        for week in range(8):
            ids.append(first_session + len(sessions))
            sessions.append((ids[-1], fed, activity, db_date(day + timedelta(weeks=week))))
        for enrolment_id, start, _end in rng.sample(sample, min(10, len(sample))):
            place = first_place + len(places)
            places.append((place, fed, activity, enrolment_id, "active", db_date(start), now))
            attendance.extend((fed, session, place, rng.random() < 0.8, now) for session in ids)
    bulk.insert_many(Session, ("id", "federation_id", "activity_id", "date"), sessions)
    bulk.insert_many(
        ActivityEnrolment,
        (
            "id",
            "federation_id",
            "activity_id",
            "enrolment_id",
            "status",
            "start_date",
            "created_at",
        ),
        places,
    )
    bulk.insert_many(
        Attendance,
        ("federation_id", "session_id", "place_id", "present", "recorded_at"),
        attendance,
    )
    _reset_sequences([Activity, Session, ActivityEnrolment])
    out.extras.update(
        activities=count, sessions=len(sessions), places=len(places), attendance=len(attendance)
    )


def _now():
    from django.utils import timezone

    return timezone.now()


# Functions (generated, rng) -> None, called after participants and enrolments exist.
EXTRA_GENERATORS: list[Callable] = [_step_ratings, _activities]


def _weighted(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def generate(
    *, slug: str, enrolments: int, seed: int = 1, interventions: int = 20, today: date | None = None
) -> Generated:
    from django.db import transaction
    from django.utils import timezone

    from stegvis.core import services
    from stegvis.core.crypto import encrypt_text, lookup_hash
    from stegvis.core.models import Authority, Hub
    from stegvis.core.personnummer import generate_personal_number, parse_personal_number
    from stegvis.core.roles import Role
    from stegvis.core.tenancy import federation_scope
    from stegvis.interventions.models import Intervention
    from stegvis.participants.models import Consent, Enrolment, Participant

    started = time.perf_counter()
    now = timezone.now()
    rng = random.Random(seed)
    today = today or date(2026, 11, 1)
    federation, _ = services.federation_create(slug=slug, name=f"Benchmark {slug}")
    out = Generated(federation=federation)
    with federation_scope(federation), transaction.atomic():
        af = Authority.objects.create(kind="af", name="Arbetsförmedlingen")
        hub = Hub.objects.create(slug="syd", name="Syd", municipalities=MUNICIPALITIES)
        out.hub = hub
        out.interventions = [
            Intervention.objects.create(
                code=f"B-{i:03d}",
                name=f"Insats {i}",
                owner_authority=af,
                hub=hub,
                start_date=date(2019, 1, 1),
                capacity=enrolments // interventions + 1,
            )
            for i in range(interventions)
        ]
        _user, out.case_worker = services.user_create_or_update(
            federation=federation,
            username=f"{slug}-handlaggare",
            role=Role.CASE_WORKER,
            password="bench-losenord-123",  # noqa: S106 - benchmark account
            interventions=out.interventions,
            check_password=False,
        )
    people = max(1, int(enrolments * 0.8))
    first_day = date(2019, 1, 1)
    span = (today - first_day).days
    fed = federation.pk
    with federation_scope(federation), transaction.atomic():
        next_pid = _next_id(Participant)
        participant_ids = list(range(next_pid, next_pid + people))
        used: set[str] = set()
        rows = []
        for pid in participant_ids:
            gender = "kvinna" if rng.random() < 0.48 else "man"
            while True:  # every person has a number of their own
                born = date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28))
                text = generate_personal_number(rng, born, gender)
                if text not in used:
                    used.add(text)
                    break
            number = parse_personal_number(text, today=today)
            rows.append(
                (
                    pid,
                    fed,
                    encrypt_text(number.formatted),
                    lookup_hash(number),
                    False,
                    False,
                    False,
                    rng.choice(FIRST[gender]),
                    rng.choice(LAST),
                    born,
                    born.year,
                    gender,
                    rng.choice(MUNICIPALITIES),
                    True,
                    "",
                    None,
                    '["arabiska"]',
                    False,
                    "",
                    "",
                    "",
                    "",
                    "",
                    now,
                )
            )
            if len(rows) >= BATCH:
                _insert(Participant, PARTICIPANT_COLUMNS, rows)
                rows = []
        _insert(Participant, PARTICIPANT_COLUMNS, rows)
        out.participants = people
        next_eid, next_cid = _next_id(Enrolment), _next_id(Consent)
        contacts = _case_workers(out, people)
        enrolment_rows, consent_rows = [], []
        for i in range(enrolments):
            pid = participant_ids[i % people]
            iv = out.interventions[rng.randrange(len(out.interventions))].pk
            # Second enrolments of a person start later, so episodes never overlap.
            offset = 0 if i < people else span // 2
            start = first_day + timedelta(days=offset + rng.randrange(max(1, span // 2 - 30)))
            end, reason, af_after, income_after = None, "", "", "[]"
            if rng.random() < 0.7:
                end = min(today, start + timedelta(days=rng.randint(30, 600)))
                reason = _weighted(rng, EXIT_REASONS)
                af_after = rng.choice(AF_CODES)
                income_after = f'["{rng.choice(INCOME)}"]'
            if rng.random() < 0.05:
                out.sample.append((next_eid + i, start, end))
            enrolment_rows.append(
                (
                    next_eid + i,
                    fed,
                    pid,
                    iv,
                    None,
                    start,
                    contacts[rng.randrange(len(contacts))] if end else contacts[i % len(contacts)],
                    f'["{rng.choice(INCOME)}"]',
                    rng.choice(AF_CODES[:3]),
                    "",
                    "",
                    end,
                    reason,
                    income_after,
                    af_after,
                    "",
                    now,
                    False,
                )
            )
            consent_rows.append(
                (
                    next_cid + i,
                    fed,
                    pid,
                    iv,
                    "sharing",
                    "written",
                    "sv",
                    start,
                    "",
                    None,
                    None,
                    None,
                    "",
                )
            )
            if len(enrolment_rows) >= BATCH:
                _insert(Enrolment, ENROLMENT_COLUMNS, enrolment_rows)
                _insert(Consent, CONSENT_COLUMNS, consent_rows)
                enrolment_rows, consent_rows = [], []
        _insert(Enrolment, ENROLMENT_COLUMNS, enrolment_rows)
        _insert(Consent, CONSENT_COLUMNS, consent_rows)
        _reset_sequences([Participant, Enrolment, Consent])
        out.enrolments = enrolments
        for extra in EXTRA_GENERATORS:
            extra(out, rng)
    _analyze()
    out.seconds = time.perf_counter() - started
    return out


def _analyze() -> None:
    """Fresh planner statistics, as after an import once autovacuum has caught up. Without them
    PostgreSQL plans the new federation's queries as if it had no rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


PARTICIPANT_COLUMNS = (
    "id",
    "federation_id",
    "personal_number",
    "personal_number_hash",
    "is_coordination_number",
    "is_anonymous",
    "protected_identity",
    "first_name",
    "last_name",
    "birth_date",
    "birth_year",
    "gender",
    "municipality",
    "born_abroad",
    "country_of_birth",
    "arrival_year",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "education_level",
    "phone",
    "email",
    "address",
    "created_at",
)
ENROLMENT_COLUMNS = (
    "id",
    "federation_id",
    "participant_id",
    "intervention_id",
    "referral_id",
    "start_date",
    "main_contact_id",
    "income_sources_before",
    "af_code_before",
    "education_level",
    "time_outside",
    "end_date",
    "exit_reason",
    "income_sources_after",
    "af_code_after",
    "exit_note",
    "created_at",
    "imported",
)
CONSENT_COLUMNS = (
    "id",
    "federation_id",
    "participant_id",
    "intervention_id",
    "scope",
    "method",
    "language",
    "given_on",
    "witnessed_by",
    "recorded_by_id",
    "withdrawn_on",
    "withdrawn_recorded_by_id",
    "withdrawal_note",
)


def _case_workers(out: Generated, people: int) -> list[int]:
    """Case workers with realistic caseloads: one per CASELOAD active enrolments (about 30 % of
    enrolments are active), each in every benchmark intervention. The first one is
    ``out.case_worker``, who can log in; the others are written in bulk without passwords."""
    from django.contrib.auth import get_user_model

    from stegvis.core.models import Membership
    from stegvis.core.roles import Role

    count = max(1, round(people / 0.8 * 0.3 / CASELOAD))
    slug = out.federation.slug
    User = get_user_model()
    users = []
    for n in range(1, count):
        user = User(username=f"{slug}-handlaggare-{n}", first_name="Handläggare", last_name=str(n))
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users, batch_size=BATCH)
    members = Membership.objects.bulk_create(
        [Membership(federation=out.federation, user=u, role=Role.CASE_WORKER) for u in users],
        batch_size=BATCH,
    )
    through = Membership.interventions.through
    through.objects.bulk_create(
        [
            through(federation=out.federation, membership_id=m.pk, intervention_id=iv.pk)
            for m in members
            for iv in out.interventions
        ],
        batch_size=BATCH,
    )
    return [out.case_worker.pk, *(m.pk for m in members)]


CASELOAD = 40


def _next_id(model) -> int:
    from django.db.models import Max

    from stegvis.core.tenancy import unscoped

    with unscoped():
        return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _insert(model, columns, rows) -> None:
    """The import's bulk path (executemany on SQLite, COPY on PostgreSQL), values prepared."""
    from stegvis.core import bulk

    bulk.insert_many(model, columns, rows)


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- The fast path: a realistic seed, multiplied in the database ------------------------------
#
# Writing 10 000 000 enrolments row by row from Python takes most of an hour per database. The
# fast path generates a seed federation the ordinary way (people with encrypted personnummer,
# consents, enrolments with exits, referrals and methods), then copies its people, consents,
# referrals and enrolments inside the database with ``INSERT ... SELECT`` until the federation
# holds the asked number of enrolments. Copy k moves every date of an episode by k % 28 days
# and every birth date by 37·k % 365 days, so ages, periods and lead times spread like real
# data instead of repeating one copy. A copy's lookup hash is the seed's with the copy number
# in front, marked as no real hash (unique, as the index demands); its encrypted personnummer
# is the seed's.

AUTHORITIES = [("af", "Arbetsförmedlingen", 45), ("fk", "Försäkringskassan", 20)]
AUTHORITIES += [("kommun", "Kristianstads kommun", 25), ("region", "Region Skåne", 10)]
METHODS = [
    ("MI", "Motiverande samtal"),
    ("IPS", "Individanpassat stöd till arbete"),
    ("TRE", "Trepartssamtal"),
    ("SE", "Supported employment"),
    ("KBT", "Kognitiv beteendeterapi i grupp"),
    ("PEER", "Stöd av brukare med egen erfarenhet"),
]


def _referrals(out: Generated, rng: random.Random) -> None:
    """A referral (anvisning) before every enrolment, decided some days after it, from one of
    the member authorities; and one referral in ten more that never became an enrolment: still
    waiting for a decision, on the waiting list, or declined."""
    from stegvis.core import bulk
    from stegvis.core.models import Authority
    from stegvis.participants.models import Enrolment, Referral

    fed = out.federation.pk
    authorities = [Authority.objects.get_or_create(kind=k, name=n)[0] for k, n, _w in AUTHORITIES]
    weights = [w for _k, _n, w in AUTHORITIES]
    db_date = bulk.date_adapter()
    steps = list(
        Enrolment.objects.filter(federation=out.federation)
        .order_by("id")
        .values_list("id", "participant_id", "intervention_id", "start_date")
    )
    first = _next_id(Referral)
    offset = first - steps[0][0]
    rows = []
    for enrolment_id, pid, iv, start in steps:
        decided = start - timedelta(days=rng.choice((0, 0, 3, 7, 7, 14, 21, 30, 45)))
        referred = decided - timedelta(days=rng.choice((1, 3, 5, 8, 12, 15, 20, 28, 40, 60)))
        authority = rng.choices(authorities, weights=weights)[0].pk
        row = (enrolment_id + offset, fed, pid, iv, authority, db_date(referred), "Anvisad")
        rows.append((*row, "accepted", db_date(decided)))
    today = date(2026, 11, 1)
    extra_id = first + len(steps)
    for n in range(len(steps) // 10):
        _eid, pid, iv, start = steps[rng.randrange(len(steps))]
        status = rng.choice(("pending", "waitlisted", "waitlisted", "declined", "declined"))
        if status == "pending":
            referred, decided = today - timedelta(days=rng.randint(1, 90)), None
        else:
            referred = start + timedelta(days=rng.randint(200, 700))
            referred = min(referred, today - timedelta(days=rng.randint(1, 90)))
            decided = referred + timedelta(days=rng.randint(2, 40))
        authority = rng.choices(authorities, weights=weights)[0].pk
        row = (extra_id + n, fed, pid, iv, authority, db_date(referred), "Anvisad")
        rows.append((*row, status, db_date(decided) if decided else None))
    bulk.insert_many(Referral, REFERRAL_COLUMNS, rows)
    _reset_sequences([Referral])
    with connection_cursor() as cursor:
        cursor.execute(
            "UPDATE participants_enrolment SET referral_id = id + %s "
            "WHERE federation_id = %s AND id BETWEEN %s AND %s",
            [offset, fed, steps[0][0], steps[-1][0]],
        )
    out.extras["referrals"] = len(rows)


REFERRAL_COLUMNS = (
    "id",
    "federation_id",
    "participant_id",
    "intervention_id",
    "referring_authority_id",
    "referred_on",
    "reason",
    "status",
    "decided_on",
)


def _methods(out: Generated, rng: random.Random) -> None:
    """Working methods, each used by three to eight of the interventions."""
    from stegvis.knowledge.models import Method, MethodIntervention

    for code, name in METHODS:
        method = Method.objects.get_or_create(code=code, defaults={"name": name})[0]
        for iv in rng.sample(out.interventions, rng.randint(3, 8)):
            MethodIntervention.objects.get_or_create(method=method, intervention=iv)
    out.extras["methods"] = len(METHODS)


def connection_cursor():
    from django.db import connection

    return connection.cursor()


def _shift_date(vendor: str, column: str) -> str:
    """``column`` moved by the parameter's number of days, NULL staying NULL."""
    if vendor == "postgresql":
        return f"({column} + CAST(%s AS INTEGER))"
    return f"DATE({column}, CAST(%s AS TEXT) || ' days')"


def _year(vendor: str, expression: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {expression}) AS INTEGER)"
    return f"CAST(STRFTIME('%%Y', {expression}) AS INTEGER)"


def _copy_plan(vendor: str) -> dict:
    """{model: {column: SQL expression of the copy}}; each ``%s`` takes a parameter named by
    :func:`_copy_parameters`. Columns not named are copied as they are."""
    from stegvis.participants.models import Consent, Enrolment, Participant, Referral

    def moved(column):
        return _shift_date(vendor, column)

    return {
        Participant: {
            "id": "id + %s",
            "personal_number_hash": "CASE WHEN personal_number_hash = '' THEN '' "
            "ELSE %s || SUBSTR(personal_number_hash, 5) END",
            "birth_date": moved("birth_date"),
            "birth_year": f"COALESCE({_year(vendor, moved('birth_date'))}, birth_year)",
        },
        Consent: {
            "id": "id + %s",
            "participant_id": "participant_id + %s",
            "given_on": moved("given_on"),
            "withdrawn_on": moved("withdrawn_on"),
        },
        Referral: {
            "id": "id + %s",
            "participant_id": "participant_id + %s",
            "referred_on": moved("referred_on"),
            "decided_on": moved("decided_on"),
            "planned_start": moved("planned_start"),
        },
        Enrolment: {
            "id": "id + %s",
            "participant_id": "participant_id + %s",
            "referral_id": "referral_id + %s",
            "start_date": moved("start_date"),
            "end_date": moved("end_date"),
        },
    }


def _copy_parameters(model, column: str, k: int, delta: dict) -> list:
    """The parameters of ``column``'s expression in copy ``k``: id offsets per table, the
    hash's prefix, the days a date moves."""
    from stegvis.participants.models import Participant, Referral

    if column == "id":
        return [delta[model]]
    if column == "participant_id":
        return [delta[Participant]]
    if column == "referral_id":
        return [delta[Referral]]
    if column == "personal_number_hash":
        return [f"g{k:03x}"]  # "g" is no hex digit: never a real hash
    if column in ("birth_date", "birth_year"):
        return [(37 * k) % 365]
    return [k % 28]


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        return cursor.fetchall()


DROPPED = "bench_dropped_index"


@contextmanager
def _without_indexes(tables: list[str], log: Callable[[str], None] | None = None):
    """Drop the tables' secondary indexes while rows are copied in, and build them again after:
    one sort per index instead of millions of random inserts into each of 28 indexes. The
    dropped definitions are kept in a table until built again, so a run that was stopped
    leaves them for the next one."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {DROPPED} (name VARCHAR(200) PRIMARY KEY, sql TEXT)"
        )
        for table in tables:
            for name, sql in _secondary_indexes(table):
                cursor.execute(f"INSERT INTO {DROPPED} (name, sql) VALUES (%s, %s)", [name, sql])
                cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, sql FROM {DROPPED} ORDER BY name")
        dropped = cursor.fetchall()
        for name, sql in dropped:
            cursor.execute(sql)
            cursor.execute(f"DELETE FROM {DROPPED} WHERE name = %s", [name])
    if log:
        log(f"{len(dropped)} index byggda på {time.perf_counter() - started:.0f} s")


@contextmanager
def _without_foreign_key_checks():
    """On PostgreSQL, skip the foreign-key triggers while copies of consistent rows go in (a
    superuser's ``session_replication_role``); elsewhere, and without the right, check them."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def copies_done(federation, seed: int) -> int:
    """How many copies of a seed of ``seed`` enrolments the federation holds (a stopped run's
    committed ones)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM participants_enrolment WHERE federation_id = %s",
            [federation.pk],
        )
        count = cursor.fetchone()[0]
    if count % seed:
        raise AssertionError(f"{count} deltaganden är inga hela kopior av fröet")
    return count // seed - 1


def multiply(
    out: Generated,
    copies: int,
    *,
    progress: Callable[[int], None] | None = None,
    log: Callable[[str], None] | None = None,
    done: int = 0,
):
    """Add ``copies`` copies of the federation's participants, consents, referrals and
    enrolments (the seed written by :func:`generate` and :func:`_referrals`), in the database,
    each copy in a transaction of its own. ``done`` copies are there already (a stopped run):
    the seed is the first of each table's blocks, and copying goes on after them."""
    from django.db import connection

    fed = out.federation.pk
    plan = _copy_plan(connection.vendor)  # in foreign-key order: people first
    ranges = {}
    with connection.cursor() as cursor:
        for model in plan:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT MIN(id), MAX(id), COUNT(*) FROM {table} WHERE federation_id = %s",
                [fed],
            )
            low, high, count = cursor.fetchone()
            if high - low + 1 != count or count % (done + 1):
                raise AssertionError(f"{table}: fröets id:n är inte sammanhängande")
            ranges[model] = (low, low + count // (done + 1) - 1)
    with _without_indexes([m._meta.db_table for m in plan], log), _without_foreign_key_checks():
        _copy(plan, ranges, fed, range(done + 1, copies + 1), progress)
    _reset_sequences(list(plan))
    _analyze()


def _copy(plan: dict, ranges: dict, fed: int, copies: range, progress) -> None:
    from django.db import connection, transaction

    for k in copies:
        delta = {model: _next_id(model) - ranges[model][0] for model in plan}
        with transaction.atomic(), connection.cursor() as cursor:
            for model, changed in plan.items():
                table = model._meta.db_table
                # Generated columns (the lists' sort names) are computed by the database.
                columns = [f.column for f in model._meta.concrete_fields if not f.generated]
                params = [
                    value
                    for column in columns
                    if column in changed
                    for value in _copy_parameters(model, column, k, delta)
                ]
                values = ", ".join(changed.get(c, c) for c in columns)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"SELECT {values} FROM {table} "
                    "WHERE federation_id = %s AND id BETWEEN %s AND %s",
                    [*params, fed, *ranges[model]],
                )
        if progress:
            progress(k)


def main() -> None:
    parser = argparse.ArgumentParser(description="Genererar ett benchmark-förbund.")
    parser.add_argument("--federation", default="bench")
    parser.add_argument("--enrolments", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stegvis.settings")
    import django

    django.setup()
    result = generate(slug=args.federation, enrolments=args.enrolments, seed=args.seed)
    extras = ", ".join(f"{v} {k}" for k, v in result.extras.items())
    print(
        f"{result.participants} deltagare, {result.enrolments} deltaganden, {extras} på "
        f"{result.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
