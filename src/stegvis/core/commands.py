"""Shared pieces of the ``stegvis`` commands: Swedish argument errors, federation look-up."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
    """Base of the product's commands: hyphenated program name and Swedish argument errors."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand.replace("_", "-"), **kwargs)
        parser.__class__ = SwedishParser  # same state, Swedish error()
        return parser


def get_federation(slug: str) -> Federation:
    federation = Federation.objects.filter(slug=slug).first()
    if federation is None:
        raise CommandError(
            f"Förbundet '{slug}' finns inte. Skapa det med stegvis create-federation."
        )
    return federation
