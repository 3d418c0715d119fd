"""``stegvis evaluate effect --federation SLUG --intervention CODE --comparison CODE[,CODE...]
--outcome work_or_studies [--from YYYY-MM-DD] [--to YYYY-MM-DD] --format json``."""

import json

from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.tenancy import federation_scope
from stegvis.evaluation import services
from stegvis.evaluation.effects import OUTCOMES, EvaluationError
from stegvis.reports.runner import ReportRequestError, parse_period


class Command(StegvisCommand):
    help = (
        "Skattar en insats effekt på deltagarna mot en jämförelsegrupp (IPW, 95 % "
        "bootstrapintervall) och skriver ut resultatet som JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["effect"], help="effect: effekt på deltagarna.")
        parser.add_argument("--federation", required=True)
        parser.add_argument("--intervention", required=True, help="Insatsens kod.")
        parser.add_argument(
            "--comparison",
            required=True,
            help="Jämförelsegrupp: insatsers eller jämförelsegruppers koder, skilda med komma.",
        )
        parser.add_argument("--outcome", choices=list(OUTCOMES), default="work_or_studies")
        parser.add_argument("--from", dest="date_from", help="Start från och med (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Start till och med (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--bootstrap", type=int, default=200, help="Antal omdragningar för intervallet."
        )
        parser.add_argument("--seed", type=int, default=20261201, help="Slumpfrö (samma svar).")

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        if options["bootstrap"] < 0:
            raise CommandError("--bootstrap kan inte vara negativt.")
        try:
            date_from, date_to = parse_period(options["date_from"], options["date_to"])
            with federation_scope(federation):
                evaluation = services.effect_evaluate(
                    actor=None,
                    intervention_code=options["intervention"],
                    comparison_codes=options["comparison"].split(","),
                    outcome=options["outcome"],
                    date_from=date_from,
                    date_to=date_to,
                    bootstrap=options["bootstrap"],
                    seed=options["seed"],
                    reason="effektskattning från kommandoraden",
                )
        except (ReportRequestError, EvaluationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(evaluation.as_dict(), ensure_ascii=False))
