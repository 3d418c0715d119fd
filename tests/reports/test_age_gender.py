"""Participants per age band and gender (SPEC §8): age at enrolment start, enrolments active at
any time in the period, felregistreringar never counted."""

import random
from datetime import date

import pytest

from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from stegvis.participants.models import Enrolment, Participant
from stegvis.reports import build_report
from stegvis.reports.definitions import AGE_BANDS

pytestmark = pytest.mark.django_db

BANDS = ["18-24", "25-29", "30-39", "40-49", "50-59", "60-"]


def report(intervention, **kwargs):
    return build_report("age-gender", intervention=intervention, **kwargs)


def cell(result, band, column):
    row = next(r for r in result["rows"] if r["label"] == band)
    return row["values"][result["columns"].index(column)]


def test_shape_has_the_contract_columns_and_every_band_even_when_empty(scope, intervention):
    result = report(intervention)
    assert result["report"] == "age-gender"
    assert result["columns"] == ["kvinna", "man", "annat", "totalt"]
    assert [r["label"] for r in result["rows"]] == BANDS
    assert all(r["values"] == [0, 0, 0, 0] for r in result["rows"])
    assert result["total"] == {"label": "Totalt", "values": [0, 0, 0, 0]}


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2008, 3, 2), "-17"),  # turns 18 the day after start
        (date(2008, 3, 1), "18-24"),  # 18 on the start day
        (date(2001, 3, 2), "18-24"),  # 24 and 364 days
        (date(2001, 3, 1), "25-29"),
        (date(1996, 3, 1), "30-39"),
        (date(1986, 3, 2), "30-39"),
        (date(1986, 3, 1), "40-49"),
        (date(1976, 3, 1), "50-59"),
        (date(1966, 3, 2), "50-59"),
        (date(1966, 3, 1), "60-"),
        (date(1940, 1, 1), "60-"),
    ],
)
def test_age_band_is_the_age_on_the_start_day(scope, intervention, make_enrolment, born, band):
    make_enrolment(date(2026, 3, 1), born=born)
    result = report(intervention)
    assert cell(result, band, "kvinna") == 1
    assert result["total"]["values"] == [1, 0, 0, 1]


def test_leap_day_birthday_counts_from_first_of_march(scope, intervention, make_enrolment):
    make_enrolment(date(2025, 2, 28), born=date(2000, 2, 29))  # 24 until 1 March 2025
    make_enrolment(date(2025, 3, 1), born=date(2000, 2, 29))
    result = report(intervention)
    assert cell(result, "18-24", "totalt") == 1
    assert cell(result, "25-29", "totalt") == 1


def test_under_18_row_appears_only_when_someone_is_under_18(scope, intervention, make_enrolment):
    make_enrolment(date(2026, 1, 10), born=date(1990, 1, 1))
    assert "-17" not in [r["label"] for r in report(intervention)["rows"]]
    make_enrolment(date(2026, 1, 10), born=date(2010, 1, 1), gender="man")
    rows = report(intervention)["rows"]
    assert [r["label"] for r in rows] == ["-17", *BANDS]
    assert rows[0]["values"] == [0, 1, 0, 1]


def test_anonymous_records_count_as_born_first_of_july(scope, intervention, make_enrolment):
    make_enrolment(date(2026, 6, 30), born=None, birth_year=2001)  # 24 until 1 July
    make_enrolment(date(2026, 7, 1), born=None, birth_year=2001, gender="annat")
    result = report(intervention)
    assert cell(result, "18-24", "kvinna") == 1
    assert cell(result, "25-29", "annat") == 1


def test_genders_go_to_their_columns_and_totals_add_up(scope, intervention, make_enrolment):
    for gender, count in [("kvinna", 3), ("man", 2), ("annat", 1)]:
        for _ in range(count):
            make_enrolment(date(2026, 2, 1), gender=gender)
    result = report(intervention)
    assert cell(result, "30-39", "kvinna") == 3
    assert cell(result, "30-39", "man") == 2
    assert cell(result, "30-39", "annat") == 1
    assert cell(result, "30-39", "totalt") == 6
    assert result["total"]["values"] == [3, 2, 1, 6]


def test_period_counts_enrolments_active_at_any_time_in_it(scope, intervention, make_enrolment):
    period = {"date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31)}
    counted = [
        make_enrolment(date(2025, 6, 1), date(2026, 1, 1)),  # ends on the first day
        make_enrolment(date(2026, 3, 31)),  # starts on the last day
        make_enrolment(date(2025, 1, 1)),  # still active
        make_enrolment(date(2026, 2, 1), date(2026, 2, 2)),
    ]
    make_enrolment(date(2025, 6, 1), date(2025, 12, 31))  # ended the day before
    make_enrolment(date(2026, 4, 1))  # starts the day after
    result = report(intervention, **period)
    assert result["total"]["values"][3] == len(counted)


def test_without_dates_the_whole_history_counts(scope, intervention, make_enrolment):
    make_enrolment(date(2015, 6, 1), date(2016, 1, 1))
    make_enrolment(date(2026, 6, 1))
    assert report(intervention)["total"]["values"][3] == 2


def test_empty_period_gives_zeros(scope, intervention, make_enrolment):
    make_enrolment(date(2026, 6, 1))
    result = report(intervention, date_from=date(2020, 1, 1), date_to=date(2020, 12, 31))
    assert result["total"]["values"] == [0, 0, 0, 0]
    assert [r["label"] for r in result["rows"]] == BANDS


def test_felregistrering_counts_nowhere(scope, intervention, make_enrolment):
    make_enrolment(date(2026, 1, 5), date(2026, 1, 5), "felregistrering")
    make_enrolment(date(2026, 1, 5), date(2026, 2, 5), "arbete")
    assert report(intervention)["total"]["values"] == [1, 0, 0, 1]


def test_other_interventions_and_other_federations_are_not_counted(
    scope, intervention, other_intervention, other_federation, make_enrolment
):
    make_enrolment(date(2026, 1, 5))
    make_enrolment(date(2026, 1, 5), intervention=other_intervention)
    with federation_scope(other_federation):
        foreign = Intervention.objects.create(code="INS-1", name="Samma kod, annat förbund")
        person = Participant.objects.create(birth_year=1990, gender="man")
        Enrolment.objects.create(
            participant=person, intervention=foreign, start_date=date(2026, 1, 5)
        )
    assert report(intervention)["total"]["values"][3] == 1
    assert build_report("age-gender")["total"]["values"][3] == 2  # all of Alfa's interventions


def test_sql_bands_agree_with_the_participant_age_rule(scope, intervention, make_enrolment):
    """Random people: the SQL grouping gives what ``Participant.age_on`` says."""
    rng = random.Random(5)
    expected = {}
    for _ in range(150):
        born = date(rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28))
        start = date(rng.randint(2020, 2026), rng.randint(1, 12), rng.randint(1, 28))
        anonymous = rng.random() < 0.2
        gender = rng.choice(["kvinna", "man", "annat"])
        enrolment = make_enrolment(
            start,
            gender=gender,
            born=None if anonymous else born,
            birth_year=born.year,
        )
        age = enrolment.participant.age_on(start)
        band = next(
            key
            for key, _label, lower, upper in AGE_BANDS
            if (lower is None or age >= lower) and (upper is None or age < upper)
        )
        expected[(band, gender)] = expected.get((band, gender), 0) + 1
    result = report(intervention)
    for row in result["rows"]:
        for gender in ("kvinna", "man", "annat"):
            assert cell(result, row["label"], gender) == expected.get((row["label"], gender), 0)
