"""The effect estimate and the survey change as results of a method: what they count, how
several interventions combine, and how they leave the federation when published."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from stegvis.evaluation import method_results as effect_source
from stegvis.evaluation import services as evaluation_services
from stegvis.evaluation.models import EffectResult
from stegvis.knowledge import results, services
from stegvis.knowledge.models import Method
from stegvis.surveys import method_results as survey_source
from stegvis.surveys import services as survey_services
from stegvis.surveys.models import Answer, Question, Response, Survey
from tests.evaluation.conftest import enrol, populate  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _effect(intervention, estimate, low, high, n=40):
    return EffectResult.objects.create(
        intervention=intervention,
        outcome="work_or_studies",
        comparison=["JMF"],
        n_treated=n,
        n_comparison=200,
        estimate=estimate,
        ci_low=low,
        ci_high=high,
        bootstrap=200,
    )


def by_code():
    return {r.code: r for r in results.method_results()}


def test_the_sources_are_registered_once():
    keys = [s.key for s in results.RESULT_SOURCES]
    assert keys.count("effect") == 1
    assert keys.count("survey") == 1


def test_no_estimate_no_effect_figure(scope, intervention, link):
    link("MI", intervention)
    assert by_code()["MI"].extra["effect"] is None


def test_one_intervention_shows_its_estimate_in_percentage_points(scope, intervention, link):
    link("MI", intervention)
    _effect(intervention, 0.123, 0.021, 0.2249, n=57)
    figure = by_code()["MI"].extra["effect"]
    assert (figure.value, figure.low, figure.high, figure.people) == (12.3, 2.1, 22.5, 57)


def test_an_estimate_without_interval_is_not_shown(scope, intervention, link):
    link("MI", intervention)
    _effect(intervention, 0.12, None, None)
    assert by_code()["MI"].extra["effect"] is None


def test_several_interventions_combine_with_random_effects(
    scope, intervention, other_intervention, link
):
    link("MI", intervention)
    link("MI", other_intervention)
    _effect(intervention, 0.10, 0.02, 0.18, n=40)
    _effect(other_intervention, 0.30, 0.20, 0.40, n=60)
    z = stats.norm.ppf(0.975)
    variances = np.array([(0.16 / (2 * z)) ** 2, (0.20 / (2 * z)) ** 2])
    expected = combine_effects(np.array([0.10, 0.30]), variances, method_re="chi2")
    low, high = expected.conf_int(alpha=0.05)[1]
    figure = by_code()["MI"].extra["effect"]
    assert figure.people == 100
    assert figure.value == round(100 * expected.mean_effect_re, 1)
    assert (figure.low, figure.high) == (round(100 * low, 1), round(100 * high, 1))
    # Between the two, and less certain than either alone would suggest when they disagree.
    assert 10 < figure.value < 30


def test_an_estimate_for_an_intervention_outside_the_method_is_not_counted(
    scope, intervention, other_intervention, link
):
    link("MI", intervention)
    _effect(other_intervention, 0.30, 0.20, 0.40)
    assert by_code()["MI"].extra["effect"] is None


def test_running_an_evaluation_keeps_the_latest_estimate(
    scope,
    admin,
    intervention,
    other_intervention,
    populate,  # noqa: F811
):
    treated, comparison = intervention, other_intervention
    populate(treated, 120, 0.45, seed=3)
    populate(comparison, 160, 0.25, seed=4)
    first = evaluation_services.effect_evaluate(
        actor=admin.user,
        intervention_code="INS-1",
        comparison_codes=["INS-2"],
        bootstrap=20,
        reason="test",
    )
    kept = EffectResult.objects.get(intervention=treated)
    assert kept.estimate == pytest.approx(first.result.estimate)
    assert (kept.n_treated, kept.comparison, kept.computed_by) == (120, ["INS-2"], admin.user)
    evaluation_services.effect_evaluate(
        actor=None,
        intervention_code="INS-1",
        comparison_codes=["INS-2"],
        date_from=date(2024, 6, 1),
        bootstrap=20,
        reason="test",
    )
    kept = EffectResult.objects.get(intervention=treated)  # still one row, the latest
    assert kept.date_from == date(2024, 6, 1)
    assert kept.n_treated < 120
    assert kept.computed_by is None


# --- survey change -------------------------------------------------------------------------


@pytest.fixture
def answers(scope, admin):
    survey_services.ensure_default_surveys(actor=admin.user)
    survey = Survey.objects.get(code=survey_source.SURVEY_CODE)
    scales = {q.key: q for q in survey.questions.filter(kind=Question.Kind.SCALE)}

    def make(enrolment, occasion, day, **numbers):
        response = Response.objects.create(
            survey=survey,
            participant=enrolment.participant,
            enrolment=enrolment,
            intervention=enrolment.intervention,
            occasion=occasion,
            language="sv",
            answered_on=day,
        )
        for key, number in numbers.items():
            Answer.objects.create(response=response, question=scales[key], number=number)
        return response

    return make


def test_survey_change_pairs_the_same_people_at_start_and_exit(
    scope, intervention, link, make_enrolment, answers
):
    link("MI", intervention)
    a = make_enrolment(date(2025, 1, 10), date(2025, 9, 1), "arbete")
    b = make_enrolment(date(2025, 1, 10), date(2025, 9, 1), "annat")
    only_start = make_enrolment(date(2025, 1, 10))
    answers(a, "start", date(2025, 1, 12), svenska=2, halsa=3)
    answers(a, "exit", date(2025, 9, 1), svenska=4, halsa=3)  # +2, 0: mean +1
    answers(b, "start", date(2025, 1, 12), svenska=3, halsa=2, natverk=1)
    answers(b, "exit", date(2025, 9, 1), svenska=3, halsa=4)  # natverk unanswered: +0, +2
    answers(only_start, "start", date(2025, 1, 12), svenska=1)
    figure = by_code()["MI"].extra["survey"]
    assert figure.people == 2
    assert figure.value == 1.0
    assert figure.low is None  # both changed equally: no spread, no interval


def test_survey_change_uses_the_latest_answer_and_gives_a_t_interval(
    scope, intervention, link, make_enrolment, answers
):
    link("MI", intervention)
    changes = []
    for _i, (before, after) in enumerate([(1, 3), (2, 2), (2, 5), (3, 4)]):
        e = make_enrolment(date(2025, 1, 10), date(2025, 9, 1), "annat")
        answers(e, "start", date(2025, 1, 12), arbete=5)  # answered again the same month:
        answers(e, "start", date(2025, 1, 20), arbete=before)  # the latest counts
        answers(e, "exit", date(2025, 9, 1), arbete=after)
        changes.append(after - before)
    figure = by_code()["MI"].extra["survey"]
    low, high = stats.ttest_1samp(changes, 0.0).confidence_interval(0.95)
    assert figure.people == 4
    assert figure.value == round(float(np.mean(changes)), 2)
    assert (figure.low, figure.high) == (round(low, 2), round(high, 2))


def test_survey_change_counts_only_the_methods_interventions(
    scope, intervention, other_intervention, link, make_enrolment, answers
):
    link("MI", intervention)
    e = make_enrolment(date(2025, 1, 10), date(2025, 9, 1), intervention=other_intervention)
    answers(e, "start", date(2025, 1, 12), svenska=1)
    answers(e, "exit", date(2025, 9, 1), svenska=5)
    assert by_code()["MI"].extra["survey"] is None


# --- the method page and publishing --------------------------------------------------------


def test_method_page_shows_the_effect_with_its_interval(
    scope, federation, intervention, admin, login, link, exits
):
    link("MI", intervention)
    exits(intervention, work=12, other=12)
    _effect(intervention, 0.123, 0.021, 0.2249, n=57)
    page = login(admin).get(f"/f/{federation.slug}/metoder/").content.decode()
    assert "Effekt (procentenheter)" in page
    assert "12,3" in page
    assert "2,1" in page
    assert "22,5" in page


def test_published_results_carry_figures_with_enough_people_only(
    scope, federation, intervention, other_intervention, admin, link, make_enrolment, answers
):
    threshold = int(federation.setting("small_cell_threshold"))
    method = link("MI", intervention)
    _effect(intervention, 0.15, 0.05, 0.25, n=threshold)
    e = make_enrolment(date(2025, 1, 10), date(2025, 9, 1), "arbete")
    answers(e, "start", date(2025, 1, 12), svenska=2)
    answers(e, "exit", date(2025, 9, 1), svenska=4)  # one person: below the threshold
    publication = services.method_publish(actor=admin.user, membership=admin, method=method)
    others = publication.results["ovriga"]
    assert [o["label"] for o in others] == [effect_source.LABEL]
    assert others[0]["value"] == 15.0
    assert others[0]["people"] == threshold
    EffectResult.objects.update(n_treated=threshold - 1)
    method = Method.objects.get(code="MI")
    services.method_withdraw(actor=admin.user, membership=admin, method=method)
    again = services.method_publish(actor=admin.user, membership=admin, method=method)
    assert again.results["ovriga"] == []
