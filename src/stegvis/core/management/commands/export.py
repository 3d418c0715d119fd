from pathlib import Path

from stegvis.core import audit
from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.export import export_federation
from stegvis.core.tenancy import federation_scope


class Command(StegvisCommand):
    help = "Exporterar allt ett förbund äger till en zip-fil (JSON och CSV per tabell, manifest)."

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True)
        parser.add_argument("--output", required=True, help="Zip-fil att skriva.")

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        data = export_federation(federation)
        Path(options["output"]).write_bytes(data)
        with federation_scope(federation):
            audit.log(
                actor=None,
                action=audit.Action.EXPORT,
                object_type="federation",
                object_id=federation.pk,
                reason="full export (kommandorad)",
                detail={"bytes": len(data)},
            )
        self.stdout.write(f"Skrev {len(data)} byte till {options['output']}.")
