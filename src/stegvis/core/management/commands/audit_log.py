import json

from django.core.management.base import CommandError
from django.utils.dateparse import parse_date

from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import federation_scope


class Command(StegvisCommand):
    help = "Visar förbundets logg över läsningar, ändringar, exporter och inloggningar."

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True)
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--action", choices=AuditEntry.Action.values)
        parser.add_argument("--actor", help="Användarnamn.")
        parser.add_argument("--object-type")
        parser.add_argument("--object-id")
        parser.add_argument("--from", dest="date_from", help="Från och med datum (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--to", dest="date_to", help="Till och med datum (ÅÅÅÅ-MM-DD).")
        parser.add_argument(
            "--limit", type=int, default=0, help="Högst så många poster (0 = alla)."
        )

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        with federation_scope(federation):
            qs = AuditEntry.objects.order_by("time", "id")
            if options["action"]:
                qs = qs.filter(action=options["action"])
            if options["actor"]:
                qs = qs.filter(actor_username=options["actor"])
            if options["object_type"]:
                qs = qs.filter(object_type=options["object_type"])
            if options["object_id"]:
                qs = qs.filter(object_id=options["object_id"])
            for key, lookup in (("date_from", "time__date__gte"), ("date_to", "time__date__lte")):
                if options[key]:
                    day = parse_date(options[key])
                    if day is None:
                        raise CommandError(f"Ogiltigt datum '{options[key]}': använd ÅÅÅÅ-MM-DD.")
                    qs = qs.filter(**{lookup: day})
            if options["limit"] and options["limit"] > 0:
                count = qs.count()
                qs = qs[max(0, count - options["limit"]) :]
            entries = [
                {
                    "time": e.time.isoformat(),
                    "actor": e.actor_username,
                    "action": e.action,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "request_id": e.request_id,
                    "reason": e.reason,
                    "detail": e.detail,
                }
                for e in qs.iterator()
            ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(entries, ensure_ascii=False, indent=1))
        else:
            for e in entries:
                self.stdout.write(
                    f"{e['time']}  {e['actor'] or '-':<16} {e['action']:<13} "
                    f"{e['object_type']} {e['object_id']}"
                )
