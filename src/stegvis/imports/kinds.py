"""What can be imported through the web. Each kind parses CSV text (all rows checked, Swedish
errors per row and field, "Rad N, fält X: …" with the header as row 1) and commits parsed rows
in one transaction with bulk writes.

``parse(text, *, options, membership, progress)`` returns the rows or raises
:class:`RowErrors`; ``commit(rows, *, options, actor, membership, progress)`` writes them and
returns counts. ``progress(done)`` reports rows handled so far. Who may import a kind mirrors who
may create that data in the web.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms

from stegvis.core.roles import Perm
from stegvis.imports.tables import Columns


class RowErrors(Exception):
    """Some rows are wrong; nothing is written. ``messages`` name row and field in Swedish."""

    def __init__(self, messages: list[str], total: int | None = None):
        self.messages = messages
        self.total = total if total is not None else len(messages)
        super().__init__("\n".join(messages))


class NoOptions(forms.Form):
    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)

    def as_options(self) -> dict:
        return {}


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str
    columns: Columns
    help: str
    # Any one of these permissions allows the import.
    perms: tuple[str, ...]
    parse: Callable
    commit: Callable
    options_form: Callable[..., forms.Form] = NoOptions
    # Swedish labels for the counts ``commit`` returns, in the order to show them.
    result_labels: dict[str, str] = field(default_factory=dict)

    def allowed(self, membership) -> bool:
        return any(membership.has_perm(perm) for perm in self.perms)

    def result_rows(self, result: dict) -> list[tuple[str, int]]:
        return [(label, result.get(key, 0)) for key, label in self.result_labels.items()]


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    KINDS[kind.key] = kind


# --- Enrolments (historical episodes, SPEC §7–§8) -------------------------------------------


class EnrolmentOptions(forms.Form):
    intervention = forms.ModelChoiceField(label="Insats", queryset=None, empty_label=None)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        from stegvis.participants.access import interventions_in_scope

        self.fields["intervention"].queryset = (
            interventions_in_scope(membership).filter(kind="individual").order_by("code")
        )

    def as_options(self) -> dict:
        return {"intervention": self.cleaned_data["intervention"].pk}


def _enrolment_parse(text: str, *, options: dict, membership, progress=None) -> list:
    from django.utils import timezone

    from stegvis.participants import importing

    try:
        return importing.parse_enrolments(
            text,
            keys=importing.ReferenceKeys.current(),
            today=timezone.localdate(),
            progress=progress,
        )
    except importing.ImportFailed as exc:
        raise RowErrors([str(e) for e in exc.errors]) from exc


def _enrolment_commit(rows: list, *, options: dict, actor, membership, progress) -> dict:
    from dataclasses import asdict

    from stegvis.participants import importing
    from stegvis.participants.access import interventions_in_scope

    intervention = interventions_in_scope(membership).filter(pk=options["intervention"]).first()
    if intervention is None:
        raise RowErrors(["Insatsen finns inte längre eller ligger utanför din behörighet."])
    # One call for the whole file: one look-up of existing people and enrolments, one audit
    # entry, and consents dated at each person's earliest start.
    try:
        result = importing.enrolments_import(
            actor=actor, intervention=intervention, rows=rows, progress=progress
        )
    except importing.ImportFailed as exc:
        raise RowErrors([str(e) for e in exc.errors]) from exc
    return asdict(result)


def _enrolment_columns() -> Columns:
    from stegvis.participants.importing import COLUMNS

    # The command-line import reads the same files: every column must be in the header.
    return Columns(required=COLUMNS)


register(
    ImportKind(
        key="enrolments",
        label="Deltaganden (historik)",
        columns=_enrolment_columns(),
        help="En rad per deltagande. personnummer (ÅÅÅÅMMDD-NNNN), gender (kvinna, man, "
        "annat), start_date och end_date som ÅÅÅÅ-MM-DD; end_date och exit_reason anges "
        "tillsammans. af_code_before/after och income_source_before/after är nycklar ur "
        "kodlistorna; flera försörjningskällor skiljs med |. Samma personnummer, insats och "
        "startdatum importeras bara en gång.",
        perms=(Perm.REGISTER_PARTICIPANTS,),
        options_form=EnrolmentOptions,
        parse=_enrolment_parse,
        commit=_enrolment_commit,
        result_labels={
            "rows": "Rader i filen",
            "created_enrolments": "Nya deltaganden",
            "created_participants": "Nya deltagare",
            "created_consents": "Samtycken (importerade)",
            "created_followups": "Uppföljningar att göra",
            "already_present": "Fanns redan (hoppades över)",
        },
    )
)


# --- Activities and attendance (SPEC §6) ------------------------------------------------------


def _activities_parse(text: str, *, options: dict, membership, progress=None) -> list:
    from stegvis.activities import importing

    return _row_errors(importing.parse_activities, text, membership=membership, progress=progress)


def _activities_commit(rows: list, *, options: dict, actor, membership, progress) -> dict:
    from stegvis.activities import importing

    return _row_errors(
        importing.activities_import,
        actor=actor,
        membership=membership,
        rows=rows,
        progress=progress,
    )


def _attendance_parse(text: str, *, options: dict, membership, progress=None) -> list:
    from stegvis.activities import importing

    return _row_errors(importing.parse_attendance, text, membership=membership, progress=progress)


def _attendance_commit(rows: list, *, options: dict, actor, membership, progress) -> dict:
    from stegvis.activities import importing

    return _row_errors(
        importing.attendance_import,
        actor=actor,
        membership=membership,
        rows=rows,
        progress=progress,
    )


def _row_errors(func, *args, **kwargs):
    from stegvis.participants.importing import ImportFailed

    try:
        return func(*args, **kwargs)
    except ImportFailed as exc:
        raise RowErrors([str(e) for e in exc.errors]) from exc


def _activity_columns() -> Columns:
    from stegvis.activities.importing import ACTIVITY_COLUMNS

    return ACTIVITY_COLUMNS


def _attendance_columns() -> Columns:
    from stegvis.activities.importing import ATTENDANCE_COLUMNS

    return ATTENDANCE_COLUMNS


register(
    ImportKind(
        key="activities",
        label="Aktiviteter",
        columns=_activity_columns(),
        help="En rad per aktivitet. Obligatoriskt: title (rubrik), association_orgnr "
        "(föreningens organisationsnummer), category (language, sport, culture, nature, "
        "gardening, civic, other eller den svenska benämningen) och capacity (antal platser). "
        "Frivilligt: hub (knutpunktens kortnamn; tomt = föreningens), leader_count, "
        "first_date (första tillfället, ÅÅÅÅ-MM-DD), sessions (antal tillfällen, 1–60), "
        "every_days (dagar mellan tillfällena, standard 7), start_time och end_time (TT:MM), "
        "serves (språk|hälsa|nätverk), plan, description, municipality, address, languages "
        "(skiljs med |), gender_restriction (kvinna eller man), intervention (insatsens kod) "
        "och working_group (samverkansgruppens namn). Samma förening, rubrik och första datum "
        "importeras bara en gång. Aktiviteterna skapas som utkast.",
        perms=(Perm.MANAGE_ACTIVITIES,),
        parse=_activities_parse,
        commit=_activities_commit,
        result_labels={
            "rows": "Rader i filen",
            "created_activities": "Nya aktiviteter",
            "created_sessions": "Nya tillfällen",
            "already_present": "Fanns redan (hoppades över)",
        },
    )
)

register(
    ImportKind(
        key="attendance",
        label="Närvaro",
        columns=_attendance_columns(),
        help="En rad per deltagare och tillfälle. activity_id (aktivitetens nummer, syns i "
        "adressen till aktiviteten), session_date (tillfällets datum, ÅÅÅÅ-MM-DD; start_time "
        "TT:MM om flera tillfällen har samma dag), personnummer eller participant "
        "(deltagarens referens, t.ex. D-000123) och present (ja eller nej). Deltagaren ska ha "
        "en plats i aktiviteten; inställda och kommande tillfällen kan inte få närvaro. "
        "Redan registrerad närvaro skrivs över med filens värde.",
        # Rows name people by personnummer: staff who work with the participants (their
        # places, in their interventions), never a leader who sees first names only.
        perms=(Perm.VIEW_ALL_PERSONAL_DATA, Perm.VIEW_SCOPED_PERSONAL_DATA),
        parse=_attendance_parse,
        commit=_attendance_commit,
        result_labels={
            "rows": "Rader i filen",
            "created": "Ny närvaro",
            "updated": "Ändrad närvaro",
            "unchanged": "Oförändrad",
            "sessions": "Tillfällen",
        },
    )
)
