"""Spreadsheet import of activities and of attendance (SPEC §6), used by the web import.

As for enrolments (``stegvis.participants.importing``) there are two steps: ``parse_*`` checks
every row against the federation's data and the same rules as the web forms and services, and
raises :class:`ImportFailed` with messages "Rad N, fält X: …" (header = row 1); ``*_import``
writes all rows in one transaction with bulk inserts and one audit entry per activity.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stegvis.activities import services
from stegvis.activities.models import (
    Activity,
    ActivityEnrolment,
    Attendance,
    Category,
    Compensation,
    GenderRestriction,
    Session,
    WorkflowStep,
)
from stegvis.core import audit, bulk
from stegvis.core.crypto import lookup_hash
from stegvis.core.models import Association, Hub, WorkingGroup
from stegvis.core.personnummer import PersonalNumberError, parse_personal_number
from stegvis.core.roles import Perm
from stegvis.core.tenancy import require_federation
from stegvis.core.validators import OrgNrError, normalise_orgnr
from stegvis.imports.tables import Columns, data_rows, iso_date
from stegvis.participants.importing import MAX_ERRORS, ImportFailed, RowError

ACTIVITY_COLUMNS = Columns(
    required=("title", "association_orgnr", "category", "capacity"),
    optional=(
        "hub",
        "leader_count",
        "first_date",
        "sessions",
        "every_days",
        "start_time",
        "end_time",
        "serves",
        "plan",
        "description",
        "municipality",
        "address",
        "languages",
        "gender_restriction",
        "intervention",
        "working_group",
    ),
)
ATTENDANCE_COLUMNS = Columns(
    required=("activity_id", "session_date", "present"),
    optional=("start_time", "personnummer", "participant"),
    any_of=("personnummer", "participant"),
)

PROGRESS_EVERY = 2000
_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")
_REFERENCE_RE = re.compile(r"^(?:D-?)?0*(\d{1,12})$", re.IGNORECASE)
_YES = {"ja", "j", "yes", "y", "x", "1", "true", "närvarande"}
_NO = {"nej", "n", "no", "0", "false", "frånvarande"}
_TRIAD = {
    "språk": "serves_language",
    "language": "serves_language",
    "hälsa": "serves_health",
    "health": "serves_health",
    "nätverk": "serves_network",
    "network": "serves_network",
}
# Bounds of the web form (and of the columns), checked before anything reaches the database.
MAX_CAPACITY, MAX_LEADERS, MAX_EVERY_DAYS = 500, 100, 365


class _TooMany(Exception):
    pass


class _Errors(list):
    def add(self, row: int, field_name: str, message: str) -> None:
        self.append(RowError(row, field_name, message))
        if len(self) >= MAX_ERRORS:
            raise _TooMany


def _collect(parse: Callable[[_Errors], list]) -> list:
    errors = _Errors()
    rows: list = []
    try:
        rows = parse(errors)
    except _TooMany:
        errors.append(RowError(errors[-1].row, "", "Fler fel finns; rätta dessa först."))
    if errors:
        raise ImportFailed(list(errors))
    return rows


def _time(value: str) -> time | None:
    match = _TIME_RE.match(value)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _int(value: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"\d{1,6}", value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def _report(progress, count: int) -> None:
    if progress is not None and count % PROGRESS_EVERY == 0:
        progress(count)


# --- Activities -------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    row: int
    association: Association
    hub_id: int | None
    details: services.ActivityDetails
    first_date: date | None = None
    sessions: int = 0
    every_days: int = 7
    start_time: time | None = None
    end_time: time | None = None


_DETAIL_COLUMNS = {"title": "title", "capacity": "capacity", "leader_count": "leader_count"}
_SESSION_COLUMNS = {"count": "sessions", "every_days": "every_days", "end_time": "end_time"}


def parse_activities(text: str, *, membership, progress=None) -> list[ActivityRow]:
    """Check every row; raise :class:`ImportFailed` naming each wrong row and field."""
    associations = {a.organisation_number: a for a in Association.objects.filter(active=True)}
    hubs = {h.slug.lower(): h.pk for h in Hub.objects.all()}
    groups = {g.name.strip().lower(): g.pk for g in WorkingGroup.objects.all()}
    from stegvis.interventions.models import Intervention

    interventions = {
        code.lower(): pk
        for pk, code in Intervention.objects.filter(kind="individual").values_list("pk", "code")
    }
    categories = {key: key for key in Category.values} | {
        str(label).lower(): key for key, label in Category.choices
    }
    genders = {"": "", **{key: key for key in GenderRestriction.values if key}}

    def parse(errors: _Errors) -> list[ActivityRow]:
        rows: list[ActivityRow] = []
        seen: dict[tuple, int] = {}
        for count, (line, v) in enumerate(data_rows(text), start=1):
            _report(progress, count)
            if v is None:
                errors.add(line, "", "Raden har fler fält än rubrikraden.")
                continue
            before = len(errors)
            v = {name: v.get(name, "") for name in ACTIVITY_COLUMNS.all}
            get = v.__getitem__

            for name in ACTIVITY_COLUMNS.required:
                if not get(name):
                    errors.add(line, name, "Värde saknas.")
            association = None
            if get("association_orgnr"):
                # The register decides: an association is found by its stored number first, and
                # only a number that matches none is checked for its form and check digit.
                digits = re.sub(r"[\s-]", "", get("association_orgnr"))[-10:]
                association = associations.get(f"{digits[:6]}-{digits[6:]}")
                if association is None:
                    try:
                        orgnr = normalise_orgnr(get("association_orgnr"))
                    except OrgNrError as exc:
                        errors.add(line, "association_orgnr", str(exc))
                    else:
                        errors.add(
                            line,
                            "association_orgnr",
                            f"Ingen aktiv förening med organisationsnummer {orgnr} i förbundet.",
                        )
            category = ""
            if get("category"):
                category = categories.get(get("category").lower(), "")
                if not category:
                    errors.add(
                        line,
                        "category",
                        f"Okänd kategori '{get('category')}': använd {', '.join(Category.values)}.",
                    )
            capacity = leader_count = None
            if get("capacity"):
                capacity = _int(get("capacity"), 1, MAX_CAPACITY)
                if capacity is None:
                    errors.add(line, "capacity", f"Ange ett heltal 1–{MAX_CAPACITY}.")
            leader_count = 1
            if get("leader_count"):
                leader_count = _int(get("leader_count"), 0, MAX_LEADERS)
                if leader_count is None:
                    errors.add(line, "leader_count", f"Ange ett heltal 0–{MAX_LEADERS}.")
            if len(get("title")) > 160:
                errors.add(line, "title", "Rubriken får vara högst 160 tecken.")
            for name, limit in (("municipality", 80), ("address", 200)):
                if len(get(name)) > limit:
                    errors.add(line, name, f"Högst {limit} tecken.")
            hub_id = association.hub_id if association else None
            if get("hub"):
                hub_id = hubs.get(get("hub").lower())
                if hub_id is None:
                    errors.add(line, "hub", f"Okänd knutpunkt '{get('hub')}' (ange kortnamnet).")
            flags = dict.fromkeys(("serves_language", "serves_health", "serves_network"), False)
            for item in re.split(r"[|,]", get("serves")):
                item = item.strip().lower()
                if not item:
                    continue
                if item not in _TRIAD:
                    errors.add(
                        line, "serves", f"Okänt värde '{item}': använd språk, hälsa, nätverk."
                    )
                else:
                    flags[_TRIAD[item]] = True
            gender = genders.get(get("gender_restriction").lower())
            if gender is None:
                errors.add(line, "gender_restriction", "Ange kvinna, man eller lämna tomt.")
            intervention_id = working_group_id = None
            if get("intervention"):
                intervention_id = interventions.get(get("intervention").lower())
                if intervention_id is None:
                    errors.add(
                        line,
                        "intervention",
                        f"Ingen individinriktad insats med koden '{get('intervention')}'.",
                    )
            if get("working_group"):
                working_group_id = groups.get(get("working_group").lower())
                if working_group_id is None:
                    errors.add(
                        line,
                        "working_group",
                        f"Ingen samverkansgrupp heter '{get('working_group')}'.",
                    )
            first_date = start_time = end_time = None
            if get("first_date"):
                first_date = iso_date(get("first_date"))
                if first_date is None:
                    errors.add(
                        line,
                        "first_date",
                        f"Ogiltigt datum '{get('first_date')}': använd ÅÅÅÅ-MM-DD.",
                    )
            for name in ("start_time", "end_time"):
                if get(name):
                    value = _time(get(name))
                    if value is None:
                        errors.add(line, name, f"Ogiltig tid '{get(name)}': använd TT:MM.")
                    elif name == "start_time":
                        start_time = value
                    else:
                        end_time = value
            sessions = 1 if get("first_date") else 0
            if get("sessions"):
                sessions = _int(get("sessions"), 0, 999) or 0
                if not re.fullmatch(r"\d{1,3}", get("sessions")):
                    errors.add(line, "sessions", "Ange antalet tillfällen som ett heltal.")
                elif not get("first_date"):
                    errors.add(
                        line, "first_date", "Datum saknas: ange första tillfället (first_date)."
                    )
            every_days = 7
            if get("every_days"):
                every_days = _int(get("every_days"), 1, MAX_EVERY_DAYS)
                if every_days is None:
                    errors.add(line, "every_days", f"Ange ett heltal 1–{MAX_EVERY_DAYS}.")
                    every_days = 7
            if first_date is not None and sessions:
                try:
                    services.sessions_validate(
                        count=sessions,
                        every_days=every_days,
                        start_time=start_time,
                        end_time=end_time,
                    )
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        errors.add(line, _SESSION_COLUMNS.get(key, key), messages[0])
            details = services.ActivityDetails(
                title=get("title"),
                category=category,
                description=get("description"),
                plan=get("plan"),
                municipality=get("municipality"),
                address=get("address"),
                languages=[p.strip() for p in get("languages").split("|") if p.strip()],
                capacity=capacity if capacity is not None else 0,
                leader_count=leader_count if leader_count is not None else 0,
                gender_restriction=gender or "",
                working_group_id=working_group_id,
                intervention_id=intervention_id,
                **flags,
            )
            if len(errors) == before:
                try:
                    services.activity_details_validate(details)
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        errors.add(line, _DETAIL_COLUMNS.get(key, key), messages[0])
            if len(errors) > before or association is None:
                continue
            key = (association.pk, details.title.lower(), first_date)
            if key in seen:
                errors.add(
                    line, "title", f"Samma förening, rubrik och första datum som rad {seen[key]}."
                )
                continue
            seen[key] = line
            rows.append(
                ActivityRow(
                    row=line,
                    association=association,
                    hub_id=hub_id,
                    details=details,
                    first_date=first_date,
                    sessions=sessions if first_date else 0,
                    every_days=every_days,
                    start_time=start_time,
                    end_time=end_time,
                )
            )
        if not rows and not errors:
            errors.add(1, "", "Filen har inga rader att importera.")
        return rows

    return _collect(parse)


@transaction.atomic
def activities_import(*, actor, membership, rows: list[ActivityRow], progress=None) -> dict:
    """Create the activities (as drafts, with their five NAD steps) and their sessions.

    A row whose association already has an activity with the same title and a session on the
    same first date (or, without a date, an activity with that title) is skipped."""
    services._require(membership, Perm.MANAGE_ACTIVITIES)
    federation = require_federation()
    association_ids = {row.association.pk for row in rows}
    existing_first: dict[tuple[int, str], set] = defaultdict(set)
    for activity_id, association_id, title in Activity.objects.filter(
        association_id__in=association_ids
    ).values_list("pk", "association_id", "title"):
        existing_first[(association_id, title.lower())].add(activity_id)
    dates = defaultdict(set)
    for activity_id, day in Session.objects.filter(
        activity__association_id__in=association_ids
    ).values_list("activity_id", "date"):
        dates[activity_id].add(day)
    new_rows, already = [], 0
    for row in rows:
        same = existing_first.get((row.association.pk, row.details.title.lower()), set())
        if any((row.first_date in dates[pk]) if row.first_date else not dates[pk] for pk in same):
            already += 1
        else:
            new_rows.append(row)

    created_by = actor if getattr(actor, "pk", None) else None
    activities = [
        Activity(
            federation=federation,
            association=row.association,
            hub_id=row.hub_id,
            municipality=row.details.municipality or row.association.municipality,
            created_by=created_by,
            **{
                name: getattr(row.details, name)
                for name in services._DETAIL_FIELDS
                if name != "municipality"
            },
        )
        for row in new_rows
    ]
    Activity.objects.bulk_create(activities, batch_size=500)
    if progress is not None:
        progress(len(rows) // 2)
    WorkflowStep.objects.bulk_create(
        [
            WorkflowStep(federation=federation, activity=activity, step=step)
            for activity in activities
            for step in WorkflowStep.Step.values
        ],
        batch_size=2000,
    )
    sessions = [
        Session(
            federation=federation,
            activity=activity,
            date=row.first_date + timedelta(days=i * row.every_days),
            start_time=row.start_time,
            end_time=row.end_time,
        )
        for row, activity in zip(new_rows, activities, strict=True)
        if row.first_date
        for i in range(row.sessions)
    ]
    Session.objects.bulk_create(sessions, batch_size=2000)
    result = {
        "rows": len(rows),
        "created_activities": len(activities),
        "created_sessions": len(sessions),
        "already_present": already,
    }
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="activity_import",
        reason="import av aktiviteter",
        detail={**result, "activities": [a.pk for a in activities]},
    )
    if progress is not None:
        progress(len(rows))
    return result


# --- Attendance -------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    row: int
    activity_id: int
    session_id: int
    place_id: int
    present: bool


@dataclass
class _Place:
    pk: int
    participant_id: int
    digest: str
    status: str
    end_date: date | None


@dataclass
class _ActivityData:
    sessions: dict[date, list[Session]] = field(default_factory=lambda: defaultdict(list))
    by_participant: dict[int, _Place] = field(default_factory=dict)
    by_digest: dict[str, _Place] = field(default_factory=dict)


def _recordable_activity_ids(membership, wanted: set[int]) -> set[int]:
    """The activities whose attendance the member may import: any activity for staff who see
    participants (only their own participants' places count, see ``_activity_data``)."""
    from stegvis.participants.access import can_see_personal_data

    if not can_see_personal_data(membership):
        return set()
    return set(Activity.objects.filter(pk__in=wanted).values_list("pk", flat=True))


def _activity_data(activity_ids: set[int], membership=None) -> dict[int, _ActivityData]:
    data: dict[int, _ActivityData] = {pk: _ActivityData() for pk in activity_ids}
    for session in Session.objects.filter(activity_id__in=activity_ids).order_by(
        "date", "start_time", "pk"
    ):
        data[session.activity_id].sessions[session.date].append(session)
    for pk, activity_id, participant_id, digest, status, end_date in (
        _places_in_scope(membership)
        .filter(activity_id__in=activity_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "activity_id",
            "enrolment__participant_id",
            "enrolment__participant__personal_number_hash",
            "status",
            "end_date",
        )
    ):
        place = _Place(pk, participant_id, digest, status, end_date)
        # A participant may have left and come back through another enrolment: prefer the
        # active place.
        current = data[activity_id].by_participant.get(participant_id)
        if current is None or current.status != ActivityEnrolment.Status.ACTIVE:
            data[activity_id].by_participant[participant_id] = place
            if digest:
                data[activity_id].by_digest[digest] = place
    return data


def _places_in_scope(membership):
    """Places of the people the member may see (a case worker: enrolments of his
    interventions with consent in force); a person outside has "no place" for him."""
    if membership is None or membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return ActivityEnrolment.objects.all()
    from stegvis.participants.selectors import enrolments_in_scope

    return ActivityEnrolment.objects.filter(enrolment__in=enrolments_in_scope(membership))


def parse_attendance(text: str, *, membership, progress=None) -> list[AttendanceRow]:
    """Check every row: the activity is one the member may record for, the session exists,
    is held and not in the future, and the person has a place in the activity."""
    today = timezone.localdate()
    rows_in = list(data_rows(text))
    wanted = {int(v["activity_id"]) for _l, v in rows_in if v and _int(v["activity_id"], 1, 10**9)}
    allowed = _recordable_activity_ids(membership, wanted)
    data = _activity_data(allowed, membership)
    frozen = {
        c.activity_id: c
        for c in Compensation.objects.filter(
            activity_id__in=allowed,
            status__in=[Compensation.Status.APPROVED, Compensation.Status.PAID],
        )
    }

    def parse(errors: _Errors) -> list[AttendanceRow]:
        rows: list[AttendanceRow] = []
        seen: dict[tuple[int, int], int] = {}
        for count, (line, v) in enumerate(rows_in, start=1):
            _report(progress, count)
            if v is None:
                errors.add(line, "", "Raden har fler fält än rubrikraden.")
                continue
            before = len(errors)
            for name in ATTENDANCE_COLUMNS.required:
                if not v[name]:
                    errors.add(line, name, "Värde saknas.")
            number, reference = v.get("personnummer", ""), v.get("participant", "")
            if not number and not reference:
                errors.add(line, "personnummer", "Ange personnummer eller participant.")
            activity_id = _int(v["activity_id"], 1, 10**9) if v["activity_id"] else None
            if v["activity_id"] and (activity_id is None or activity_id not in allowed):
                errors.add(
                    line,
                    "activity_id",
                    f"Ingen aktivitet med nummer '{v['activity_id']}' som du får registrera "
                    "närvaro för.",
                )
                activity_id = None
            present = None
            if v["present"]:
                value = v["present"].lower()
                present = True if value in _YES else False if value in _NO else None
                if present is None:
                    errors.add(line, "present", f"Okänt värde '{v['present']}': ange ja eller nej.")
            day = iso_date(v["session_date"]) if v["session_date"] else None
            if v["session_date"] and day is None:
                errors.add(
                    line,
                    "session_date",
                    f"Ogiltigt datum '{v['session_date']}': använd ÅÅÅÅ-MM-DD.",
                )
            start = None
            if v.get("start_time"):
                start = _time(v["start_time"])
                if start is None:
                    errors.add(
                        line, "start_time", f"Ogiltig tid '{v['start_time']}': använd TT:MM."
                    )
            digest = person = None
            if number:
                try:
                    digest = lookup_hash(parse_personal_number(number, today))
                except PersonalNumberError as exc:
                    errors.add(line, "personnummer", str(exc))
            if reference:
                match = _REFERENCE_RE.match(reference)
                if match is None:
                    errors.add(
                        line, "participant", f"Ogiltig referens '{reference}': t.ex. D-000123."
                    )
                else:
                    person = int(match.group(1))
            if activity_id is None or day is None or len(errors) > before:
                continue
            activity = data[activity_id]
            candidates = activity.sessions.get(day, [])
            if start is not None:
                candidates = [s for s in candidates if s.start_time == start]
            if not candidates:
                errors.add(
                    line,
                    "session_date",
                    f"Aktiviteten har inget tillfälle {day:%Y-%m-%d}"
                    + (f" kl. {start:%H:%M}." if start else "."),
                )
                continue
            if len(candidates) > 1:
                errors.add(
                    line, "start_time", "Flera tillfällen samma dag: ange start_time (TT:MM)."
                )
                continue
            session = candidates[0]
            if session.cancelled:
                errors.add(line, "session_date", "Tillfället är inställt.")
                continue
            if session.date > today or not session.has_started():
                errors.add(
                    line,
                    "session_date",
                    "Närvaro kan inte registreras för ett kommande tillfälle: "
                    "det har inte börjat än.",
                )
                continue
            compensation = frozen.get(activity_id)
            if compensation is not None and session.date <= compensation.period_end:
                errors.add(
                    line, "session_date", services.frozen_message(compensation, session.date)
                )
                continue
            place = activity.by_digest.get(digest) if digest else None
            if reference and person is not None:
                by_ref = activity.by_participant.get(person)
                if digest and by_ref is not place:
                    errors.add(
                        line, "participant", "Referensen och personnumret gäller olika personer."
                    )
                    continue
                place = by_ref
            if place is None:
                field_name = "personnummer" if digest else "participant"
                errors.add(line, field_name, "Personen har ingen plats i aktiviteten.")
                continue
            if place.end_date is not None and place.end_date < session.date:
                errors.add(
                    line,
                    "session_date",
                    f"Personen slutade i aktiviteten {place.end_date:%Y-%m-%d}, före tillfället.",
                )
                continue
            key = (session.pk, place.pk)
            if key in seen:
                errors.add(line, "", f"Samma person och tillfälle som rad {seen[key]}.")
                continue
            seen[key] = line
            rows.append(AttendanceRow(line, activity_id, session.pk, place.pk, bool(present)))
        if not rows and not errors:
            errors.add(1, "", "Filen har inga rader att importera.")
        return rows

    return _collect(parse)


@transaction.atomic
def attendance_import(*, actor, membership, rows: list[AttendanceRow], progress=None) -> dict:
    """Record presence for every row; an existing record for the same person and session is
    set to the file's value (as in the web, recording is idempotent)."""
    from stegvis.participants.access import require_personal_data

    require_personal_data(membership)
    federation = require_federation()
    session_ids = {row.session_id for row in rows}
    existing: dict[tuple[int, int], tuple[int, bool]] = {}
    for chunk in _chunks(sorted(session_ids), 500):
        for pk, session_id, place_id, present in Attendance.objects.filter(
            session_id__in=chunk
        ).values_list("pk", "session_id", "place_id", "present"):
            existing[(session_id, place_id)] = (pk, present)
    new, to_set = [], {True: [], False: []}
    unchanged = 0
    for row in rows:
        found = existing.get((row.session_id, row.place_id))
        if found is None:
            new.append(row)
        elif found[1] == row.present:
            unchanged += 1
        else:
            to_set[row.present].append(found[0])
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    done = unchanged

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(done, len(rows)))

    db_now = bulk.db_datetime(now)
    bulk.insert_many(
        Attendance,
        ("federation_id", "session_id", "place_id", "present", "recorded_at", "recorded_by_id"),
        (
            (federation.pk, row.session_id, row.place_id, row.present, db_now, actor_id)
            for row in new
        ),
        on_batch=advance,
    )
    bulk.after_large_insert(Attendance, rows=len(new))
    for present, pks in to_set.items():
        for chunk in _chunks(pks, 500):
            Attendance.objects.filter(pk__in=chunk).update(
                present=present, recorded_at=now, recorded_by_id=actor_id
            )
            advance(len(chunk))
    by_activity: dict[int, dict] = defaultdict(
        lambda: {"sessions": set(), "places": set(), "rows": 0}
    )
    for row in rows:
        entry = by_activity[row.activity_id]
        entry["sessions"].add(row.session_id)
        entry["places"].add(row.place_id)
        entry["rows"] += 1
    for activity_id, entry in sorted(by_activity.items()):
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            object_type="activity",
            object_id=activity_id,
            reason="import av närvaro",
            detail={
                "rows": entry["rows"],
                "sessions": sorted(entry["sessions"]),
                "places": sorted(entry["places"]),
            },
        )
    if progress is not None:
        progress(len(rows))
    return {
        "rows": len(rows),
        "created": len(new),
        "updated": len(to_set[True]) + len(to_set[False]),
        "unchanged": unchanged,
        "sessions": len(session_ids),
    }


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
