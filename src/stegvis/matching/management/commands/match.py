"""``stegvis match --federation SLUG [--hub SLUG] --format json``: propose places in NAD
activities for participants who have none yet, from the database.

Participants: active enrolments in interventions that finance activities, without an active
place. Activities: approved, with sessions still to come and free places (capacity is the free
places). Output, the same shape as ``match-file`` with each assignment's explanation::

    {"assignments": [{"participant": "12", "activity": "3", "score": 4.0,
                      "explanation": ["Behov: språk (+1,5)", ...]}, ...],
     "unassigned": ["15", ...], "total_score": 4.0}

Ids are the participant's and the activity's ids as strings. Nothing is stored: staff decide
on proposals in the web interface (Matchning). The read is written to the audit log.
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.models import Hub
from stegvis.core.tenancy import federation_scope
from stegvis.matching.services import propose


class Command(StegvisCommand):
    help = (
        "Föreslår platser i godkända aktiviteter för deltagare i NAD-insatser som ännu "
        "inte har någon plats, så att den sammanlagda poängen blir så hög som möjligt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True, help="Förbundets kortnamn.")
        parser.add_argument("--hub", help="Bara en knutpunkt (kortnamn).")
        parser.add_argument(
            "--format", choices=["json", "text"], default="json", help="Utdataformat."
        )

    def handle(self, *args, **options):
        federation = get_federation(options["federation"])
        with federation_scope(federation):
            hub = None
            if options.get("hub"):
                hub = Hub.objects.filter(slug=options["hub"]).first()
                if hub is None:
                    slugs = ", ".join(Hub.objects.order_by("slug").values_list("slug", flat=True))
                    raise CommandError(
                        f"Knutpunkten '{options['hub']}' finns inte i {federation.slug}"
                        f" (finns: {slugs or 'inga'})."
                    )
            proposed = propose(today=timezone.localdate(), hub=hub)
            result = proposed.result
            participant_of = {pk: str(e.participant_id) for pk, e in proposed.enrolments.items()}
            audit.log(
                actor=None,
                action=audit.Action.READ,
                object_type="matchrun",
                reason="stegvis match",
                detail={
                    "hub": hub.slug if hub else "",
                    "participants": len(proposed.enrolments),
                    "activities": len(proposed.activities),
                    "proposals": len(result.proposals),
                },
            )
        output = {
            "assignments": [
                {
                    "participant": participant_of[p.participant],
                    "activity": str(p.opportunity),
                    "score": float(p.score),
                    "explanation": list(p.explanation),
                }
                for p in result.proposals
            ],
            "unassigned": [participant_of[pk] for pk in result.unassigned],
            "total_score": float(result.total_score),
        }
        if options["format"] == "text":
            self.stdout.write(
                f"{len(result.proposals)} av {len(proposed.enrolments)} deltagare får ett förslag "
                f"i {len(proposed.activities)} aktiviteter."
            )
            for item in output["assignments"]:
                self.stdout.write(
                    f"  {item['participant']} → {item['activity']} ({item['score']}): "
                    + "; ".join(item["explanation"])
                )
        else:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
