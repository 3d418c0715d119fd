"""Import of historical enrolments from a CSV file (a federation's Excel history, SPEC §8).

Two steps, so nothing is written unless every row is right:

1. :func:`parse_enrolments` reads and validates the whole file without touching the database
   (reference keys are passed in) and raises :class:`ImportFailed` with one Swedish message per
   problem, naming the row and the field ("Rad 7, fält start_date: …").
2. :func:`enrolments_import` matches rows with what the federation already has and writes the
   new participants, consents, enrolments and follow-up tasks in one transaction with bulk
   inserts.

Importing the same file again adds nothing: an enrolment is the same when the personnummer
(compared through its keyed hash), the intervention and the start date are the same.

Imported people are registered with their personnummer (encrypted) and a consent record with
method "imported" dated at the enrolment start: the federation's earlier register held them
with consent (as SUS requires), and the consent record says where it came from. Row numbers
count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from django.db import transaction
from django.utils import timezone

from stegvis.core import audit, bulk
from stegvis.core.crypto import encrypt_texts, lookup_hasher
from stegvis.core.dates import add_months
from stegvis.core.personnummer import PersonalNumber, PersonalNumberError, parse_personal_number
from stegvis.imports.tables import column_key, delimiter_of, iso_date

COLUMNS = (
    "personnummer",
    "gender",
    "start_date",
    "end_date",
    "exit_reason",
    "af_code_before",
    "af_code_after",
    "income_source_before",
    "income_source_after",
)
REQUIRED = ("personnummer", "gender", "start_date")
MAX_ERRORS = 50
PROGRESS_EVERY = 5000  # rows between progress reports while parsing


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"Rad {self.row}, fält {self.field}: {self.message}"
        return f"Rad {self.row}: {self.message}"


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class ReferenceKeys:
    gender: frozenset[str]
    exit_reason: frozenset[str]
    af_code: frozenset[str]
    income_source: frozenset[str]

    @classmethod
    def current(cls) -> ReferenceKeys:
        """The current federation's keys (inactive codes too: history may use them)."""
        from stegvis.core import reference

        k = reference.Kind
        return cls(
            gender=frozenset(reference.keys(k.GENDER)),
            exit_reason=frozenset(reference.keys(k.EXIT_REASON)),
            af_code=frozenset(reference.keys(k.AF_CODE)),
            income_source=frozenset(reference.keys(k.INCOME_SOURCE)),
        )


@dataclass
class EnrolmentRow:
    row: int
    number: PersonalNumber
    digest: str
    gender: str
    start_date: date
    end_date: date | None = None
    exit_reason: str = ""
    af_code_before: str = ""
    af_code_after: str = ""
    income_sources_before: list[str] = field(default_factory=list)
    income_sources_after: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: int = 0
    created_enrolments: int = 0
    created_participants: int = 0
    created_consents: int = 0
    created_followups: int = 0
    already_present: int = 0


class _Errors(list):
    def add(self, row: int, field_name: str, message: str) -> None:
        self.append(RowError(row, field_name, message))
        if len(self) >= MAX_ERRORS:
            raise _TooMany


class _TooMany(Exception):
    pass


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), or an error naming the row with the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            [RowError(row, "", "Filen är inte UTF-8. Spara den som CSV UTF-8 och försök igen.")]
        ) from exc


def _keys_list(value: str, allowed: frozenset[str]) -> tuple[list[str], list[str]]:
    if "|" not in value:  # the usual cell: empty or one key
        item = value.strip()
        return ([item] if item else []), ([item] if item and item not in allowed else [])
    items = [part.strip() for part in value.split("|") if part.strip()]
    unknown = [item for item in items if item not in allowed]
    # Keep the order of the file and drop repeats.
    return list(dict.fromkeys(items)), unknown


