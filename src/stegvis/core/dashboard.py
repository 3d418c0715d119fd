"""What each role sees first. Later apps add their own panels to ``PANELS``."""

from __future__ import annotations

from collections.abc import Callable

from stegvis.core.counting import counts
from stegvis.core.models import Association, Authority, Hub, Membership
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention

ROLE_INTRO = {
    "federation_admin": "Du administrerar förbundet: organisationer, användare, insatser och logg.",
    "intervention_lead": (
        "Du leder insatser: budget, mål och rapporter. Du ser inga personuppgifter."
    ),
    "case_worker": "Du arbetar med deltagarna i dina insatser.",
    "association_coordinator": "Du utforskar föreningar och planerar aktiviteter med dem.",
    "association_leader": "Du registrerar närvaro för din förenings aktiviteter.",
    "steering": "Du följer förbundets resultat på övergripande nivå.",
    "evaluator": "Du följer upp och utvärderar med sammanställda siffror.",
    "referrer": "Du anvisar personer till förbundets insatser och ser besluten om dem.",
}

# Each panel is (permission or None, function(request) -> dict with "title" and "template", or
# None to show nothing). Apps add theirs in their ``dashboard`` module, imported by their
# AppConfig.ready().
PANELS: list[tuple[str | None, Callable]] = []


def _federation_figures(request) -> dict:
    figures = counts(  # one query for the five figures
        authorities=Authority.objects.all(),
        hubs=Hub.objects.all(),
        associations=Association.objects.filter(active=True),
        interventions=Intervention.objects.all(),
        members=Membership.objects.filter(is_active=True),
    )
    return {
        "title": "Förbundet i siffror",
        "template": "core/_panel_figures.html",
        "figures": [
            ("Huvudmän", figures["authorities"]),
            ("Knutpunkter", figures["hubs"]),
            ("Föreningar", figures["associations"]),
            ("Insatser", figures["interventions"]),
            ("Medarbetare", figures["members"]),
        ],
    }


PANELS.append((Perm.VIEW_DIRECTORY, _federation_figures))


def dashboard_context(request) -> dict:
    membership = request.membership
    built = [build(request) for perm, build in PANELS if perm is None or membership.has_perm(perm)]
    panels = [panel for panel in built if panel]
    return {"intro": ROLE_INTRO.get(membership.role, ""), "panels": panels}
