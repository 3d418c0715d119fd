from pathlib import Path

from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand
from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import unscoped
from stegvis.participants.models import Participant
from stegvis.security import backup


class Command(StegvisCommand):
    help = (
        "Återläser en säkerhetskopia från `stegvis backup`: hela databasen ersätts. Stoppa "
        "webbtjänsten först. Nycklarna måste vara desamma som när kopian togs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Säkerhetskopian att läsa.")
        parser.add_argument("--input", help="Säkerhetskopian att läsa (samma som FIL).")

    def handle(self, *args, **options):
        source = options["input"] or options["file"]
        if not source:
            raise CommandError("Ange säkerhetskopian: stegvis restore FIL.")
        try:
            backup.restore(Path(source))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        with unscoped():
            people = Participant.objects.count()
            entries = AuditEntry.objects.count()
        self.stdout.write(
            f"Återläste {source}: {people} deltagare och {entries} poster i granskningsloggen."
        )
