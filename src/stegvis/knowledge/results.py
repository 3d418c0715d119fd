"""What each method achieved, measured over the interventions that use it (SPEC §9).

Counting follows the reports exactly: participants as ``age-gender`` counts enrolments (active
some time in the period), exits as ``exit-gender`` counts them (dated in the period, without
felregistreringar), and exits to work or studies are those whose reason carries the
``work_or_studies`` flag (by default ``arbete`` and ``studier``).

The share to work or studies is always given with its 95 % Wilson interval (statsmodels), and
methods are ranked by the interval's lower bound: a method with few people has a wide interval
and cannot come out on top by chance. A method is called "best" only when it has at least
:data:`RANK_MINIMUM` exits and its interval lies wholly above every other ranked method's.

Other apps add figures through :data:`RESULT_SOURCES` (survey change, effect estimates)::

    from stegvis.knowledge.results import RESULT_SOURCES, ResultSource
    RESULT_SOURCES.append(ResultSource("survey", "Förändring i enkät", my_function))

where ``my_function(interventions: list[Intervention], filters: ReportFilters)`` returns a
:class:`Figure` or None. Without a source, or when it returns None, the page shows "–".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from stegvis.core import reference
from stegvis.core.tenancy import require_federation
from stegvis.knowledge.models import Method, MethodIntervention
from stegvis.reports import filters as f
from stegvis.reports.filters import ReportFilters

ALPHA = 0.05
# Fewer exits than this: the method is shown, with its interval, but not ranked.
RANK_MINIMUM = 20


@dataclass(frozen=True)
class Figure:
    """One measured result: a value (a share in per cent, a change), the number of people
    behind it, and its interval when there is one."""

    value: float | None
    people: int
    low: float | None = None
    high: float | None = None
    unit: str = "%"


@dataclass(frozen=True)
class ResultSource:
    key: str
    label: str
    compute: Callable[[list, ReportFilters], Figure | None]


RESULT_SOURCES: list[ResultSource] = []


def wilson(successes: int, trials: int) -> tuple[float, float] | None:
    """95 % Wilson score interval for a proportion, in per cent; None without trials."""
    if trials <= 0:
        return None
    # Imported here: statsmodels costs a second at start-up of every command and worker.
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, trials, alpha=ALPHA, method="wilson")
    return round(100 * float(low), 1), round(100 * float(high), 1)


@dataclass
class MethodResult:
    method: Method
    interventions: list = field(default_factory=list)
    participants: int = 0
    exits: int = 0
    work_or_studies: int = 0
    share: float | None = None
    low: float | None = None
    high: float | None = None
    progress: Figure | None = None
    goals: Figure | None = None
    extra: dict[str, Figure | None] = field(default_factory=dict)
    # Set by rank(): position among the ranked (None: not ranked), and the verdict.
    rank: int | None = None
    hidden: bool = False  # too few to show at all (small-cell rule)
    best: bool = False
    tied_with_leader: bool = False

    @property
    def code(self) -> str:
        return self.method.code

    @property
    def ranked(self) -> bool:
        return self.rank is not None


def _counts(filters: ReportFilters) -> dict[str, int]:
    work = reference.keys_with_flag(reference.Kind.EXIT_REASON, "work_or_studies")
    base = f.enrolments(filters)
    active = f.active_in_period(base, filters).count()
    exits = f.exited_in_period(base, filters).aggregate(
        all=Count("id"), work=Count("id", filter=Q(exit_reason__in=sorted(work)))
    )
    return {"deltagare": active, "avslutade": exits["all"], "arbete_studier": exits["work"]}


def counts_by_method(filters: ReportFilters) -> dict[int, dict[str, int]]:
    """``deltagare``, ``avslutade``, ``arbete_studier`` of every method, by the method's id, over
    its interventions. The selection's enrolments are counted
    per intervention in two grouped queries (one pass over the federation each, however many
    methods there are), then summed over each method's interventions. An enrolment belongs to
    one intervention, so the sums equal counting the method's enrolments directly."""
    work = reference.keys_with_flag(reference.Kind.EXIT_REASON, "work_or_studies")
    base = f.enrolments(filters).order_by()
    active = dict(
        f.active_in_period(base, filters)
        .values("intervention_id")
        .annotate(n=Count("id"))
        .values_list("intervention_id", "n")
    )
    exits = {
        row[0]: row[1:]
        for row in f.exited_in_period(base, filters)
        .values("intervention_id")
        .annotate(n=Count("id"), work=Count("id", filter=Q(exit_reason__in=sorted(work))))
        .values_list("intervention_id", "n", "work")
    }
    links = MethodIntervention.objects.filter(
        intervention__in=f.interventions(filters).order_by()
    ).values_list("method_id", "intervention_id")
    result: dict[int, dict[str, int]] = {}
    for method_id, intervention_id in links:
        counts = result.setdefault(method_id, {"deltagare": 0, "avslutade": 0, "arbete_studier": 0})
        counts["deltagare"] += active.get(intervention_id, 0)
        n, w = exits.get(intervention_id, (0, 0))
        counts["avslutade"] += n
        counts["arbete_studier"] += w
    return result