@bulk.collector_paused()
def parse_enrolments(
    text: str,
    *,
    keys: ReferenceKeys,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> list[EnrolmentRow]:
    """Read and validate every row; raise :class:`ImportFailed` listing what is wrong.

    ``progress(rows_read)`` is called now and then for long files."""
    errors = _Errors()
    rows: list[EnrolmentRow] = []
    try:
        _parse_into(text, keys=keys, today=today, rows=rows, errors=errors, progress=progress)
        if not errors:
            _check_duplicates_and_overlaps(rows, errors)
    except _TooMany:
        errors.append(RowError(errors[-1].row, "", "Fler fel finns; rätta dessa först."))
    if errors:
        raise ImportFailed(list(errors))
    return rows


def _parse_into(text, *, keys, today, rows, errors, progress=None) -> None:
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        errors.add(1, "", "Filen är tom eller saknar rubrikrad.")
        return
    reader = _Lines(text, delimiter_of(first_line))
    header = [column_key(name) for name in next(reader)]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        errors.add(1, "", f"Rubrikraden saknar kolumnerna {', '.join(missing)}.")
        return
    index = {name: header.index(name) for name in COLUMNS}
    width = len(header)
    exit_list = ", ".join(sorted(keys.exit_reason))
    hash_number = lookup_hasher()
    # Dates repeat from row to row: each distinct cell is read once.
    dates: dict[str, date | None] = {}

    def read_date(text: str) -> date | None:
        try:
            return dates[text]
        except KeyError:
            dates[text] = value = iso_date(text)
            return value

    pick = itemgetter(*index.values())
    genders, exits, af_codes, incomes = (
        keys.gender,
        keys.exit_reason,
        keys.af_code,
        keys.income_source,
    )
    for count, values in enumerate(reader, start=1):
        line = reader.line_num
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        if not "".join(values).strip():
            continue  # blank lines are no rows
        if len(values) != width:
            errors.add(line, "", f"Raden har {len(values)} fält men rubrikraden {width}.")
            continue
        cells = tuple(map(str.strip, pick(values)))
        # The usual row, checked in one expression; any doubt and the checks below decide
        # and name each problem.
        pn, gender_cell, start_cell, end_cell, exit_reason, af_before, af_after, *income = cells
        gender = gender_cell.lower()
        start = read_date(start_cell) if start_cell else None
        end = None
        if (
            pn
            and start is not None
            and gender_cell
            and gender in genders
            and (
                (not end_cell and not exit_reason)
                or (
                    end_cell
                    and exit_reason in exits
                    and (end := read_date(end_cell)) is not None
                    and end >= start
                )
            )
            and (not af_before or af_before in af_codes)
            and (not af_after or af_after in af_codes)
            and all(not item or ("|" not in item and item in incomes) for item in income)
        ):
            try:
                number = parse_personal_number(pn, today)
            except PersonalNumberError:
                number = None
            if number is not None:
                rows.append(
                    EnrolmentRow(
                        line,
                        number,
                        hash_number(number),
                        gender,
                        start,
                        end,
                        exit_reason,
                        af_before,
                        af_after,
                        [income[0]] if income[0] else [],
                        [income[1]] if income[1] else [],
                    )
                )
                continue
        v = dict(zip(index, cells, strict=True))
        before = len(errors)
        for name in REQUIRED:
            if not v[name]:
                errors.add(line, name, "Värde saknas.")
        number = None
        if v["personnummer"]:
            try:
                number = parse_personal_number(v["personnummer"], today)
            except PersonalNumberError as exc:
                errors.add(line, "personnummer", str(exc))
        gender = v["gender"].lower()
        if gender and gender not in keys.gender:
            errors.add(
                line,
                "gender",
                f"Okänt kön '{v['gender']}': använd {', '.join(sorted(keys.gender))}.",
            )
        start = end = None
        if v["start_date"]:
            start = read_date(v["start_date"])
            if start is None:
                errors.add(
                    line, "start_date", f"Ogiltigt datum '{v['start_date']}': använd ÅÅÅÅ-MM-DD."
                )
        if v["end_date"]:
            end = read_date(v["end_date"])
            if end is None:
                errors.add(
                    line, "end_date", f"Ogiltigt datum '{v['end_date']}': använd ÅÅÅÅ-MM-DD."
                )
            elif start is not None and end < start:
                errors.add(line, "end_date", "Slutdatumet ligger före startdatumet.")
            if not v["exit_reason"]:
                errors.add(
                    line,
                    "exit_reason",
                    "Avslutsorsak saknas: slutdatum och avslutsorsak anges tillsammans.",
                )
        if v["exit_reason"]:
            if v["exit_reason"] not in keys.exit_reason:
                errors.add(
                    line,
                    "exit_reason",
                    f"Okänd avslutsorsak '{v['exit_reason']}'. Giltiga: {exit_list}.",
                )
            if not v["end_date"]:
                errors.add(
                    line,
                    "end_date",
                    "Slutdatum saknas: slutdatum och avslutsorsak anges tillsammans.",
                )
        for name in ("af_code_before", "af_code_after"):
            if v[name] and v[name] not in keys.af_code:
                errors.add(line, name, f"Okänd AF-kod '{v[name]}'.")
        income = {}
        for name in ("income_source_before", "income_source_after"):
            items, unknown = _keys_list(v[name], keys.income_source)
            if unknown:
                errors.add(
                    line,
                    name,
                    f"Okänd försörjningskälla '{unknown[0]}' (flera skiljs åt med |).",
                )
            income[name] = items
        if len(errors) > before or number is None or start is None:
            continue
        rows.append(
            EnrolmentRow(
                row=line,
                number=number,
                digest=hash_number(number),
                gender=gender,
                start_date=start,
                end_date=end,
                exit_reason=v["exit_reason"],
                af_code_before=v["af_code_before"],
                af_code_after=v["af_code_after"],
                income_sources_before=income["income_source_before"],
                income_sources_after=income["income_source_after"],
            )
        )
    if not rows and not errors:
        errors.add(1, "", "Filen har inga rader att importera.")


class _Lines:
    """``csv.reader`` over the text, with its ``line_num``. A file without quotes, carriage
    returns or NUL characters (the usual export) has one row per line and is split directly,
    several times faster than the csv module; any other file is read by the csv module."""

    def __init__(self, text: str, delimiter: str):
        if '"' in text or "\r" in text or "\x00" in text:
            self._reader = csv.reader(io.StringIO(text), delimiter=delimiter)
            self._rows = None
        else:
            lines = text.split("\n")
            if lines[-1] == "":  # the file's last newline ends a line, it starts none
                lines.pop()
            self._reader = None
            self._rows = iter([line.split(delimiter) if line else [] for line in lines])
        self._line = 0

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        if self._reader is not None:
            return next(self._reader)
        row = next(self._rows)
        self._line += 1
        return row

    @property
    def line_num(self) -> int:
        return self._reader.line_num if self._reader is not None else self._line


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


def _check_duplicates_and_overlaps(rows: list[EnrolmentRow], errors: _Errors) -> None:
    """Within the file: one row per person and start date, and no overlapping episodes."""
    digests = [row.digest for row in rows]
    if len(set(digests)) == len(digests):  # one row per person: nothing to compare
        return
    by_person: dict[str, list[EnrolmentRow]] = defaultdict(list)
    for row in rows:
        by_person[row.digest].append(row)
    for episodes in by_person.values():
        if len(episodes) < 2:
            continue
        episodes.sort(key=lambda r: (r.start_date, r.row))
        # The earlier episode that reaches furthest is the one a later start can overlap.
        reach = episodes[0]
        for current in episodes[1:]:
            if reach.start_date == current.start_date:
                errors.add(
                    current.row,
                    "start_date",
                    f"Samma personnummer och startdatum som rad {reach.row}.",
                )
            elif reach.end_date is None or reach.end_date >= current.start_date:
                errors.add(
                    current.row,
                    "start_date",
                    f"Deltagandet överlappar rad {reach.row} för samma person.",
                )
            if reach.end_date is not None and (
                current.end_date is None or current.end_date > reach.end_date
            ):
                reach = current


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _participant_ids(digests: set[str]) -> dict[str, int]:
    """Participant ids by look-up hash. Small sets are looked up directly; for large files one
    scan of the federation's hashes beats hundreds of IN lists."""
    from stegvis.participants.models import Participant

    if not digests:
        return {}
    qs = Participant.objects.exclude(personal_number_hash="")
    if len(digests) <= 2000:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(digests)):
            found.update(
                qs.filter(personal_number_hash__in=chunk).values_list("personal_number_hash", "id")
            )
        return found
    return {
        digest: pid
        for digest, pid in qs.values_list("personal_number_hash", "id").iterator(chunk_size=10000)
        if digest in digests
    }


