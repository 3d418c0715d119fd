"""Reads of assessments, ratings, priorities and distance travelled.

Personal data is only reached through an enrolment the viewer may see
(``participants.selectors.enrolment_get``, which checks the role and logs the read). The
distance-travelled selector returns aggregates only and is what reports and the roles without
personal data use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from stegvis.assessments import chart, risk, services
from stegvis.assessments.models import Assessment, InterestOption, ProgressDimension, StepRating
from stegvis.assessments.progress import DimensionDistance, Rating, distance_travelled
from stegvis.core import reference
from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import require_personal_data
from stegvis.participants.models import Enrolment

# --- Several enrolments' rows, read once per request -------------------------------------------


@memoized(lambda enrolment_ids: (tuple(enrolment_ids),))
def assessments_of_enrolments(enrolment_ids) -> tuple[Assessment, ...]:
    """Every assessment version of the enrolments, oldest version first. The participant page's
    section, its priority flags and its timeline share one read."""
    return tuple(Assessment.objects.filter(enrolment_id__in=enrolment_ids).order_by("version"))


def latest_assessments(enrolment_ids) -> dict[int, Assessment]:
    return {a.enrolment_id: a for a in assessments_of_enrolments(enrolment_ids)}


@memoized(lambda enrolment_ids: (tuple(enrolment_ids),))
def ratings_of_enrolments(enrolment_ids) -> tuple[StepRating, ...]:
    """Every step rating of the enrolments with its dimension, oldest first."""
    return tuple(
        StepRating.objects.filter(enrolment_id__in=enrolment_ids)
        .select_related("dimension")
        .order_by("rated_on", "id")
    )


# --- One enrolment ---------------------------------------------------------------------------


def assessment_get(*, membership: Membership, pk: int) -> Assessment:
    """One assessment version, 404 outside the viewer's scope; the read is logged."""
    require_personal_data(membership)
    assessment = get_object_or_404(Assessment.objects.all(), pk=pk)
    assessment.enrolment = participant_selectors.enrolment_get(
        membership=membership, pk=assessment.enrolment_id
    )
    return assessment


def assessments_in_scope(
    *, membership: Membership, enrolment_id: int | None = None, intervention_id: int | None = None
) -> QuerySet[Assessment]:
    """Assessment versions of enrolments in the viewer's interventions, newest first. Unread:
    the caller logs the participants it shows."""
    require_personal_data(membership)
    qs = Assessment.objects.filter(
        enrolment__in=participant_selectors.enrolments_in_scope(membership)
    )
    if enrolment_id:
        qs = qs.filter(enrolment_id=enrolment_id)
    if intervention_id:
        qs = qs.filter(enrolment__intervention_id=intervention_id)
    return qs.select_related("enrolment__participant").order_by("-assessed_on", "-version", "-id")


def assessments_of(enrolment: Enrolment) -> list[Assessment]:
    """All versions, newest first."""
    return list(
        Assessment.objects.filter(enrolment=enrolment)
        .select_related("created_by")
        .order_by("-version")
    )


def latest_assessment(enrolment: Enrolment) -> Assessment | None:
    return Assessment.objects.filter(enrolment=enrolment).order_by("-version").first()


def present(assessment: Assessment) -> Assessment:
    """Attach display labels (education levels, interests, language levels) for templates."""
    from stegvis.assessments.models import LanguageLevel

    levels = reference.labels(reference.Kind.EDUCATION_LEVEL)
    interests = interest_labels()
    language_levels = dict(LanguageLevel.choices)
    assessment.education_rows = [
        {**row, "level_label": levels.get(row.get("level", ""), row.get("level", ""))}
        for row in assessment.education
    ]
    assessment.language_rows = [
        {**row, "level_label": language_levels.get(row.get("level", ""), "–")}
        for row in assessment.other_languages
    ]
    assessment.interest_names = [interests.get(k, k) for k in assessment.interests]
    return assessment


def interest_choices(*, include: Iterable[str] = ()) -> list:
    """Grouped choices for a form: active interests, plus any already chosen ones."""
    include = set(include)
    groups: dict[str, list[tuple[str, str]]] = {}
    for option in services.ensure_interests():
        if option.active or option.key in include:
            groups.setdefault(option.group or "Övrigt", []).append((option.key, option.label))
    return list(groups.items())


def interest_labels() -> dict[str, str]:
    return {o.key: o.label for o in InterestOption.objects.all()}


def dimensions(*, active_only: bool = True) -> list[ProgressDimension]:
    items = services.ensure_dimensions()
    return [d for d in items if d.active or not active_only]


