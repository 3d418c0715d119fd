"""Survey results: means per occasion, paired change for the same people (Wilcoxon), response
rates, distributions and small-cell suppression."""

from datetime import date

import pytest
from scipy import stats

from stegvis.reports.filters import ReportFilters
from stegvis.surveys import results, services
from stegvis.surveys.results import p_text
from tests.surveys.conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(register, enrol, intervention, invite):
    """Six people answer at start and exit; a seventh only at start."""
    starts = [1, 2, 2, 3, 1, 2, 4]
    exits = [3, 3, 4, 4, 2, 4]
    people = []
    for i, score in enumerate(starts):
        person = register(intervention, born=date(1985, 1, 1 + i), first_name=f"P{i}")
        enrol(person, intervention, date(2026, 1, 5))
        answer_all(invite(person).invitation, [score, 3, 3, 3, 3], today=date(2026, 1, 10))
        people.append(person)
    for person, score in zip(people, exits, strict=False):
        answer_all(
            invite(person, occasion="exit").invitation, [score, 3, 3, 3, 3], today=date(2026, 6, 1)
        )
    return starts, exits


def report(surveys, intervention, external=False, **kw):
    filters = ReportFilters(interventions=(intervention,), **kw)
    return results.survey_report(surveys["deltagare"], filters, external=external)


def row(table, key):
    return dict(zip(table.columns, next(r for r in table.rows if r.key == key).values, strict=True))


def test_means_per_occasion_and_paired_change_with_wilcoxon(surveys, intervention, cohort):
    starts, exits = cohort
    values = row(report(surveys, intervention).table, "svenska")
    assert values["svar_start"] == 7
    assert values["medel_start"] == round(sum(starts) / 7, 2)
    assert values["svar_exit"] == 6
    assert values["par_start_exit"] == 6  # the seventh has no exit answer
    diffs = [e - s for s, e in zip(starts, exits, strict=False)]
    assert values["forandring"] == round(sum(diffs) / 6, 2)
    expected = stats.wilcoxon(exits, starts[:6]).pvalue
    assert values["p_varde"] == f"{expected:.3f}".replace(".", ",")
    # No change at all on health: no test to run.
    assert row(report(surveys, intervention).table, "halsa")["p_varde"] is None


def test_paired_change_uses_the_same_people_only(
    surveys, intervention, cohort, register, enrol, invite
):
    # Someone answering only at exit, very high, changes the exit mean but not the pairs.
    late = register(intervention, born=date(1970, 3, 3), first_name="Sen")
    enrol(late, intervention, date(2026, 3, 1))
    answer_all(invite(late, occasion="exit").invitation, [5, 5, 5, 5, 5], today=date(2026, 6, 2))
    values = row(report(surveys, intervention).table, "svenska")
    assert values["svar_exit"] == 7
    assert values["par_start_exit"] == 6
    starts, exits = cohort
    assert values["forandring"] == round(
        sum(e - s for s, e in zip(starts, exits, strict=False)) / 6, 2
    )


def test_response_rate_counts_invitations_and_answers(
    surveys, intervention, cohort, person, invite
):
    invite(person, occasion="exit")  # sent, not answered
    rates = next(
        t for t in report(surveys, intervention).extra_tables if t.title == "Svarsfrekvens"
    )
    exit_row = dict(
        zip(rates.columns, next(r for r in rates.rows if r.key == "exit").values, strict=True)
    )
    assert exit_row == {"inbjudna": 7, "svar": 6, "andel": round(100 * 6 / 7, 1)}


def test_distribution_counts_each_value(surveys, intervention, cohort):
    dist = next(
        t
        for t in report(surveys, intervention).extra_tables
        if t.title.startswith("Fördelning: Hur bra")
    )
    ones = dict(zip(dist.columns, dist.rows[0].values, strict=True))
    assert dist.rows[0].label.startswith("1 – Inte alls")
    assert ones == {"svar_start": 2, "svar_exit": 0, "totalt": 2}


def test_small_groups_are_hidden_for_external_use(surveys, intervention, cohort, federation):
    exact = row(report(surveys, intervention).table, "svenska")
    hidden_report = report(surveys, intervention, external=True)
    hidden = row(hidden_report.table, "svenska")
    threshold = int(federation.setting("small_cell_threshold"))
    assert threshold == 5
    # Seven and six answers are shown, with their means.
    assert hidden["svar_start"] == 7
    assert hidden["medel_start"] == exact["medel_start"]
    dist = next(t for t in hidden_report.extra_tables if t.title.startswith("Fördelning: Hur bra"))
    first = dict(zip(dist.columns, dist.rows[0].values, strict=True))
    assert first["svar_start"] == "<5"
    assert hidden_report.as_dict()["report"] == "survey-results"


def test_a_group_below_the_threshold_hides_its_mean_and_change(
    surveys, intervention, register, enrol, invite
):
    for i in range(4):
        person = register(intervention, born=date(1980, 1, 1 + i), first_name=f"Q{i}")
        enrol(person, intervention, date(2026, 1, 5))
        answer_all(invite(person).invitation, [1, 1, 1, 1, 1], today=date(2026, 1, 10))
        answer_all(invite(person, occasion="exit").invitation, [5, 5, 5, 5, 5])
    shown = row(report(surveys, intervention).table, "svenska")
    assert shown["svar_start"] == 4
    assert shown["forandring"] == 4.0
    hidden = row(report(surveys, intervention, external=True).table, "svenska")
    assert hidden["svar_start"] == "<5"
    assert hidden["medel_start"] is None
    assert hidden["par_start_exit"] == "<5"
    assert hidden["forandring"] is None
    assert hidden["p_varde"] is None


def test_period_filter_selects_the_answers_dated_in_it(surveys, intervention, cohort):
    values = row(report(surveys, intervention, date_from=date(2026, 5, 1)).table, "svenska")
    assert "svar_start" not in values
    assert values["svar_exit"] == 6


def test_indicator_results_split_by_respondent_group(surveys, admin, intervention):
    for group in ("board", "manager"):
        link = services.anonymous_link_create(
            actor=admin.user,
            survey=surveys["indikator-styrelse"],
            respondent_group=group,
            max_answers=5,
            intervention=intervention,
        )
        from tests.surveys.conftest import form

        for score in (3, 4, 5):
            services.response_submit(invitation=link.invitation, data=form(underlag=score))
    filters = ReportFilters(interventions=(intervention,))
    table = results.survey_report(surveys["indikator-styrelse"], filters).table
    values = row(table, "underlag")
    assert values["svar_board"] == 3
    assert values["medel_manager"] == 4.0


def test_p_value_text_at_its_boundary():
    assert p_text(0.000999) == "<0,001"
    assert p_text(0.001) == "0,001"
    assert p_text(0.0456) == "0,046"


def test_measures_for_the_effect_evaluation_per_enrolment(surveys, person, invite):
    answer_all(invite(person).invitation, [1, 3, 3, 3, 3], today=date(2026, 1, 10))
    answer_all(invite(person, occasion="exit").invitation, [4, 3, 3, 3, 3], today=date(2026, 6, 1))
    enrolment = person.enrolments.get()
    assert results.measures(survey_code="deltagare", question_key="svenska", occasion="start") == {
        enrolment.pk: 1
    }
    assert results.measures(survey_code="deltagare", question_key="svenska", occasion="exit") == {
        enrolment.pk: 4
    }
    assert (
        results.measures(survey_code="deltagare", question_key="svenska", occasion="midway") == {}
    )
    with pytest.raises(results.UnknownSurvey):
        results.measures(survey_code="nej", question_key="svenska", occasion="start")
