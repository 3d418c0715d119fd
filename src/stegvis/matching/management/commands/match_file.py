"""``stegvis match-file INSTANCE.json``: the optimal matching of a file, without the database.

Input::

    {"participants": [id, ...],
     "activities": [{"id": id, "capacity": n}, ...],
     "scores": [[participant_id, activity_id, score], ...]}

Output (``--format json``)::

    {"assignments": [{"participant": id, "activity": id, "score": s}, ...],
     "unassigned": [id, ...], "total_score": s}

Ids are strings or numbers and are written back as given; a pair without a score is not
allowed. The rules of the result are those of ``stegvis.matching.engine``. The work is done
in ``stegvis.matching.instance_file``, which the console command also runs without Django.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand
from stegvis.matching.instance_file import FORMATS, InstanceFileError, as_json, as_text, solve


class Command(StegvisCommand):
    help = (
        "Matchar deltagare mot aktiviteter från en JSON-fil så att den sammanlagda poängen "
        "blir så hög som möjligt, utan att överskrida någon aktivitets kapacitet."
    )
    requires_system_checks = []  # a pure computation: no database, no checks needed

    def add_arguments(self, parser):
        parser.add_argument("instance", help="JSON-fil med participants, activities och scores.")
        parser.add_argument("--format", choices=FORMATS, default="json", help="Utdataformat.")

    def handle(self, *args, **options):
        try:
            result, participant_count = solve(Path(options["instance"]))
        except InstanceFileError as error:
            raise CommandError(str(error)) from None
        if options["format"] == "text":
            self.stdout.write(as_text(result, participant_count))
        else:
            self.stdout.write(as_json(result))
