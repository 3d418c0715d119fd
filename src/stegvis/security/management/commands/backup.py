from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from stegvis.core.commands import StegvisCommand
from stegvis.security import backup


class Command(StegvisCommand):
    help = (
        "Säkerhetskopierar hela databasen till en fil (SQLite: onlinekopia; PostgreSQL: "
        "pg_dump). Nycklarna ingår aldrig: förvara dem för sig (se docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Fil att skriva (annars var/backups/…).")
        parser.add_argument("--output", help="Fil att skriva (samma som FIL).")

    def handle(self, *args, **options):
        target = options["output"] or options["file"]
        if not target:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = Path(settings.VAR_DIR) / "backups" / backup.default_name(stamp)
        try:
            path = backup.backup(Path(target))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Säkerhetskopia skriven till {path} ({path.stat().st_size} byte).")
