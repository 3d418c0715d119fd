"""``stegvis match --federation SLUG [--hub SLUG] --format json``: propose places in NAD
activities for participants who have none yet, from the database.

Participants: active enrolments in interventions that finance activities, without an active
place. Activities: approved, with sessions still to come and free places (capacity is the free
places). Output, the same shape as ``match-file`` with each assignment's explanation::

    {"assignments": [{"participant": "12", "activity": "3", "score": 4.0,
                      "explanation": ["Behov: språk (+1,5)", ...]}, ...],
     "unassigned": ["15", ...], "total_score": 4.0}

Placements and mentors are matched in the same round (one proposal per kind and person). With
``--kinds`` they are listed too, apart so the activity assignments keep their shape:
``"placement_assignments"`` with ``"placement"`` and ``"mentor_assignments"`` with ``"mentor"``
instead of ``"activity"``. ``unassigned`` and ``total_score`` concern the activity assignments.

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
        parser.add_argument(
            "--kinds",
            action="store_true",
            help="Visa även förslag på praktik/arbetsträning och mentorer.",
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
                    "placements": len(proposed.placements),
                    "mentors": len(proposed.mentors),
                    "proposals": len(result.proposals),
                },
            )
        activity_proposals = proposed.of_kind("activity")
        offered = {p.participant for p in activity_proposals}

        def listing(proposals, key):
            return [
                {
                    "participant": participant_of[p.participant],
                    key: str(p.opportunity),
                    "score": float(p.score),
                    "explanation": list(p.explanation),
                }
                for p in proposals
            ]

        output = {
            "assignments": listing(activity_proposals, "activity"),
            "unassigned": [
                participant_of[pk]
                for pk in proposed.enrolments
                if pk in proposed.waiting and pk not in offered
            ],
            "total_score": float(sum(p.score for p in activity_proposals)),
        }
        if options["kinds"]:
            output["placement_assignments"] = listing(proposed.of_kind("placement"), "placement")
            output["mentor_assignments"] = listing(proposed.of_kind("mentor"), "mentor")
        if options["format"] == "text":
            self.stdout.write(
                f"{len(activity_proposals)} av {len(proposed.waiting)} deltagare får ett förslag "
                f"i {len(proposed.activities)} aktiviteter."
            )
            if options["kinds"]:
                self.stdout.write(
                    f"{len(output['placement_assignments'])} förslag på praktik och "
                    f"{len(output['mentor_assignments'])} på mentor."
                )
            for key, items in (
                ("activity", output["assignments"]),
                ("placement", output.get("placement_assignments", [])),
                ("mentor", output.get("mentor_assignments", [])),
            ):
                for item in items:
                    self.stdout.write(
                        f"  {item['participant']} → {key} {item[key]} ({item['score']}): "
                        + "; ".join(item["explanation"])
                    )
        else:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