def linked_interventions(method: Method, filters: ReportFilters) -> list:
    qs = f.interventions(filters).filter(
        pk__in=MethodIntervention.objects.filter(method=method).values("intervention_id")
    )
    return list(qs)


def progress_by_intervention(filters: ReportFilters) -> dict[int, tuple[int, int]]:
    """Step-wise progress (stegförflyttning, the assessments app) of the selection, by
    intervention: (improved, rated), where *rated* are the enrolments the staff rated at least
    twice on some dimension and *improved* those whose latest score on at least one dimension
    is higher than their first.

    The staff's ratings are read once for every intervention, each rating joined to its
    enrolment, instead of once per method through the list of the method's enrolments: SQLite
    walked that list and probed the ratings for each enrolment (300 000 probes for 13 000
    ratings per method over 1 000 000 enrolments). An enrolment belongs to one intervention, so
    a method's figure is the sum over its interventions."""
    from stegvis.assessments.models import StepRating

    enrolments = f.active_in_period(f.enrolments(filters), filters)
    rows = (
        StepRating.objects.filter(rater=StepRating.Rater.STAFF)
        .filter(Exists(enrolments.filter(pk=OuterRef("enrolment_id"))))
        .order_by("rated_on", "id")
        .values_list("enrolment__intervention_id", "enrolment_id", "dimension_id", "score")
    )
    first: dict[tuple[int, int], int] = {}
    latest: dict[tuple[int, int], int] = {}
    twice: set[tuple[int, int]] = set()
    intervention_of: dict[int, int] = {}
    for intervention, enrolment, dimension, score in rows.iterator():
        key = (enrolment, dimension)
        if key in first:
            twice.add(key)
        else:
            first[key] = score
            intervention_of[enrolment] = intervention
        latest[key] = score
    rated, improved = set(), set()
    for key in twice:
        rated.add(key[0])
        if latest[key] > first[key]:
            improved.add(key[0])
    result: dict[int, tuple[int, int]] = {}
    for enrolment in rated:
        up, n = result.get(intervention_of[enrolment], (0, 0))
        result[intervention_of[enrolment]] = (up + (enrolment in improved), n + 1)
    return result


def _progress(interventions, by_intervention: dict[int, tuple[int, int]]) -> Figure | None:
    """A method's progress: the sum over its interventions (see ``progress_by_intervention``)."""
    improved = sum(by_intervention.get(i.pk, (0, 0))[0] for i in interventions)
    rated = sum(by_intervention.get(i.pk, (0, 0))[1] for i in interventions)
    return _share_figure(improved, rated)


def _goals(filters: ReportFilters, as_of: date) -> Figure | None:
    """Goal attainment: result goals reached, of the interventions' goals."""
    from stegvis.reports.definitions import goal_statuses

    statuses = goal_statuses(filters, as_of=as_of)
    if not statuses:
        return None
    reached = sum(1 for s in statuses if s.met)
    return Figure(value=round(100 * reached / len(statuses)), people=len(statuses), unit="mål")


def _share_figure(part: int, whole: int) -> Figure | None:
    if not whole:
        return None
    low, high = wilson(part, whole)
    return Figure(value=round(100 * part / whole, 1), people=whole, low=low, high=high)


