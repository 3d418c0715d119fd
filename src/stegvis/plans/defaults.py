"""The plan templates a federation starts with, and the plain-text form used to edit them."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# The five-step path from the seed "Utrikesfödda" (SPEC §5).
FIVE_STEP_KEY = "fem-steg"
FIVE_STEP = {
    "key": FIVE_STEP_KEY,
    "name": "Fem steg mot arbete",
    "description": "Kompetensportfölj → vilka yrken → behövs mer kompetens? → CV och ansökan "
    "→ arbete eller praktik.",
    "goals": [
        {
            "title": "Kompetensportfölj",
            "description": "Samla utbildning, arbetslivserfarenhet och kunskaper, "
            "också från hemlandet.",
            "weeks": 4,
            "actions": [
                {
                    "what": "Gå igenom utbildning och arbetslivserfarenhet",
                    "weeks": 2,
                    "who": "main_contact",
                },
                {"what": "Samla betyg, intyg och referenser", "weeks": 4, "who": "participant"},
            ],
        },
        {
            "title": "Vilka yrken?",
            "description": "Ta reda på vilka yrken som passar utifrån kompetens och intressen.",
            "weeks": 8,
            "actions": [
                {
                    "what": "Yrkesvägledning och studiebesök på arbetsplatser",
                    "weeks": 6,
                    "who": "main_contact",
                },
                {
                    "what": "Välja två eller tre yrken att gå vidare med",
                    "weeks": 8,
                    "who": "participant",
                },
            ],
        },
        {
            "title": "Behövs mer kompetens?",
            "description": "Jämför kraven i de valda yrkena med kompetensportföljen: "
            "utbildning, svenska eller validering.",
            "weeks": 12,
            "actions": [
                {
                    "what": "Jämföra yrkenas krav med kompetensportföljen",
                    "weeks": 10,
                    "who": "main_contact",
                },
                {
                    "what": "Söka utbildning, yrkessvenska eller validering vid behov",
                    "weeks": 12,
                    "who": "participant",
                },
            ],
        },
        {
            "title": "CV och ansökan",
            "description": "Ett CV och ansökningar på svenska, och träning inför intervjuer.",
            "weeks": 16,
            "actions": [
                {"what": "Skriva CV och personligt brev", "weeks": 14, "who": "participant"},
                {"what": "Öva på anställningsintervju", "weeks": 16, "who": "main_contact"},
            ],
        },
        {
            "title": "Arbete eller praktik",
            "description": "Söka och få arbete eller praktik, med stöd den första tiden.",
            "weeks": 24,
            "actions": [
                {"what": "Söka praktik eller arbete", "weeks": 20, "who": "participant"},
                {
                    "what": "Kontakta arbetsgivare och följa upp på arbetsplatsen",
                    "weeks": 24,
                    "who": "main_contact",
                },
            ],
        },
    ],
}

DEFAULT_TEMPLATES = [FIVE_STEP]

WHO_WORDS = {"participant": "deltagaren", "main_contact": "huvudkontakt", "": ""}
WORD_WHO = {v: k for k, v in WHO_WORDS.items()}


def goals_to_text(goals: list[dict]) -> str:
    """One line per goal ("Mål | veckor | beskrivning"), actions below ("- Vad | veckor | vem")."""
    lines = []
    for goal in goals:
        lines.append(
            " | ".join([goal["title"], str(goal.get("weeks", "")), goal.get("description", "")])
        )
        for action in goal.get("actions", []):
            who = WHO_WORDS.get(action.get("who", ""), "")
            lines.append(f"- {action['what']} | {action.get('weeks', '')} | {who}")
    return "\n".join(lines)


def _weeks(text: str, line_no: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 520:
        raise ValidationError(f"Rad {line_no}: antal veckor ska vara ett heltal (0–520).")
    return int(text)


def goals_from_text(text: str) -> list[dict]:
    goals: list[dict] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("-"):
            if not goals:
                raise ValidationError(f"Rad {line_no}: en åtgärd måste stå under ett mål.")
            parts = [p.strip() for p in line[1:].split("|")] + ["", ""]
            who = parts[2].lower()
            if who not in WORD_WHO:
                raise ValidationError(
                    f"Rad {line_no}: vem ska vara ”deltagaren”, ”huvudkontakt” eller tomt."
                )
            if not parts[0]:
                raise ValidationError(f"Rad {line_no}: skriv vad som ska göras.")
            goals[-1]["actions"].append(
                {"what": parts[0], "weeks": _weeks(parts[1], line_no), "who": WORD_WHO[who]}
            )
        else:
            parts = [p.strip() for p in line.split("|", 2)] + ["", ""]
            goals.append(
                {
                    "title": parts[0],
                    "weeks": _weeks(parts[1], line_no),
                    "description": parts[2],
                    "actions": [],
                }
            )
    if not goals:
        raise ValidationError("Mallen behöver minst ett mål.")
    return goals
