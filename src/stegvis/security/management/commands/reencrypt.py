import json

from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand
from stegvis.core.crypto import DecryptionError
from stegvis.security import backup


class Command(StegvisCommand):
    help = (
        "Krypterar om alla krypterade uppgifter med den första nyckeln i "
        "STEGVIS_FIELD_ENCRYPTION_KEY (nyckelbyte: ny nyckel först, den gamla efter, kör "
        "kommandot, ta sedan bort den gamla)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        try:
            counts = backup.reencrypt()
        except DecryptionError as exc:
            raise CommandError(
                "Ett värde kunde inte läsas med någon av nycklarna; inget mer ändrades. "
                "Lägg till den gamla nyckeln efter den nya och kör igen."
            ) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(counts))
            return
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} rader krypterade med den nya nyckeln")
