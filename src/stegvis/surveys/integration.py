"""How survey answers appear on the participant page, in the timeline and in the register
extract, and what is erased when a participant becomes anonymous (purge)."""

from __future__ import annotations

from stegvis.participants import extract, hooks
from stegvis.participants import selectors as participant_selectors
from stegvis.surveys import selectors
from stegvis.surveys.models import LANGUAGES, Answer, Invitation, Question, Response

# The languages participants are registered with (Swedish names), as survey language codes.
LANGUAGE_CODES = {
    "arabiska": "ar",
    "dari": "prs",
    "persiska": "prs",
    "somaliska": "so",
    "tigrinja": "ti",
    "engelska": "en",
    "ukrainska": "uk",
}


def _language(participant) -> str:
    """The first of the person's languages a questionnaire speaks, else Swedish."""
    for language in participant.languages or []:
        code = LANGUAGE_CODES.get(str(language).lower())
        if code:
            return code
    return "sv"


def answer_text(answer: Answer, texts: dict[str, str]) -> str:
    """One answer in words (Swedish), for staff."""
    q = answer.question
    if q.kind == Question.Kind.SCALE and answer.number is not None:
        return f"{answer.number} av {q.scale_max}"
    if q.kind == Question.Kind.YES_NO and answer.number is not None:
        return "Ja" if answer.number else "Nej"
    if answer.choices:
        return ", ".join(texts.get(f"o.{q.key}.{v}", v) for v in answer.choices)
    return answer.text


def _described(responses: list[Response]) -> list[dict]:
    wordings: dict[int, dict[str, str]] = {}
    items = []
    for response in responses:
        if response.survey_id not in wordings:
            wordings[response.survey_id] = selectors.wording(response.survey, "sv")
        texts = wordings[response.survey_id]
        items.append(
            {
                "response": response,
                "title": texts.get("title", response.survey.code),
                "language": LANGUAGES.get(response.language, response.language).lower(),
                "answers": [
                    {"question": texts.get(f"q.{a.question.key}", a.question.key), "answer": t}
                    for a in sorted(response.answers.all(), key=lambda a: a.question.position)
                    if (t := answer_text(a, texts))
                ],
            }
        )
    return items


def participant_section(participant, membership) -> dict | None:
    responses = selectors.answers_of_participant(membership=membership, participant=participant)
    if not participant_selectors.enrolments_of(participant, membership) and not responses:
        return None
    from stegvis.surveys.forms import PageLinkForm, PersonalLinkForm

    surveys = selectors.participant_surveys()
    invitations = [
        i
        for i in selectors.invitations_of_participant(
            membership=membership, participant=participant
        )
        if i.is_open()
    ]
    language = _language(participant)
    return {
        "link_form": PersonalLinkForm(surveys=surveys, initial={"language": language}),
        "page_form": PageLinkForm(initial={"language": language}),
        "id": "enkater",
        "participant_id": participant.pk,
        "title": "Enkätsvar",
        "template": "surveys/_participant_section.html",
        "items": _described(list(reversed(responses))),
        "open_invitations": invitations,
    }


def timeline_events(participant, membership):
    responses = selectors.answers_of_participant(membership=membership, participant=participant)
    events = []
    labels: dict[str, str] | None = None
    for item in _described(responses):
        response = item["response"]
        scored = [
            a
            for a in sorted(response.answers.all(), key=lambda a: a.question.position)
            if a.question.kind == Question.Kind.SCALE and a.number is not None
        ]
        if scored and labels is None:
            from stegvis.assessments.selectors import dimension_labels

            labels = dimension_labels()
        # "Svenska 2 av 5": the step-by-step area a question measures, else its number.
        scales = [
            f"{(labels or {}).get(a.question.dimension_key) or f'Fråga {a.question.position}'} "
            f"{a.number} av {a.question.scale_max}"
            for a in scored
        ]
        occasion = response.get_occasion_display().lower() if response.occasion else ""
        events.append(
            participant_selectors.TimelineEvent(
                response.answered_on,
                f"Enkät besvarad: {item['title']}" + (f" ({occasion})" if occasion else ""),
                " · ".join(scales),
                "survey",
            )
        )
    return events


def _extract_answers(participant, ids=None):
    responses = Response.objects.filter(participant=participant)
    if ids is not None:
        # The page's scope: answers given in the interventions the viewer sees.
        responses = responses.filter(enrolment__intervention_id__in=ids)
    responses = list(
        responses.select_related("survey")
        .prefetch_related("answers__question")
        .order_by("answered_on", "id")
    )
    return "enkätsvar", [
        {
            "enkät": item["title"],
            "version": item["response"].survey.version,
            "datum": item["response"].answered_on.isoformat(),
            "tillfälle": item["response"].get_occasion_display(),
            "språk": item["response"].language,
            "svar": {a["question"]: a["answer"] for a in item["answers"]},
        }
        for item in _described(responses)
    ]


@hooks.on_anonymise
def erase_answers(participant) -> None:
    """Keep the numbers for statistics; erase free text and close the person's open links."""
    Answer.objects.filter(response__participant=participant).exclude(text="").update(text="")
    from django.utils import timezone

    Invitation.objects.filter(participant=participant, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


participant_selectors.PARTICIPANT_SECTIONS.append(
    participant_selectors.ParticipantTab("enkater", "Enkätsvar", participant_section, order=40)
)
participant_selectors.TIMELINE_PROVIDERS.append(timeline_events)
extract.EXTRACT_SECTIONS.append(_extract_answers)
