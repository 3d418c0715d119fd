"""The plan as a PDF the participant takes home: plain Swedish, addressed to them.

It holds what the participant has agreed to and should see: goals, actions, who does what and
when, their own words, the next follow-up and their contact. Never the personnummer, meeting
notes, the assessment or the priority score. For an anonymous or protected person only the
neutral reference (D-000123) is printed.
"""

from __future__ import annotations

from datetime import date

from stegvis.core import pdf
from stegvis.plans.models import Plan
from stegvis.plans.selectors import goal_actions, meetings_of


def _d(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "–"


def printed_name(participant) -> str:
    if participant.is_anonymous or participant.protected_identity:
        return participant.reference
    return participant.display_name


def plan_pdf(plan: Plan, *, federation_name: str, today: date) -> bytes:
    enrolment = plan.enrolment
    participant = enrolment.participant
    contact = enrolment.main_contact
    blocks: list = [
        pdf.Paragraph(
            "Det här är din plan. Den visar dina mål, vad som ska göras, vem som gör det och "
            "när. Ni har gjort den tillsammans, och du kan alltid be om att ändra den."
        ),
        pdf.KeyValues(
            [
                ("Namn", printed_name(participant)),
                ("Insats", enrolment.intervention.name),
                (
                    "Din kontaktperson",
                    ", ".join(
                        v
                        for v in (
                            contact.user.display_name() if contact else "",
                            contact.organisation_name if contact else "",
                            contact.user.phone if contact else "",
                        )
                        if v
                    )
                    or "–",
                ),
                ("Planen gjordes", _d(plan.agreed_on or plan.created_at.date())),
                ("Nästa uppföljning", _d(plan.next_follow_up)),
            ]
        ),
    ]
    if plan.participant_words:
        blocks += [pdf.Heading("Med dina egna ord"), pdf.Paragraph(plan.participant_words)]
    if plan.participant_goals:
        blocks += [pdf.Heading("Dina egna mål"), pdf.Paragraph(plan.participant_goals)]
    blocks.append(pdf.Heading("Mål och vad som ska göras"))
    grouped = goal_actions(plan)
    if not grouped:
        blocks.append(pdf.Paragraph("Planen har inga mål än."))
    for number, (goal, actions) in enumerate(grouped, start=1):
        if goal is not None:
            blocks.append(pdf.Heading(f"{number}. {goal.title}", level=3))
            line = f"Klart senast: {_d(goal.target_date)}. Läge: {goal.get_status_display()}."
            if goal.description:
                line = f"{goal.description}\n{line}"
            blocks.append(pdf.Paragraph(line))
        else:
            blocks.append(pdf.Heading("Övrigt", level=3))
        if actions:
            blocks.append(
                pdf.Table(
                    header=["Vad", "Vem", "När", "Läge"],
                    rows=[
                        [
                            a.what,
                            a.who(participant_word="Du själv"),
                            _d(a.due_date),
                            a.get_status_display(),
                        ]
                        for a in actions
                    ],
                    widths=[0.42, 0.3, 0.14, 0.14],
                )
            )
    upcoming = [m for m in meetings_of(enrolment) if m.held_on >= today]
    if upcoming:
        blocks.append(pdf.Heading("Kommande möten"))
        blocks.append(
            pdf.Table(
                header=["Datum", "Möte"],
                rows=[[_d(m.held_on), m.get_kind_display()] for m in reversed(upcoming)],
                widths=[0.25, 0.75],
            )
        )
    return pdf.render_pdf(
        title="Min plan",
        subtitle=f"{federation_name} · utskriven {today:%Y-%m-%d} · version {plan.version}",
        blocks=blocks,
        footer="Planen är utskriven från stegvis. Hör av dig till din kontaktperson om något "
        "är fel eller om du vill ändra något.",
    )
