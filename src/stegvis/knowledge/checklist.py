"""The start checklist's items and rules (the good-examples report's questions to settle
"inför projektstart"): which points are open, and which of them make a start an explicit
decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from stegvis.interventions.models import Intervention


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    question: str
    done: bool
    # Starting with this item open needs a logged decision with a reason.
    required: bool = False


def items(intervention: Intervention, checklist) -> list[Item]:
    has_goals = intervention.goals.exists()
    return [
        Item(
            "target_group",
            "Målgrupp och villkor",
            "Vilka är insatsen till för, och hur anvisas de?",
            bool(intervention.target_group.strip() and checklist.eligibility.strip()),
        ),
        Item(
            "goals",
            "Mätbara resultatmål",
            "Vad ska insatsen uppnå, i tal som kan följas upp (t.ex. andel till arbete eller "
            "studier inom 12 månader)?",
            has_goals,
            required=True,
        ),
        Item(
            "authority_roles",
            "Huvudmännens roller och resurser",
            "Vad bidrar varje huvudman med, och vem beslutar vad?",
            bool(checklist.authority_roles.strip()),
        ),
        Item(
            "followup",
            "Uppföljning och jämförelsegrupp",
            "Hur följs resultat och effekter upp, och mot vilken jämförelsegrupp?",
            bool(checklist.followup_plan.strip() and checklist.comparison_group.strip()),
            required=True,
        ),
        Item(
            "implementation",
            "Plan för implementering",
            "Hur blir arbetssättet ordinarie verksamhet om det fungerar?",
            bool(checklist.implementation_plan.strip()),
        ),
    ]


def blocking_items(intervention: Intervention, checklist) -> list[Item]:
    """Open items that make starting an explicit decision (goals, follow-up plan)."""
    return [item for item in items(intervention, checklist) if item.required and not item.done]


def checklist_url(intervention: Intervention) -> str:
    """Where the intervention-create view sends the user next: the start checklist."""
    return reverse("knowledge:checklist", args=[intervention.federation.slug, intervention.code])
