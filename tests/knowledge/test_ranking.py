"""Ranking with uncertainty: methods ordered by the lower bound of a 95 % Wilson interval; a
small method is never "best"; small groups are hidden."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from stegvis.knowledge.models import Method
from stegvis.knowledge.results import RANK_MINIMUM, MethodResult, rank, ranked_results, wilson

pytestmark = pytest.mark.django_db


def result(code: str, work: int, exits: int) -> MethodResult:
    r = MethodResult(method=Method(code=code, name=code), exits=exits, work_or_studies=work)
    interval = wilson(work, exits)
    if interval:
        r.share = round(100 * work / exits, 1)
        r.low, r.high = interval
    return r


def test_wilson_interval_comes_from_statsmodels():
    low, high = proportion_confint(30, 50, alpha=0.05, method="wilson")
    assert wilson(30, 50) == (round(100 * low, 1), round(100 * high, 1))
    assert wilson(0, 0) is None


def test_eight_people_all_to_work_is_never_best():
    small = result("LITEN", 8, 8)  # 100 %, but only 8 people
    large = result("STOR", 20, 100)  # 20 %, well measured
    ordered = rank([large, small], threshold=5)
    assert small.rank is None
    assert small.best is False
    assert ordered[0] is large
    # Alone among the ranked, the large method has nobody to be better than.
    assert large.rank == 1
    assert large.best is False


def test_best_only_when_the_interval_lies_above_every_other():
    a = result("A", 70, 100)  # 60.4–78.1
    b = result("B", 40, 100)  # 30.9–49.8
    c = result("C", 35, 100)
    ranked = rank([c, b, a], threshold=5)
    assert [r.code for r in ranked] == ["A", "B", "C"]
    assert a.best is True
    assert not b.tied_with_leader


def test_overlapping_intervals_are_ties_not_a_winner():
    a = result("A", 14, 25)  # 56 %, 37.1–73.3
    b = result("B", 50, 100)  # 50 %, 40.4–59.6
    ranked = rank([a, b], threshold=5)
    # B ranks first on its lower bound even though A's share is higher, and A is tied with it.
    assert [r.code for r in ranked] == ["B", "A"]
    assert b.best is False
    assert a.tied_with_leader is True


def test_rank_minimum_boundary():
    just_below = result("UNDER", RANK_MINIMUM - 1, RANK_MINIMUM - 1)
    at = result("VID", RANK_MINIMUM // 2, RANK_MINIMUM)
    rank([just_below, at], threshold=5)
    assert just_below.rank is None
    assert at.rank == 1


def test_small_groups_are_hidden():
    four = result("FYRA", 2, 4)
    five = result("FEM", 2, 5)
    none = result("INGA", 0, 0)
    rank([four, five, none], threshold=5)
    assert four.hidden is True
    assert five.hidden is False
    assert none.hidden is False  # zero describes nobody


def test_ranking_over_real_enrolments(scope, intervention, other_intervention, exits, link):
    link("MI", intervention)
    link("KBT", other_intervention)
    exits(intervention, work=18, other=6)  # 75 % of 24
    exits(other_intervention, work=6, other=2)  # 75 % of 8: too few to rank
    by_code = {r.code: r for r in ranked_results()}
    assert by_code["MI"].rank == 1
    assert (by_code["MI"].exits, by_code["MI"].work_or_studies) == (24, 18)
    assert by_code["KBT"].rank is None
    assert by_code["KBT"].share == 75.0
    assert not any(r.best for r in by_code.values())


def test_step_progress_counts_people_rated_twice_by_staff(
    scope, intervention, make_enrolment, link
):
    from datetime import date

    from stegvis.assessments import services as assessment_services
    from stegvis.assessments.models import ProgressDimension, StepRating

    link("MI", intervention)
    assessment_services.ensure_dimensions()
    first, second = ProgressDimension.objects.order_by("position")[:2]

    def rate(enrolment, day, dimension, score, rater="staff"):
        StepRating.objects.create(
            enrolment=enrolment, dimension=dimension, rated_on=day, rater=rater, score=score
        )

    better = make_enrolment(date(2025, 1, 1))
    rate(better, date(2025, 2, 1), first, 2)
    rate(better, date(2025, 5, 1), first, 2)
    rate(better, date(2025, 2, 1), second, 1)
    rate(better, date(2025, 5, 1), second, 3)  # improved on one dimension
    same = make_enrolment(date(2025, 1, 1))
    rate(same, date(2025, 2, 1), first, 3)
    rate(same, date(2025, 5, 1), first, 3)
    rate(same, date(2025, 5, 1), second, 1, rater="participant")
    rate(same, date(2025, 6, 1), second, 4, rater="participant")  # self-rating: not counted
    once = make_enrolment(date(2025, 1, 1))
    rate(once, date(2025, 2, 1), first, 1)  # rated once: no change to count

    (mi,) = [r for r in ranked_results() if r.code == "MI"]
    assert mi.progress.people == 2
    assert mi.progress.value == 50.0
    assert mi.progress.low < 50 < mi.progress.high


def test_step_progress_is_each_methods_own_interventions_in_the_selection(
    scope, intervention, other_intervention, make_enrolment, link
):
    """Progress is read once for every method and summed over each method's interventions:
    a method shared by two interventions counts both, a felregistrering and an enrolment
    outside the period count nowhere, and one method asked alone gets the same figure."""
    from datetime import date

    from stegvis.assessments import services as assessment_services
    from stegvis.assessments.models import ProgressDimension, StepRating
    from stegvis.knowledge.results import method_results
    from stegvis.reports.filters import ReportFilters

    Method.objects.create(code="BADA", name="Båda")
    Method.objects.create(code="INGEN", name="Utan betyg")
    link("MI", intervention)
    link("KBT", other_intervention)
    link("BADA", intervention)
    link("BADA", other_intervention)
    assessment_services.ensure_dimensions()
    (dimension,) = ProgressDimension.objects.order_by("position")[:1]

    def rated(start, scores, *, at=intervention, end=None, reason=""):
        enrolment = make_enrolment(start, end, reason, intervention=at)
        for month, score in enumerate(scores, start=2):
            StepRating.objects.create(
                enrolment=enrolment,
                dimension=dimension,
                rated_on=date(start.year, month, 1),
                rater="staff",
                score=score,
            )

    rated(date(2025, 1, 1), [1, 3])  # MI: improved
    rated(date(2025, 1, 1), [3, 2])  # MI: rated, not improved
    rated(date(2025, 1, 1), [1, 4], at=other_intervention)  # KBT: improved
    rated(date(2025, 1, 1), [1, 4], end=date(2025, 2, 2), reason="felregistrering")
    rated(date(2023, 1, 1), [1, 4], end=date(2023, 6, 1), reason="annat")  # before the period

    period = ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    by_code = {r.code: r for r in method_results(period)}
    assert (by_code["MI"].progress.people, by_code["MI"].progress.value) == (2, 50.0)
    assert (by_code["KBT"].progress.people, by_code["KBT"].progress.value) == (1, 100.0)
    assert by_code["BADA"].progress.people == 3
    assert by_code["BADA"].progress.value == round(100 * 2 / 3, 1)
    assert by_code["INGEN"].progress is None
    # Over the whole history the enrolment before the period counts too (not the
    # felregistrering).
    assert {r.code: r for r in method_results()}["MI"].progress.people == 3
    (alone,) = method_results(period, methods=[Method.objects.get(code="KBT")])
    assert alone.progress == by_code["KBT"].progress
