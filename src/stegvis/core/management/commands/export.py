from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.export import export_federation
from stegvis.core.files import FileWriteError, write_bytes_atomic


class Command(StegvisCommand):
    help = (
        "Exporterar allt ett förbund äger till en zip-fil (JSON och CSV per tabell, manifest). "
        "Personuppgifter pseudonymiseras om inte --identified anges med ett skäl."
    )

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True)
        parser.add_argument("--output", required=True, help="Zip-fil att skriva.")
        parser.add_argument(
            "--identified",
            action="store_true",
            help="Ta med personnummer, namn och kontaktuppgifter i klartext (kräver --reason).",
        )
        parser.add_argument(
            "--reason", default="", help="Skälet till exporten; loggas. Krävs med --identified."
        )

    def handle(self, *args, **options):
        reason = options["reason"].strip()
        if options["identified"] and not reason:
            raise CommandError(
                "--identified kräver --reason: ange skälet till att exporten ska innehålla "
                'personuppgifter, t.ex. --reason "Begäran om dataportabilitet, ärende 2026-14".'
            )
        federation = get_federation(options["federation"])
        data = export_federation(
            federation, actor=None, identified=options["identified"], reason=reason
        )
        try:
            # Whole or not at all: a full disk leaves no half-written zip under the name.
            write_bytes_atomic(options["output"], data)
        except FileWriteError as exc:
            raise CommandError(str(exc)) from exc
        kind = "med personuppgifter" if options["identified"] else "pseudonymiserad"
        self.stdout.write(f"Skrev {len(data)} byte till {options['output']} ({kind}).")
