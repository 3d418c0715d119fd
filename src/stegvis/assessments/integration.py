"""How assessments appear on the participant page, the timeline and the register extract, and
what is erased when a participant becomes anonymous."""

from __future__ import annotations

from stegvis.assessments import selectors
from stegvis.assessments.models import Assessment, StepRating
from stegvis.core import reference
from stegvis.participants import extract, hooks
from stegvis.participants import selectors as participant_selectors


def participant_section(participant, membership) -> dict | None:
    enrolments = participant_selectors.enrolments_of(participant, membership)
    if not enrolments:
        return None
    for enrolment in enrolments:
        enrolment.participant = participant
    priorities = selectors.priorities_for([e for e in enrolments if e.is_active])
    ids = [e.pk for e in enrolments]
    latest = selectors.latest_assessments(ids)
    charts = selectors.progress_charts(ids)
    items = []
    for enrolment in enrolments:
        items.append(
            {
                "enrolment": enrolment,
                "assessment": latest.get(enrolment.pk),
                "priority": priorities.get(enrolment.pk),
                "chart": charts[enrolment.pk],
            }
        )
    return {
        "id": "kartlaggning",
        "title": "Kartläggning och stegförflyttning",
        "template": "assessments/_participant_section.html",
        "items": items,
    }


def timeline_events(participant, membership):
    # The person's enrolments in scope (already read for the page), not a join per table.
    enrolments = participant_selectors.enrolments_of(participant, membership)
    names = {e.pk: e.intervention.name for e in enrolments}
    ids = list(names)
    events = []
    for a in selectors.assessments_of_enrolments(ids):
        events.append(
            participant_selectors.TimelineEvent(
                a.assessed_on,
                f"Kartläggning (version {a.version})",
                names[a.enrolment_id],
                "assessment",
            )
        )
    occasions: dict = {}
    ratings = sorted(
        selectors.ratings_of_enrolments(ids), key=lambda r: (r.dimension.position, r.pk)
    )
    for r in ratings:
        occasion = occasions.setdefault((r.rated_on, r.rater, r.enrolment_id), [])
        occasion.append(f"{r.dimension.label} {r.score}")
    raters = dict(StepRating.Rater.choices)
    for (day, rater, _), scores in occasions.items():
        events.append(
            participant_selectors.TimelineEvent(
                day,
                f"Stegförflyttning skattad ({raters[rater].lower()})",
                " · ".join(scores),
                "rating",
            )
        )
    return events


def _extract_assessments(participant, ids=None):
    labels = reference.labels(reference.Kind.EDUCATION_LEVEL)
    interests = selectors.interest_labels()
    items = []
    for a in extract.in_interventions(
        Assessment.objects.filter(enrolment__participant=participant), ids
    ).select_related("enrolment__intervention"):
        items.append(
            {
                "insats": a.enrolment.intervention.name,
                "version": a.version,
                "datum": a.assessed_on.isoformat(),
                "utbildning": [
                    ", ".join(
                        v
                        for v in (
                            labels.get(e.get("level", ""), e.get("level", "")),
                            e.get("field", ""),
                            e.get("country", ""),
                        )
                        if v
                    )
                    for e in a.education
                ],
                "arbetslivserfarenhet": [
                    f"{w.get('occupation', '')} ({w.get('years', '?')} år)"
                    for w in a.work_experience
                ],
                "kunskaper": a.skills,
                "körkort": a.get_driving_licence_display(),
                "svenska": a.get_swedish_level_display(),
                "andra_språk": [
                    f"{row.get('language', '')} ({row.get('level', '')})"
                    for row in a.other_languages
                ],
                "behov_språk": a.get_need_language_display(),
                "behov_hälsa": a.get_need_health_display(),
                "behov_nätverk": a.get_need_network_display(),
                "om_behoven": a.needs_note,
                "intressen": [interests.get(k, k) for k in a.interests],
                "hinder": a.obstacle_labels,
                "om_hindren": a.obstacles_note,
                "sammanfattning": a.summary,
            }
        )
    return "kartläggningar", items


def _extract_ratings(participant, ids=None):
    ratings = (
        extract.in_interventions(StepRating.objects.filter(enrolment__participant=participant), ids)
        .select_related("dimension", "enrolment__intervention")
        .order_by("rated_on", "dimension__position")
    )
    return "stegförflyttning", [
        {
            "insats": r.enrolment.intervention.name,
            "datum": r.rated_on.isoformat(),
            "område": r.dimension.label,
            "skattning": r.score,
            "skattad_av": r.get_rater_display(),
        }
        for r in ratings
    ]


@hooks.on_anonymise
def erase_free_text(participant) -> None:
    """Keep levels, needs and scores for statistics; erase the portfolio and all free text."""
    Assessment.objects.filter(enrolment__participant=participant).update(
        education=[],
        work_experience=[],
        skills="",
        other_languages=[],
        needs_note="",
        obstacles_note="",
        summary="",
    )


participant_selectors.PARTICIPANT_SECTIONS.append(
    participant_selectors.ParticipantTab(
        "kartlaggning", "Kartläggning", participant_section, order=10
    )
)
participant_selectors.TIMELINE_PROVIDERS.append(timeline_events)
extract.EXTRACT_SECTIONS.append(_extract_assessments)
extract.EXTRACT_SECTIONS.append(_extract_ratings)
