"""Survey change as a result of the knowledge bank's methods (SPEC §9).

For the enrolments of the method's interventions (active in the period), the participant
questionnaire's scale questions answered both at start and at exit by the same person (the
latest answer per occasion): each person's mean change over the questions answered both times,
and the mean over people with its 95 % t interval (SciPy). In scale steps (1–5); positive is
better on every question of the questionnaire. Only answers through personal links count.
"""

from __future__ import annotations

import statistics

from stegvis.knowledge.results import RESULT_SOURCES, Figure, ResultSource
from stegvis.reports import filters as f
from stegvis.surveys.defaults import PARTICIPANT
from stegvis.surveys.models import Answer, Occasion, Question

KEY = "survey"
SURVEY_CODE = PARTICIPANT["code"]


def changes(enrolments) -> list[float]:
    """Per person (enrolment) with answers at both start and exit: the mean change."""
    rows = (
        Answer.objects.filter(
            question__survey__code=SURVEY_CODE,
            question__kind=Question.Kind.SCALE,
            number__isnull=False,
            response__enrolment__in=enrolments,
            response__occasion__in=[Occasion.START, Occasion.EXIT],
        )
        .order_by("response__answered_on", "response_id")
        .values_list("response__enrolment_id", "response__occasion", "question__key", "number")
    )
    latest: dict[tuple[int, str], dict[str, int]] = {}
    for enrolment, occasion, question, number in rows.iterator():
        latest.setdefault((enrolment, occasion), {})[question] = number
    result = []
    for (enrolment, occasion), before in latest.items():
        if occasion != Occasion.START:
            continue
        after = latest.get((enrolment, Occasion.EXIT))
        common = sorted(set(before) & set(after or {}))
        if common:
            result.append(statistics.fmean(after[q] - before[q] for q in common))
    return result


def survey_figure(interventions: list, filters) -> Figure | None:
    enrolments = f.active_in_period(f.enrolments(filters), filters)
    values = changes(enrolments)
    if not values:
        return None
    mean = round(statistics.fmean(values), 2)
    if len(values) < 2 or min(values) == max(values):
        return Figure(mean, len(values), unit="steg")
    from scipy import stats  # imported here: SciPy is slow to load at start-up

    low, high = stats.ttest_1samp(values, 0.0).confidence_interval(0.95)
    return Figure(mean, len(values), round(float(low), 2), round(float(high), 2), unit="steg")


if not any(source.key == KEY for source in RESULT_SOURCES):
    RESULT_SOURCES.append(ResultSource(KEY, "Förändring i enkät (steg)", survey_figure))
