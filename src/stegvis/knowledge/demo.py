"""Demo: the interventions work with methods (so the ranking shows real figures), one good
example, start checklists in different states and one method's results published."""

from __future__ import annotations

from stegvis.activities.models import Activity, Category
from stegvis.knowledge import services
from stegvis.knowledge.models import Method, MethodActivity

INTERVENTION_METHODS = {
    "NAD-NO": ["MENTOR", "SPRAK-ARB"],
    "NAD-NV": ["MENTOR", "TREPART"],
    "NAD-SYD": ["SPRAK-ARB", "MI"],
    "NAD-MS": ["MENTOR"],
    "UTR-25": ["MI", "TREPART", "LF"],
    "SAMV-KOMP": ["LF", "MI"],
}

GOOD_EXAMPLE = (
    "NAD-NV",
    "Varje deltagare fick en mentor från en förening i Nordväst, och trepartssamtal med "
    "Arbetsförmedlingen och kommunen hölls inom två veckor från start. Båda resultatmålen "
    "nåddes, och nästan hälften av dem som avslutats gick till arbete eller studier.",
)


def seed(ctx) -> None:
    admin = ctx.users["admin"]
    lead = ctx.users["insatsledare"]
    methods = {m.code: m for m in Method.objects.all()}
    for code, method_codes in INTERVENTION_METHODS.items():
        intervention = ctx.interventions[code]
        manager = admin if code in ("UTR-25", "SAMV-KOMP") else lead
        services.intervention_methods_set(
            actor=manager.user,
            membership=manager,
            intervention=intervention,
            methods=[methods[c] for c in method_codes],
        )
    # Language activities work with language training; the rest with mentors and guides.
    for activity in Activity.objects.all():
        code = "SPRAK-ARB" if activity.category == Category.LANGUAGE else "MENTOR"
        MethodActivity.objects.create(method=methods[code], activity=activity)

    code, text = GOOD_EXAMPLE
    services.good_example_mark(
        actor=lead.user, membership=lead, intervention=ctx.interventions[code], text=text
    )

    # UTR-25 started after settling everything; NAD-MS still has open points.
    utr = ctx.interventions["UTR-25"]
    services.checklist_save(
        actor=admin.user,
        membership=admin,
        intervention=utr,
        target_group=utr.target_group,
        eligibility="Anvisas av socialtjänsten i Kristianstad efter gemensam bedömning med AF.",
        authority_roles="Kommunen: två handläggare och lokal. AF: en arbetsförmedlare 50 %. "
        "Förbundet: projektledning och uppföljning.",
        followup_plan="Avslutsorsak och sysselsättning 6 och 12 månader efter avslut; "
        "stegförflyttning varje kvartal.",
        comparison_group="Anvisade som stod i kö när insatsen var full (väntelistan).",
        implementation_plan="Arbetssättet förs in i kommunens arbetsmarknadsenhet från 2027, "
        "beslut i styrgruppen hösten 2026.",
    )
    services.intervention_start(actor=admin.user, membership=admin, intervention=utr)
    ms = ctx.interventions["NAD-MS"]
    services.checklist_save(
        actor=lead.user,
        membership=lead,
        intervention=ms,
        target_group=ms.target_group,
        eligibility="Nyanlända i Mellanskåne, anvisade av Arbetsförmedlingen.",
        authority_roles="",
        followup_plan="",
        comparison_group="",
        implementation_plan="",
    )


def seed_last(ctx) -> None:
    """Publishing comes last, so the published figures hold every app's results."""
    admin = ctx.users["admin"]
    method = Method.objects.get(code="MI")
    services.method_publish(actor=admin.user, membership=admin, method=method)
