"""Shared pieces of the ``stegvis`` commands: Swedish argument errors, federation look-up."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import InterfaceError, OperationalError

from stegvis.core.models import Federation

_ARGPARSE_SV = [
    (r"the following arguments are required: (.*)", r"följande argument saknas: \1"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"argumentet \1: ogiltigt val \2 (välj bland \3)",
    ),
    (r"argument (\S+): expected one argument", r"argumentet \1 behöver ett värde"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argumentet \1: ogiltigt värde \3"),
]


def _swedish(message: str) -> str:
    for pattern, replacement in _ARGPARSE_SV:
        if re.match(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class SwedishParser(CommandParser):
    def error(self, message):
        if self.called_from_command_line:
            self.print_usage()
            self.exit(2, f"{self.prog}: fel: {_swedish(message)}\n")
        raise CommandError(f"Fel i argumenten: {_swedish(message)}")


class StegvisCommand(BaseCommand):
    """Base of the product's commands: hyphenated program name, Swedish argument errors, and a
    Swedish message instead of a stack trace when the database fails (down or disk full)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand.replace("_", "-"), **kwargs)
        parser.__class__ = SwedishParser  # same state, Swedish error()
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except (OperationalError, InterfaceError) as exc:
            raise CommandError(database_failure(exc)) from exc


def database_failure(exc: Exception) -> str:
    """What an operator reads when the database fails under a command."""
    text = str(exc).lower()
    if any(s in text for s in ("disk is full", "no space left", "could not extend file")):
        cause = "Databasen kunde inte skriva: disken är full."
    else:
        cause = "Databasen svarar inte just nu."
    return (
        f"{cause} Kommandot avbröts och det som skrevs i den avbrutna transaktionen är "
        "återställt. Åtgärda felet och kör kommandot igen."
    )


def get_federation(slug: str) -> Federation:
    federation = Federation.objects.filter(slug=slug).first()
    if federation is None:
        raise CommandError(
            f"Förbundet '{slug}' finns inte. Skapa det med stegvis create-federation."
        )
    return federation
