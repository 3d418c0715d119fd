"""``stegvis import enrolments FILE.csv --federation SLUG --intervention CODE``."""

from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from stegvis.participants import importing

KINDS = ["enrolments"]


class Command(StegvisCommand):
    help = (
        "Importerar historik från en CSV-fil (UTF-8, komma eller semikolon). Allt eller inget: "
        "finns ett fel sparas ingenting. Samma fil två gånger lägger inte till något."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="Vad som importeras (enrolments).")
        parser.add_argument("file", help="CSV-fil med rubrikrad.")
        parser.add_argument("--federation", required=True)
        parser.add_argument("--intervention", required=True, help="Insatsens kod.")
        parser.add_argument(
            "--create-intervention",
            action="store_true",
            help="Skapa en individinriktad insats med koden om den saknas.",
        )

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan inte läsa filen {path}: {exc.strerror}.") from exc
        today = timezone.localdate()
        with federation_scope(federation):
            try:
                text = importing.decode(data)
                rows = importing.parse_enrolments(
                    text, keys=importing.ReferenceKeys.current(), today=today
                )
                with transaction.atomic():
                    intervention = self._intervention(options)
                    result = importing.enrolments_import(
                        actor=None, intervention=intervention, rows=rows, today=today
                    )
            except importing.ImportFailed as exc:
                raise CommandError(
                    f"Importen avbröts och inget sparades ({len(exc.errors)} fel; "
                    f"rubrikraden är rad 1):\n{exc}"
                ) from exc
        self.stdout.write(
            f"Importerade {result.created_enrolments} deltaganden i {intervention.code} "
            f"({result.created_participants} nya deltagare). "
            f"{result.already_present} fanns redan och hoppades över."
        )

    def _intervention(self, options) -> Intervention:
        code = options["intervention"]
        intervention = Intervention.objects.filter(code=code).first()
        if intervention is None:
            if not options["create_intervention"]:
                raise CommandError(
                    f"Insatsen '{code}' finns inte i förbundet. "
                    "Använd --create-intervention för att skapa den."
                )
            intervention = Intervention.objects.create(
                code=code, name=code, kind=Intervention.Kind.INDIVIDUAL
            )
            audit.log(actor=None, action=audit.Action.CREATE, obj=intervention, reason="import")
        if not intervention.is_individual:
            raise CommandError(f"Insatsen '{code}' är strukturinriktad och har inga deltagare.")
        return intervention