def dimension_labels() -> dict[str, str]:
    """key -> label for every dimension, in the federation's order (for reports)."""
    return {d.key: d.label for d in dimensions(active_only=False)}


def ratings_of(enrolment: Enrolment) -> list[StepRating]:
    return list(
        StepRating.objects.filter(enrolment=enrolment)
        .select_related("dimension")
        .order_by("rated_on", "dimension__position", "id")
    )


def rating_occasions(enrolment: Enrolment, dims: list[ProgressDimension]) -> list[dict]:
    """Ratings grouped by day and rater, newest first; ``cells`` follow ``dims``."""
    occasions: dict[tuple[date, str], dict] = {}
    for rating in ratings_of(enrolment):
        key = (rating.rated_on, rating.rater)
        occasion = occasions.setdefault(
            key,
            {"rated_on": rating.rated_on, "rater": rating.get_rater_display(), "scores": {}},
        )
        occasion["scores"][rating.dimension_id] = rating.score
    for occasion in occasions.values():
        occasion["cells"] = [occasion["scores"].get(d.pk, "") for d in dims]
    return sorted(occasions.values(), key=lambda o: (o["rated_on"], o["rater"]), reverse=True)


def progress_chart(enrolment: Enrolment, *, rater: str = StepRating.Rater.STAFF) -> dict:
    """The SVG and a legend for the participant page; empty SVG when nothing is rated."""
    return progress_charts([enrolment.pk], rater=rater)[enrolment.pk]


def progress_charts(
    enrolment_ids: list[int], *, rater: str = StepRating.Rater.STAFF
) -> dict[int, dict]:
    """:func:`progress_chart` for several enrolments in one query."""
    dims = dimensions(active_only=False)
    by_enrolment: dict[int, dict[int, list[tuple[date, int]]]] = {
        pk: {d.pk: [] for d in dims} for pk in enrolment_ids
    }
    for rating in ratings_of_enrolments(enrolment_ids):
        if rating.rater != rater:
            continue
        by_dim = by_enrolment[rating.enrolment_id]
        by_dim.setdefault(rating.dimension_id, []).append((rating.rated_on, rating.score))
    title = (
        "Stegförflyttning enligt personalens skattning"
        if rater == StepRating.Rater.STAFF
        else "Stegförflyttning enligt deltagarens egen skattning"
    )
    charts = {}
    for pk, by_dim in by_enrolment.items():
        series = [chart.Series(d.label, by_dim[d.pk]) for d in dims if by_dim.get(d.pk)]
        charts[pk] = {
            "svg": chart.progress_svg(series, title=title),
            "legend": [(i % 6, s.label, s.points[-1][1]) for i, s in enumerate(series)],
            "title": title,
        }
    return charts


# --- Priority (early-warning flags) ----------------------------------------------------------


def flag_settings() -> list[risk.FlagSetting]:
    return [
        risk.FlagSetting(f.key, f.label, f.weight, f.active) for f in services.ensure_risk_flags()
    ]


def priorities_for(enrolments: list[Enrolment]) -> dict[int, risk.Priority]:
    """The priority of each enrolment (participant must be loaded), in a fixed number of queries.

    "Earlier" enrolments are the person's other enrolments, in any intervention, that started
    on or before this one and have ended. The explanation never names them.
    """
    if not enrolments:
        return {}
    settings = flag_settings()
    ids = [e.pk for e in enrolments]
    latest = latest_assessments(ids)
    scores: dict[int, dict[str, int]] = {}
    for rating in ratings_of_enrolments(ids):
        if rating.rater == StepRating.Rater.STAFF:
            scores.setdefault(rating.enrolment_id, {})[rating.dimension.key] = rating.score
    neutral = reference.keys_with_flag(
        reference.Kind.EXIT_REASON, "work_or_studies"
    ) | reference.keys_with_flag(reference.Kind.EXIT_REASON, "excluded_from_statistics")
    ended: dict[int, list[dict]] = {}
    for row in Enrolment.objects.filter(
        participant_id__in={e.participant_id for e in enrolments}, end_date__isnull=False
    ).values("id", "participant_id", "start_date", "end_date", "exit_reason"):
        ended.setdefault(row["participant_id"], []).append(row)
    time_labels = reference.labels(reference.Kind.TIME_OUTSIDE)
    result = {}
    for enrolment in enrolments:
        a = latest.get(enrolment.pk)
        earlier = tuple(
            risk.EarlierEnrolment(
                start=row["start_date"],
                end=row["end_date"],
                exit_reason=row["exit_reason"],
                neutral_exit=row["exit_reason"] in neutral,
            )
            for row in ended.get(enrolment.participant_id, [])
            if row["id"] != enrolment.pk and row["start_date"] <= enrolment.start_date
        )
        education = {enrolment.education_level} - {""}
        if a is not None:
            education |= {row.get("level", "") for row in a.education} - {""}
        facts = risk.Facts(
            time_outside=enrolment.time_outside,
            time_outside_label=time_labels.get(enrolment.time_outside, ""),
            income_sources=frozenset(enrolment.income_sources_before or []),
            interpreter_needed=enrolment.participant.interpreter_needed,
            has_assessment=a is not None,
            swedish_level=a.swedish_level if a else "",
            need_language=a.need_language if a else "",
            need_health=a.need_health if a else "",
            need_network=a.need_network if a else "",
            obstacles=frozenset(a.obstacles) if a else frozenset(),
            education_levels=frozenset(education),
            work_experience_count=len(a.work_experience) if a else 0,
            earlier=earlier,
            latest_scores=scores.get(enrolment.pk, {}),
        )
        result[enrolment.pk] = risk.evaluate(facts, settings)
        enrolment.has_assessment = a is not None
    return result


