"""``stegvis match-file INSTANCE.json``: the optimal matching of a file, without the database.

Input::

    {"participants": [id, ...],
     "activities": [{"id": id, "capacity": n}, ...],
     "scores": [[participant_id, activity_id, score], ...]}

Output (``--format json``)::

    {"assignments": [{"participant": id, "activity": id, "score": s}, ...],
     "unassigned": [id, ...], "total_score": s}

Ids are strings or numbers and are written back as given; a pair without a score is not
allowed. The rules of the result are those of ``stegvis.matching.engine``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand
from stegvis.matching.engine import InvalidInstance, MatchResult, Opportunity, optimal_assign

# What JSON gives for strings, integers and other numbers (floats are parsed as Decimal).
_ID_TYPES = frozenset({str, int, Decimal})

# The engine's names for the sections of an instance, and the file's.
_JSON_SECTION = {"participants": "participants", "opportunities": "activities", "pairs": "scores"}

_JSON_ERRORS_SV = {
    "Expecting value": "ett värde väntades",
    "Expecting property name enclosed in double quotes": "ett namn inom citattecken väntades",
    "Expecting ',' delimiter": "ett kommatecken väntades",
    "Expecting ':' delimiter": "ett kolon väntades",
    "Extra data": "text efter JSON-värdet",
    "Unterminated string starting at": "strängen avslutas aldrig",
    "Invalid control character at": "otillåtet kontrolltecken",
    "Invalid \\escape": "ogiltig escape-sekvens",
}


class Command(StegvisCommand):
    help = (
        "Matchar deltagare mot aktiviteter från en JSON-fil så att den sammanlagda poängen "
        "blir så hög som möjligt, utan att överskrida någon aktivitets kapacitet."
    )
    requires_system_checks = []  # a pure computation: no database, no checks needed

    def add_arguments(self, parser):
        parser.add_argument("instance", help="JSON-fil med participants, activities och scores.")
        parser.add_argument(
            "--format", choices=["json", "text"], default="json", help="Utdataformat."
        )

    def handle(self, *args, **options):
        path = Path(options["instance"])
        participants, activities, pairs = _parse(_load(path))
        try:
            result = optimal_assign(participants, activities, pairs)
        except InvalidInstance as error:
            raise CommandError(
                f"Fel i {path}: {_JSON_SECTION[error.section]}[{error.index}]: {error.message}"
            ) from None
        if options["format"] == "text":
            self.stdout.write(_as_text(result, len(participants)))
        else:
            self.stdout.write(_as_json(result))


class _NotANumber(ValueError):
    pass


def _reject_constant(name: str):
    raise _NotANumber(name)


def _load(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"Filen finns inte: {path}") from None
    except IsADirectoryError:
        raise CommandError(f"{path} är en katalog, inte en fil.") from None
    except PermissionError:
        raise CommandError(f"Behörighet saknas för att läsa {path}.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} är inte en UTF-8-kodad textfil.") from None
    except OSError as error:
        raise CommandError(f"Kan inte läsa {path} ({error.strerror}).") from None
    try:
        # Decimals keep scores exactly as written, so the total is their exact sum.
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except _NotANumber as error:
        raise CommandError(
            f"Ogiltig JSON i {path}: {error} är inget tal som JSON tillåter."
        ) from None
    except json.JSONDecodeError as error:
        reason = _JSON_ERRORS_SV.get(error.msg, error.msg)
        raise CommandError(
            f"Ogiltig JSON i {path} (rad {error.lineno}, kolumn {error.colno}): {reason}."
        ) from None


def _parse(data) -> tuple[list, list[Opportunity], list[list]]:
    """Check the file's shape; the engine checks the content (duplicates, references, values)."""
    if not isinstance(data, dict):
        raise CommandError(
            'Filen ska innehålla ett JSON-objekt med "participants", "activities" och "scores".'
        )
    for key in ("participants", "activities", "scores"):
        if key not in data:
            raise CommandError(f'Nyckeln "{key}" saknas i filen.')
        if not isinstance(data[key], list):
            raise CommandError(f'"{key}" ska vara en lista.')

    for i, pid in enumerate(data["participants"]):
        _check_id(pid, f"participants[{i}]")

    activities = []
    for i, entry in enumerate(data["activities"]):
        if not isinstance(entry, dict) or "id" not in entry or "capacity" not in entry:
            raise CommandError(
                f'activities[{i}]: ska vara ett objekt med "id" och "capacity", '
                f"inte {_dumps(entry)}."
            )
        _check_id(entry["id"], f"activities[{i}].id")
        activities.append(Opportunity(entry["id"], entry["capacity"]))

    pairs = []
    for i, entry in enumerate(data["scores"]):
        if not isinstance(entry, list) or len(entry) != 3:
            raise CommandError(
                f"scores[{i}]: ska vara en lista [deltagare, aktivitet, poäng], "
                f"inte {_dumps(entry)}."
            )
        if type(entry[0]) not in _ID_TYPES:  # the fast path of a large file
            _check_id(entry[0], f"scores[{i}][0]")
        if type(entry[1]) not in _ID_TYPES:
            _check_id(entry[1], f"scores[{i}][1]")
        pairs.append(entry)
    return data["participants"], activities, pairs


def _check_id(value, where: str) -> None:
    if type(value) not in _ID_TYPES:
        raise CommandError(
            f"{where}: ett id ska vara en sträng eller ett tal, inte {_dumps(value)}."
        )


def _as_json(result: MatchResult) -> str:
    return json.dumps(
        {
            "assignments": [
                {"participant": p.participant, "activity": p.opportunity, "score": p.score}
                for p in result.proposals
            ],
            "unassigned": list(result.unassigned),
            "total_score": result.total_score,
        },
        ensure_ascii=False,
        indent=2,
        default=_number,
    )


def _as_text(result: MatchResult, participant_count: int) -> str:
    lines = [
        f"{len(result.proposals)} av {participant_count} deltagare får ett förslag, "
        f"sammanlagd poäng {_sv(result.total_score)}."
    ]
    lines += [f"  {p.participant} → {p.opportunity} ({_sv(p.score)})" for p in result.proposals]
    if result.unassigned:
        lines.append("Utan förslag: " + ", ".join(str(pid) for pid in result.unassigned))
    return "\n".join(lines)


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_number)


def _sv(number) -> str:
    return str(number).replace(".", ",")