class _Progress:
    """Turns inserted-row counts into ``progress(done)`` calls on the scale of the file."""

    def __init__(self, callback, *, work: int, total: int):
        self.callback, self.work, self.total, self.done = callback, max(work, 1), total, 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(min(self.total, self.done * self.total // self.work))

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(self.total)


@bulk.collector_paused()
@transaction.atomic
def enrolments_import(
    *,
    actor,
    intervention,
    rows: list[EnrolmentRow],
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write parsed rows for one individual intervention, all or nothing, without duplicates.

    Raises :class:`ImportFailed` when a row overlaps an enrolment already in stegvis.
    ``progress(done)`` is called as the inserts go, ``done`` rising to ``len(rows)``.
    """
    from stegvis.core.tenancy import require_federation
    from stegvis.participants.models import Consent, Enrolment, FollowUp, Participant

    if not intervention.is_individual:
        raise ImportFailed([RowError(1, "", "En strukturinriktad insats har inga deltagare.")])
    federation = require_federation()
    today = today or timezone.localdate()
    result = ImportResult(rows=len(rows))

    digests = {row.digest for row in rows}
    participant_ids = _participant_ids(digests)
    # Whole-intervention reads: one query each, cheaper than many IN lists for big files.
    known = set(participant_ids.values())
    existing: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, start, end in Enrolment.objects.filter(intervention=intervention).values_list(
        "participant_id", "start_date", "end_date"
    ):
        if pid in known:
            existing[pid].append((start, end))
    consented = set(
        Consent.objects.filter(intervention=intervention, withdrawn_on__isnull=True).values_list(
            "participant_id", flat=True
        )
    )
    # A withdrawn consent stands: no new registration in the intervention (SPEC §3).
    withdrawn = (
        set(
            Consent.objects.filter(
                intervention=intervention, withdrawn_on__isnull=False
            ).values_list("participant_id", flat=True)
        )
        - consented
    )

    errors = _Errors()
    new_rows: list[EnrolmentRow] = []
    try:
        for row in rows:
            pid = participant_ids.get(row.digest)
            if pid in withdrawn:
                errors.add(
                    row.row,
                    "personal_number",
                    "Personen har återkallat sitt samtycke för insatsen; inget nytt kan "
                    "registreras där.",
                )
                continue
            episodes = existing.get(pid, []) if pid else []
            if any(start == row.start_date for start, _end in episodes):
                result.already_present += 1
                continue
            if any(_overlaps(start, end, row.start_date, row.end_date) for start, end in episodes):
                errors.add(
                    row.row,
                    "start_date",
                    "Personen har redan ett deltagande i insatsen som överlappar perioden.",
                )
                continue
            new_rows.append(row)
    except _TooMany:
        pass
    if errors:
        raise ImportFailed(list(errors))

    # New people: one per personnummer, with the first row's gender. Plain multi-row inserts
    # (stegvis.core.bulk): the rows are validated, and the ORM's per-field work would cost
    # several times the insert itself. People and enrolments get ids reserved beforehand, so
    # the rows that refer to them are written without reading anything back.
    from stegvis.core import reference

    excluded = reference.keys_with_flag(reference.Kind.EXIT_REASON, "excluded_from_statistics")
    now = bulk.db_datetime(timezone.now())
    db_date, db_json = bulk.date_adapter(), bulk.json_adapter()
    actor_id = getattr(actor, "pk", None)
    federation_id, intervention_id = federation.pk, intervention.pk
    fresh: dict[str, EnrolmentRow] = {}
    for row in new_rows:
        if row.digest not in participant_ids and row.digest not in fresh:
            fresh[row.digest] = row
    new_people = list(fresh.values())
    people_ids = bulk.reserve_ids(Participant, len(new_people))
    participant_ids.update(zip(fresh, people_ids, strict=True))
    enrolment_ids = bulk.reserve_ids(Enrolment, len(new_rows))
    # Progress over the three large inserts: new people, consents (at most one per person)
    # and enrolments.
    people = len({row.digest for row in new_rows})
    report = _Progress(progress, work=len(fresh) + people + len(new_rows), total=len(rows))

    def people_rows():
        # Encrypted a batch at a time, between the statements that write the batches before.
        for start in range(0, len(new_people), 5000):
            batch = new_people[start : start + 5000]
            tokens = encrypt_texts([row.number.formatted for row in batch])
            ids = people_ids[start : start + 5000]
            for pid, row, token in zip(ids, batch, tokens, strict=True):
                yield (
                    pid,
                    federation_id,
                    token,
                    row.digest,
                    row.number.is_coordination_number,
                    False,
                    db_date(row.number.birth_date),
                    row.number.birth_year,
                    row.gender,
                    now,
                    actor_id,
                )

    # SQLite writes each statement while the next rows are encrypted and converted; no other
    # query runs until the writer is closed.
    with bulk.Writer() as writer:
        bulk.insert_many(
            Participant,
            (
                "id",
                "federation_id",
                "personal_number",
                "personal_number_hash",
                "is_coordination_number",
                "is_anonymous",
                "birth_date",
                "birth_year",
                "gender",
                "created_at",
                "created_by_id",
            ),
            people_rows(),
            on_batch=report,
            writer=writer,
        )
        result.created_participants = len(fresh)

        # One imported consent per person and intervention, dated at the earliest new start.
        first_start: dict[int, date] = {}
        for row in new_rows:
            pid = participant_ids[row.digest]
            if pid not in consented and (
                pid not in first_start or row.start_date < first_start[pid]
            ):
                first_start[pid] = row.start_date
        result.created_consents = bulk.insert_many(
            Consent,
            (
                "federation_id",
                "participant_id",
                "intervention_id",
                "scope",
                "method",
                "given_on",
                "recorded_by_id",
            ),
            (
                (
                    federation_id,
                    pid,
                    intervention_id,
                    Consent.Scope.REGISTRATION.value,
                    Consent.Method.IMPORTED.value,
                    db_date(given_on),
                    actor_id,
                )
                for pid, given_on in first_start.items()
            ),
            on_batch=report,
            writer=writer,
        )

        result.created_enrolments = bulk.insert_many(
            Enrolment,
            (
                "id",
                "federation_id",
                "participant_id",
                "intervention_id",
                "start_date",
                "end_date",
                "exit_reason",
                "income_sources_before",
                "income_sources_after",
                "af_code_before",
                "af_code_after",
                "created_at",
                "imported",
            ),
            (
                (
                    eid,
                    federation_id,
                    participant_ids[row.digest],
                    intervention_id,
                    db_date(row.start_date),
                    db_date(row.end_date),
                    row.exit_reason,
                    db_json(row.income_sources_before),
                    db_json(row.income_sources_after),
                    row.af_code_before,
                    row.af_code_after,
                    now,
                    True,
                )
                for eid, row in zip(enrolment_ids, new_rows, strict=True)
            ),
            on_batch=report,
            writer=writer,
        )

        # Follow-up tasks only where they still lie ahead: nobody follows up old history.
        # End dates repeat from row to row: the due dates of each are worked out once.
        ahead: dict[date, list[tuple[int, object]]] = {}

        def due_dates(end: date) -> list[tuple[int, object]]:
            if end not in ahead:
                ahead[end] = [
                    (months, db_date(due))
                    for months in FollowUp.MONTHS
                    if (due := add_months(end, months)) >= today
                ]
            return ahead[end]

        followups = [
            (federation_id, eid, months, due)
            for eid, row in zip(enrolment_ids, new_rows, strict=True)
            if row.end_date and row.exit_reason not in excluded
            for months, due in due_dates(row.end_date)
        ]
        result.created_followups = bulk.insert_many(
            FollowUp,
            ("federation_id", "enrolment_id", "months", "due_on"),
            followups,
            writer=writer,
        )

    bulk.after_large_insert(
        Participant, Consent, Enrolment, FollowUp, rows=result.created_enrolments
    )
    report.finish()
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="enrolment_import",
        object_id=intervention.code,
        reason="import av historik",
        detail={
            "intervention": intervention.code,
            "rows": result.rows,
            "enrolments": result.created_enrolments,
            "participants": result.created_participants,
            "already_present": result.already_present,
            "consents": result.created_consents,
            "followups": result.created_followups,
        },
    )
    return result
