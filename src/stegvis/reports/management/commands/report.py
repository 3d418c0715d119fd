"""``stegvis report NAME --federation SLUG --intervention CODE [--from] [--to] [--format]``."""

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.tenancy import federation_scope
from stegvis.reports import exports
from stegvis.reports.definitions import REPORTS
from stegvis.reports.runner import ReportRequestError, parse_period, report_export, report_filters


class Command(StegvisCommand):
    help = (
        "Skriver ut en rapport som JSON, CSV, XLSX eller PDF. Utan --from/--to räknas hela "
        "historiken. Exakta tal, som för en samverkansadministratör; --external döljer små tal."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", choices=list(REPORTS), help="Rapportens namn.")
        parser.add_argument("--federation", required=True)
        parser.add_argument("--intervention", help="Insatsens kod (utan: alla insatser).")
        parser.add_argument("--from", dest="date_from", help="Från och med datum (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Till och med datum (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--format", choices=["json", "csv", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", help="Skriv till filen i stället för standard ut.")
        parser.add_argument(
            "--external",
            action="store_true",
            help="För extern användning: värden under förbundets gräns visas som <5.",
        )
        parser.add_argument("--authority", help="Anvisande huvudman (namn).")
        parser.add_argument("--hub", help="Knutpunkt (kortnamn).")
        parser.add_argument("--municipality", help="Deltagarens kommun.")

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        try:
            date_from, date_to = parse_period(options["date_from"], options["date_to"])
            with federation_scope(federation):
                filters = report_filters(
                    intervention=options["intervention"],
                    date_from=date_from,
                    date_to=date_to,
                    authority=options["authority"],
                    hub=options["hub"],
                    municipality=options["municipality"],
                )
                report = report_export(
                    options["name"],
                    filters,
                    actor=None,
                    external=options["external"],
                    reason="rapport från kommandoraden",
                    detail={
                        "format": options["format"],
                        "intervention": options["intervention"] or "",
                    },
                )
        except ReportRequestError as exc:
            raise CommandError(str(exc)) from exc
        fmt = options["format"]
        created = timezone.localtime()
        if fmt == "json":
            content: str | bytes = json.dumps(report.as_dict(), ensure_ascii=False)
        elif fmt == "csv":
            content = exports.report_csv(report)
        elif fmt == "xlsx":
            content = exports.reports_xlsx(
                [report], federation_name=federation.name, created=created
            )
        else:
            content = exports.reports_pdf(
                [report], federation_name=federation.name, created=created
            )
        self._write(content, options["output"])

    def _write(self, content: str | bytes, output: str | None) -> None:
        if output:
            path = Path(output)
            try:
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content if content.endswith("\n") else content + "\n", "utf-8")
            except OSError as exc:
                raise CommandError(f"Kan inte skriva {path}: {exc.strerror}.") from exc
            self.stderr.write(f"Skrev {path}.")
            return
        if isinstance(content, str):
            self.stdout.write(content.rstrip("\n"))
            return
        stream = getattr(self.stdout, "_out", None)
        buffer = getattr(stream, "buffer", None)
        if buffer is None or stream is not sys.stdout:
            raise CommandError("Ange --output FIL för xlsx och pdf.")
        buffer.write(content)
        buffer.flush()