def method_results(
    filters: ReportFilters | None = None, *, as_of: date | None = None, methods=None
) -> list[MethodResult]:
    """Every method's results (unranked), in name order."""
    from django.utils import timezone

    filters = filters or ReportFilters()
    as_of = as_of or timezone.localdate()
    methods = list(methods if methods is not None else Method.objects.order_by("name"))
    by_method = counts_by_method(filters)
    linked = {method.pk: linked_interventions(method, filters) for method in methods}
    wanted = {i.pk: i for interventions in linked.values() for i in interventions}
    progress = (
        progress_by_intervention(filters.with_interventions(list(wanted.values())))
        if wanted
        else {}
    )
    results = []
    for method in methods:
        interventions = linked[method.pk]
        result = MethodResult(method=method, interventions=interventions)
        if interventions:
            scoped = filters.with_interventions(interventions)
            counts = by_method[method.pk]
            result.participants = counts["deltagare"]
            result.exits = counts["avslutade"]
            result.work_or_studies = counts["arbete_studier"]
            figure = _share_figure(result.work_or_studies, result.exits)
            if figure:
                result.share, result.low, result.high = figure.value, figure.low, figure.high
            result.progress = _progress(interventions, progress)
            result.goals = _goals(scoped, as_of)
            for source in RESULT_SOURCES:
                result.extra[source.key] = source.compute(interventions, scoped)
        else:
            for source in RESULT_SOURCES:
                result.extra[source.key] = None
        results.append(result)
    return results


def rank(results: list[MethodResult], *, threshold: int) -> list[MethodResult]:
    """Order by the lower bound of the share's interval, and judge the ranking.

    * Fewer exits than ``threshold`` (the small-cell limit): hidden, as in reports.
    * Fewer than :data:`RANK_MINIMUM` exits: shown with the interval, not ranked.
    * The leader is "best" only when its interval lies wholly above every other ranked
      method's; methods whose interval overlaps the leader's are marked as tied with it.
    """
    for r in results:
        r.hidden = 0 < r.exits < threshold
        r.rank = None
        r.best = r.tied_with_leader = False
    ranked = [r for r in results if r.exits >= max(RANK_MINIMUM, threshold) and r.low is not None]
    ranked.sort(key=lambda r: (-r.low, -(r.share or 0), r.code))
    for position, r in enumerate(ranked, start=1):
        r.rank = position
    if ranked:
        leader = ranked[0]
        others = ranked[1:]
        for r in others:
            r.tied_with_leader = r.high >= leader.low
        leader.best = bool(others) and not any(r.tied_with_leader for r in others)
    rest = [r for r in results if r not in ranked]
    rest.sort(key=lambda r: (r.hidden, -r.exits, r.method.name))
    return ranked + rest


def ranked_results(filters: ReportFilters | None = None, **kwargs) -> list[MethodResult]:
    threshold = int(require_federation().setting("small_cell_threshold"))
    return rank(method_results(filters, **kwargs), threshold=threshold)


def publishable_results(method: Method) -> dict:
    """The method's figures over its whole history, fit to leave the federation: counts below
    the small-cell threshold are hidden, and so is every figure computed from them."""
    threshold = int(require_federation().setting("small_cell_threshold"))
    (result,) = method_results(ReportFilters(), methods=[method])

    def count(n: int):
        return f"<{threshold}" if 0 < n < threshold else n

    small_part = 0 < result.work_or_studies < threshold
    # No share from too few exits, nor one that would give away a hidden count.
    shown = result.exits >= threshold and not small_part
    progress = result.progress if result.progress and result.progress.people >= threshold else None
    return {
        "interventions": len(result.interventions),
        "deltagare": count(result.participants),
        "avslutade": count(result.exits),
        "arbete_studier": count(result.work_or_studies) if result.exits >= threshold else None,
        "andel": result.share if shown else None,
        "lag": result.low if shown else None,
        "hog": result.high if shown else None,
        "stegforflyttning": progress.value if progress else None,
        "stegforflyttning_underlag": progress.people if progress else None,
        # Survey change, effect estimate: only figures with enough people behind them.
        "ovriga": [
            {
                "label": source.label,
                "value": fig.value,
                "low": fig.low,
                "high": fig.high,
                "people": fig.people,
            }
            for source in RESULT_SOURCES
            if (fig := result.extra.get(source.key)) is not None and fig.people >= threshold
        ],
    }