ROW_RELATED = ("participant", "intervention")


def priority_list(
    *, membership: Membership, mine: bool = False, intervention_id: int | None = None
) -> list[tuple[Enrolment, risk.Priority]]:
    """Ongoing enrolments in the viewer's interventions, highest priority first. Unread: the
    caller logs the participants it shows."""
    require_personal_data(membership)
    qs: QuerySet[Enrolment] = participant_selectors.enrolments_in_scope(membership).filter(
        end_date__isnull=True
    )
    if intervention_id:
        qs = qs.filter(intervention_id=intervention_id)
    if mine:
        # The main contact is the viewer: not read again for every row.
        enrolments = list(qs.filter(main_contact=membership).select_related(*ROW_RELATED))
        for enrolment in enrolments:
            enrolment.main_contact = membership
    else:
        enrolments = list(qs.select_related(*ROW_RELATED, "main_contact__user"))
    priorities = priorities_for(enrolments)
    rows = [(e, priorities[e.pk]) for e in enrolments]
    rows.sort(key=lambda row: (-row[1].score, row[0].start_date, row[0].pk))
    return rows


# --- Distance travelled (aggregates only) ----------------------------------------------------


def distance_travelled_for(
    intervention_ids: Iterable[int],
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    rater: str = StepRating.Rater.STAFF,
) -> dict[int, dict[str, DimensionDistance]]:
    """Distance travelled per intervention and dimension, for reports. No personal data out.

    Per person (participant) and dimension, the change is the latest minus the first rating
    within ``[date_from, date_to]`` (either end open), by ``rater`` (staff by default).
    People with a single rating in the period count in ``n_people`` but not in the change
    figures (see ``progress.distance_travelled``). Enrolments closed as registered in error
    (excluded from statistics) are left out. Every requested intervention is in the result,
    with its dimensions in the federation's order (empty dict when nobody is rated).

    Call inside a federation scope; the caller checks that the user may see aggregates.
    """
    ids = list(intervention_ids)
    result: dict[int, dict[str, DimensionDistance]] = {i: {} for i in ids}
    if not ids:
        return result
    qs = StepRating.objects.filter(enrolment__intervention_id__in=ids, rater=rater)
    if date_from:
        qs = qs.filter(rated_on__gte=date_from)
    if date_to:
        qs = qs.filter(rated_on__lte=date_to)
    excluded = reference.keys_with_flag(reference.Kind.EXIT_REASON, "excluded_from_statistics")
    if excluded:
        qs = qs.exclude(enrolment__exit_reason__in=excluded)
    per_intervention: dict[int, list[Rating]] = {i: [] for i in ids}
    for intervention_id, person, key, rated_on, score in qs.order_by("rated_on", "id").values_list(
        "enrolment__intervention_id",
        "enrolment__participant_id",
        "dimension__key",
        "rated_on",
        "score",
    ):
        per_intervention[intervention_id].append(Rating(person, key, rated_on, score))
    order = list(dimension_labels())
    for intervention_id, ratings in per_intervention.items():
        found = distance_travelled(ratings)
        keys = [k for k in order if k in found] + sorted(k for k in found if k not in order)
        result[intervention_id] = {k: found[k] for k in keys}
    return result
