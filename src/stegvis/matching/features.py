"""Turn database rows into the engine's features (the Django side of matching).

What stegvis knows today: the participant's languages, interpreter need, municipality and
gender; the activity's triad benefits, category, languages, place, schedule and gender
restriction. Needs, interests and availability come from assessments when they exist: apps
register a function in ``PARTICIPANT_FEATURE_PROVIDERS`` that returns overrides for
``ParticipantFeatures`` fields (e.g. ``{"needs": {...}, "interests": frozenset(...)}``).

Until then, an enrolment in an NAD intervention carries the target group's needs as AF describes
them in step 1 of the routine (``NAD_DEFAULT_NEEDS``): Swedish practice and a network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from stegvis.activities.models import Activity, Category, Mentor, Placement, Session
from stegvis.core.models import Hub
from stegvis.matching.scoring import OpportunityFeatures, ParticipantFeatures
from stegvis.participants.models import Enrolment

NAD_DEFAULT_NEEDS = {"language": 1, "network": 1}
SWEDISH = "svenska"
WEEKDAYS_SV = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]

# function(enrolment) -> dict of ParticipantFeatures fields to override (or {}).
PARTICIPANT_FEATURE_PROVIDERS: list[Callable[[Enrolment], dict]] = []


def _hub_of_municipality() -> dict[str, str]:
    mapping = {}
    for hub in Hub.objects.all():
        for municipality in hub.municipalities or []:
            mapping[municipality.casefold()] = hub.slug
    return mapping


def participant_features(
    enrolments: Iterable[Enrolment],
) -> dict[int, ParticipantFeatures]:
    hubs = _hub_of_municipality()
    features = {}
    for enrolment in enrolments:
        person = enrolment.participant
        languages = {lang.strip().casefold() for lang in person.languages or [] if lang.strip()}
        if not person.interpreter_needed:
            # Someone who manages without an interpreter can follow an activity in Swedish.
            languages.add(SWEDISH)
        if person.interpreter_language:
            languages.add(person.interpreter_language.casefold())
        hub = hubs.get(person.municipality.casefold(), "") if person.municipality else ""
        if not hub and enrolment.intervention.hub_id:
            hub = enrolment.intervention.hub.slug
        value = ParticipantFeatures(
            needs=dict(NAD_DEFAULT_NEEDS),
            languages=frozenset(languages),
            municipality=person.municipality,
            hub=hub,
            gender=person.gender if person.gender in ("kvinna", "man") else "",
        )
        for provider in PARTICIPANT_FEATURE_PROVIDERS:
            overrides = provider(enrolment) or {}
            if overrides:
                value = dataclasses.replace(value, **overrides)
        features[enrolment.pk] = value
    return features


def slot(session: Session) -> str:
    """A weekday and part of day, e.g. ``"tis-em"``: fm before 12, em before 17, kv after."""
    part = "fm"
    if session.start_time is not None:
        hour = session.start_time.hour
        part = "fm" if hour < 12 else "em" if hour < 17 else "kv"
    return f"{WEEKDAYS_SV[session.date.weekday()]}-{part}"


def activity_features(
    activities: Iterable[Activity], *, from_date
) -> dict[int, OpportunityFeatures]:
    activities = list(activities)
    schedules: dict[int, set[str]] = {a.pk: set() for a in activities}
    for session in Session.objects.filter(
        activity__in=activities, cancelled=False, date__gte=from_date
    ):
        schedules[session.activity_id].add(slot(session))
    features = {}
    for activity in activities:
        serves = {
            area
            for flag, area in (
                (activity.serves_language, "language"),
                (activity.serves_health, "health"),
                (activity.serves_network, "network"),
            )
            if flag
        }
        features[activity.pk] = OpportunityFeatures(
            serves=frozenset(serves),
            topics=frozenset({activity.get_category_display()}),
            languages=frozenset(lang.casefold() for lang in activity.languages or []),
            municipality=activity.municipality,
            hub=activity.hub.slug if activity.hub_id else "",
            schedule=frozenset(schedules[activity.pk]),
            gender=activity.gender_restriction,
        )
    return features


# A workplace and a mentor both build Swedish and a network (NAD's language and network needs).
WORKPLACE_SERVES = frozenset({"language", "network"})


def placement_features(placements: Iterable[Placement]) -> dict[int, OpportunityFeatures]:
    """A placement: its sector against interests, the languages spoken at the workplace (one
    must be shared: no interpreter at work), and where it is."""
    features = {}
    for placement in placements:
        features[placement.pk] = OpportunityFeatures(
            serves=WORKPLACE_SERVES,
            topics=frozenset({placement.get_sector_display()}) if placement.sector else frozenset(),
            languages=frozenset(lang.casefold() for lang in placement.languages or []),
            municipality=placement.municipality,
            hub=placement.hub.slug if placement.hub_id else "",
        )
    return features


def placement_notes(placement: Placement) -> tuple[str, ...]:
    """Explanation lines that do not change the score: who and what to check with the employer."""
    notes = [f"Arbetsgivare: {placement.employer}"]
    if placement.sector:
        notes.append(f"Bransch: {placement.get_sector_display()}")
    notes.extend(f"Krav att stämma av: {req}" for req in placement.requirements or [])
    return tuple(notes)


def mentor_features(mentors: Iterable[Mentor]) -> dict[int, OpportunityFeatures]:
    """A mentor: interests as topics, languages (one must be shared), days to meet."""
    labels = dict(Category.choices)
    features = {}
    for mentor in mentors:
        features[mentor.pk] = OpportunityFeatures(
            serves=WORKPLACE_SERVES,
            topics=frozenset(labels.get(i, i) for i in mentor.interests or []),
            languages=frozenset(lang.casefold() for lang in mentor.languages or []),
            municipality=mentor.municipality,
            hub=mentor.hub.slug if mentor.hub_id else "",
            meeting_days=frozenset(
                WEEKDAYS_SV[d] for d in mentor.availability or [] if 0 <= d < len(WEEKDAYS_SV)
            ),
        )
    return features
