import json

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.tenancy import federation_scope
from stegvis.participants import services


class Command(StegvisCommand):
    help = (
        "Gallring: avidentifierar personuppgifter när förbundets bevarandetid efter avslut har "
        "gått ut. Statistiken (kön, födelseår, kommun, in- och utskrivning) behålls."
    )

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True)
        parser.add_argument("--dry-run", action="store_true", help="Visa vad som skulle göras.")
        parser.add_argument("--today", help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        today = timezone.localdate()
        if options["today"]:
            today = parse_date(options["today"])
            if today is None:
                raise CommandError(f"Ogiltigt datum '{options['today']}': använd ÅÅÅÅ-MM-DD.")
        with federation_scope(federation):
            report = services.participants_purge(
                actor=None, today=today, dry_run=options["dry_run"]
            )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "federation": federation.slug,
                        "dry_run": options["dry_run"],
                        "cutoff": report.cutoff.isoformat(),
                        "anonymised": report.count,
                        "participant_ids": report.anonymised,
                    }
                )
            )
            return
        verb = "Skulle avidentifiera" if options["dry_run"] else "Avidentifierade"
        self.stdout.write(
            f"{verb} {report.count} deltagare i {federation.slug} "
            f"(avslutade före {report.cutoff:%Y-%m-%d})."
        )
