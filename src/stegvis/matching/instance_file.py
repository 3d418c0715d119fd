"""Reading, solving and writing the instance files of ``stegvis match-file``, without Django.

The command (``management/commands/match_file.py``) is a thin wrapper around :func:`solve`,
:func:`as_json` and :func:`as_text`. ``stegvis match-file`` run from the console takes a
shorter road: :func:`main` solves the file without setting up Django at all (the command needs
no database, and starting every app costs more than solving a large file), and falls back to
the Django command for anything but the plain invocation.

File format, messages and results are the command's (see its docstring).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from stegvis.matching.engine import (
    InvalidInstance,
    MatchResult,
    Opportunity,
    optimal_assign_columns,
)

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

FORMATS = ("json", "text")


class InstanceFileError(Exception):
    """A file that cannot be matched; the message is Swedish and names the entry."""


class Instance:
    """A checked file: participants, activities and the scored pairs as three columns."""

    def __init__(self, participants, activities, pair_participants, pair_activities, scores):
        self.participants = participants
        self.activities = activities
        self.pair_participants = pair_participants
        self.pair_activities = pair_activities
        self.scores = scores


def solve(path: Path) -> tuple[MatchResult, int]:
    """The optimal matching of the file and its number of participants."""
    instance = parse(load(path))
    try:
        result = optimal_assign_columns(
            instance.participants,
            instance.activities,
            instance.pair_participants,
            instance.pair_activities,
            instance.scores,
        )
    except InvalidInstance as error:
        raise InstanceFileError(
            f"Fel i {path}: {_JSON_SECTION[error.section]}[{error.index}]: {error.message}"
        ) from None
    return result, len(instance.participants)


class _NotANumber(ValueError):
    pass


def _reject_constant(name: str):
    raise _NotANumber(name)


def load(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstanceFileError(f"Filen finns inte: {path}") from None
    except IsADirectoryError:
        raise InstanceFileError(f"{path} är en katalog, inte en fil.") from None
    except PermissionError:
        raise InstanceFileError(f"Behörighet saknas för att läsa {path}.") from None
    except UnicodeDecodeError:
        raise InstanceFileError(f"{path} är inte en UTF-8-kodad textfil.") from None
    except OSError as error:
        raise InstanceFileError(f"Kan inte läsa {path} ({error.strerror}).") from None
    try:
        # Decimals keep scores exactly as written, so the total is their exact sum.
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except _NotANumber as error:
        raise InstanceFileError(
            f"Ogiltig JSON i {path}: {error} är inget tal som JSON tillåter."
        ) from None
    except json.JSONDecodeError as error:
        reason = _JSON_ERRORS_SV.get(error.msg, error.msg)
        raise InstanceFileError(
            f"Ogiltig JSON i {path} (rad {error.lineno}, kolumn {error.colno}): {reason}."
        ) from None


def parse(data) -> Instance:
    """Check the file's shape; the engine checks the content (duplicates, references, values)."""
    if not isinstance(data, dict):
        raise InstanceFileError(
            'Filen ska innehålla ett JSON-objekt med "participants", "activities" och "scores".'
        )
    for key in ("participants", "activities", "scores"):
        if key not in data:
            raise InstanceFileError(f'Nyckeln "{key}" saknas i filen.')
        if not isinstance(data[key], list):
            raise InstanceFileError(f'"{key}" ska vara en lista.')

    for i, pid in enumerate(data["participants"]):
        _check_id(pid, f"participants[{i}]")

    activities = []
    for i, entry in enumerate(data["activities"]):
        if not isinstance(entry, dict) or "id" not in entry or "capacity" not in entry:
            raise InstanceFileError(
                f'activities[{i}]: ska vara ett objekt med "id" och "capacity", '
                f"inte {_dumps(entry)}."
            )
        _check_id(entry["id"], f"activities[{i}].id")
        activities.append(Opportunity(entry["id"], entry["capacity"]))

    scores = data["scores"]
    # A large file is checked a column at a time (the loops run in C); the first entry that
    # fails a check is then found, and named, one entry at a time.
    columns = [list(map(itemgetter(k), scores)) for k in range(3)] if _is_triples(scores) else []
    if not columns or not (
        set(map(type, columns[0])) <= _ID_TYPES and set(map(type, columns[1])) <= _ID_TYPES
    ):
        for i, entry in enumerate(scores):
            if not isinstance(entry, list) or len(entry) != 3:
                raise InstanceFileError(
                    f"scores[{i}]: ska vara en lista [deltagare, aktivitet, poäng], "
                    f"inte {_dumps(entry)}."
                )
            _check_id(entry[0], f"scores[{i}][0]")
            _check_id(entry[1], f"scores[{i}][1]")
        columns = [[entry[k] for entry in scores] for k in range(3)]
    return Instance(data["participants"], activities, *columns)


def _is_triples(entries: list) -> bool:
    return not entries or (set(map(type, entries)) == {list} and set(map(len, entries)) == {3})


def _check_id(value, where: str) -> None:
    if type(value) not in _ID_TYPES:
        raise InstanceFileError(
            f"{where}: ett id ska vara en sträng eller ett tal, inte {_dumps(value)}."
        )


def as_json(result: MatchResult) -> str:
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


def as_text(result: MatchResult, participant_count: int) -> str:
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


def plain_arguments(args: list[str]) -> tuple[str, str] | None:
    """``(file, format)`` when ``args`` are just the file and perhaps ``--format json|text``;
    ``None`` for anything else (help, Django's own options, mistakes), which the Django
    command handles with its usual messages."""
    path, output = None, "json"
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--format" and rest and rest[0] in FORMATS:
            output = rest.pop(0)
        elif arg.startswith("--format=") and arg.partition("=")[2] in FORMATS:
            output = arg.partition("=")[2]
        elif path is None and arg and not arg.startswith("-"):
            path = arg
        else:
            return None
    return (path, output) if path is not None else None


def main(args: list[str]) -> int | None:
    """``stegvis match-file FILE [--format json|text]`` without Django: the exit status, or
    ``None`` when the arguments need the Django command. Output and errors are written as the
    command writes them (``CommandError: …`` on standard error, exit status 1)."""
    plain = plain_arguments(args)
    if plain is None:
        return None
    path, output = plain
    try:
        result, participant_count = solve(Path(path))
    except InstanceFileError as error:
        message = f"CommandError: {error}"
        if sys.stderr.isatty():  # coloured like Django's error output
            from django.core.management.color import color_style

            message = color_style().ERROR(message)
        sys.stderr.write(message + "\n")
        return 1
    text = as_text(result, participant_count) if output == "text" else as_json(result)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
