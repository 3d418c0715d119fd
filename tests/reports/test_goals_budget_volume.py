"""Result goals tracked live, budget vs outcome per financier, structural volumes and distance
travelled (SPEC §2, §8)."""

from datetime import date

import pytest

from stegvis.interventions.models import (
    Budget,
    Financier,
    Intervention,
    OutcomeBooking,
    ResultGoal,
    StructuralActivity,
)
from stegvis.reports import build_report, distance
from stegvis.reports.definitions import goal_statuses
from stegvis.reports.filters import ReportFilters
from stegvis.reports.goals import count_share

WORK = {"arbete", "studier"}
AS_OF = date(2026, 11, 1)


# --- pure goal rule ------------------------------------------------------------------------


def test_share_counts_reached_within_the_window_only():
    start = date(2025, 1, 15)
    rows = [
        (start, date(2026, 1, 15), "arbete"),  # exactly 12 months: reached
        (start, date(2026, 1, 16), "studier"),  # a day late: not reached
        (start, date(2025, 3, 1), "sjukskriven"),  # exited otherwise: not reached
        (start, None, ""),  # window closed while active: not reached
        (date(2026, 6, 1), None, ""),  # window still open: pending
    ]
    result = count_share(rows, work_or_studies=WORK, within_months=12, as_of=AS_OF)
    assert (result.reached, result.not_reached, result.pending) == (1, 3, 1)
    assert result.outcome == 25.0


def test_share_without_window_waits_for_every_active_enrolment():
    rows = [(date(2020, 1, 1), None, ""), (date(2020, 1, 1), date(2024, 1, 1), "arbete")]
    result = count_share(rows, work_or_studies=WORK, within_months=None, as_of=AS_OF)
    assert (result.reached, result.not_reached, result.pending) == (1, 0, 1)
    assert result.outcome == 100.0


def test_share_of_nobody_is_unknown():
    result = count_share([], work_or_studies=WORK, within_months=12, as_of=AS_OF)
    assert result.outcome is None


# --- goals from the database ---------------------------------------------------------------


@pytest.mark.django_db
def test_goal_report_judges_the_cohort_started_in_the_period(scope, intervention, make_enrolment):
    ResultGoal.objects.create(
        intervention=intervention,
        title="Minst 50 % till arbete eller studier inom 12 månader",
        metric="work_or_studies",
        target=50,
        within_months=12,
    )
    ResultGoal.objects.create(
        intervention=intervention, title="40 nya", metric="participants", target=40
    )
    make_enrolment(date(2025, 2, 1), date(2025, 9, 1), "arbete")
    make_enrolment(date(2025, 3, 1), date(2025, 9, 1), "studier")
    make_enrolment(date(2025, 4, 1), date(2025, 5, 1), "annat")
    make_enrolment(date(2025, 4, 1), date(2025, 5, 1), "felregistrering")
    make_enrolment(date(2026, 10, 1))  # pending
    make_enrolment(date(2024, 12, 31), date(2025, 1, 31), "arbete")  # started before
    filters = ReportFilters(
        interventions=(intervention,), date_from=date(2025, 1, 1), date_to=date(2026, 12, 31)
    )
    share, count = goal_statuses(filters, as_of=AS_OF)
    assert (share.reached, share.decided, share.pending) == (2, 3, 1)
    assert share.outcome == pytest.approx(66.7)
    assert share.met is True
    assert share.status == "Når målet"
    assert count.outcome == 4
    assert count.met is False
    result = build_report(
        "goals", intervention=intervention, date_from=filters.date_from, date_to=filters.date_to
    )
    assert result["columns"] == ["mal", "utfall", "uppnadde", "underlag", "ej_avgjorda"]
    assert result["rows"][0]["values"] == [50, 66.7, 2, 3, 1]
    assert result["rows"][1]["values"] == [40, 4, 4, 4, 0]


@pytest.mark.django_db
def test_structural_goals_count_activities_and_attendees(scope):
    structural = Intervention.objects.create(code="STR", name="Struktur", kind="structural")
    ResultGoal.objects.create(intervention=structural, title="a", metric="activities", target=2)
    ResultGoal.objects.create(intervention=structural, title="b", metric="attendees", target=50)
    for day, people in [(date(2026, 1, 10), 20), (date(2026, 2, 10), 15), (date(2025, 2, 10), 99)]:
        StructuralActivity.objects.create(
            intervention=structural, held_on=day, title="Kurs", attendees=people
        )
    filters = ReportFilters(interventions=(structural,), date_from=date(2026, 1, 1))
    activities, attendees = goal_statuses(filters, as_of=AS_OF)
    assert (activities.outcome, activities.met) == (2, True)
    assert (attendees.outcome, attendees.met) == (35, False)


# --- budget --------------------------------------------------------------------------------


@pytest.fixture
def financed(scope, intervention, other_intervention):
    from stegvis.core.models import Authority

    af = Authority.objects.create(kind="af", name="Arbetsförmedlingen")
    kommun = Authority.objects.create(kind="kommun", name="Kristianstads kommun")
    rows = {}
    for iv in (intervention, other_intervention):
        for name, authority, kind in [
            ("Arbetsförmedlingen", af, "member"),
            ("ESF", None, "esf"),
            ("Kristianstads kommun", kommun, "member"),
        ]:
            financier = Financier.objects.create(
                intervention=iv, name=name, kind=kind, authority=authority
            )
            rows[(iv.code, name)] = financier
    f = rows[("INS-1", "Arbetsförmedlingen")]
    Budget.objects.create(financier=f, year=2025, amount=100_000)
    Budget.objects.create(financier=f, year=2026, amount=120_000)
    OutcomeBooking.objects.create(financier=f, booked_on=date(2025, 12, 31), amount=90_000)
    OutcomeBooking.objects.create(financier=f, booked_on=date(2026, 1, 1), amount=30_000)
    OutcomeBooking.objects.create(financier=f, booked_on=date(2026, 2, 1), amount=-5_000)
    esf = rows[("INS-1", "ESF")]
    Budget.objects.create(financier=esf, year=2026, amount=200_000)
    OutcomeBooking.objects.create(financier=esf, booked_on=date(2026, 3, 1), amount=50_000)
    Budget.objects.create(financier=rows[("INS-2", "ESF")], year=2026, amount=1_000)
    return {"af": af, "kommun": kommun}


@pytest.mark.django_db
def test_budget_compares_budget_and_booked_outcome_per_financier(financed, intervention):
    result = build_report(
        "budget", intervention=intervention, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)
    )
    assert result["columns"] == ["budget", "utfall", "kvar", "utfall_procent"]
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert rows["Arbetsförmedlingen"] == [120_000, 25_000, 95_000, 20.8]
    assert rows["ESF"] == [200_000, 50_000, 150_000, 25.0]
    assert rows["Kristianstads kommun"] == [0, 0, 0, None]
    assert result["total"]["values"] == [320_000, 75_000, 245_000, 23.4]


@pytest.mark.django_db
def test_budget_over_the_whole_history_and_all_interventions(financed):
    result = build_report("budget")
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert rows["Arbetsförmedlingen"][:2] == [220_000, 115_000]
    assert rows["ESF"][:2] == [201_000, 50_000]


@pytest.mark.django_db
def test_budget_filtered_by_authority_shows_that_financier(financed):
    result = build_report("budget", authority=financed["af"])
    assert [r["label"] for r in result["rows"]] == ["Arbetsförmedlingen"]


@pytest.mark.django_db
def test_budget_is_never_suppressed(financed, intervention):
    OutcomeBooking.objects.create(
        financier=Financier.objects.get(intervention=intervention, name="ESF"),
        booked_on=date(2026, 4, 1),
        amount=3,
    )
    result = build_report("budget", intervention=intervention, external=True)
    assert all(isinstance(v, int | float) or v is None for r in result["rows"] for v in r["values"])


# --- structural volume ---------------------------------------------------------------------


@pytest.mark.django_db
def test_volume_sums_activities_per_kind_in_the_period(scope):
    structural = Intervention.objects.create(code="STR", name="Struktur", kind="structural")
    for day, kind, people, orgs, hours in [
        (date(2026, 1, 10), "training", 20, 3, 3),
        (date(2026, 1, 20), "training", 10, 2, 2.5),
        (date(2026, 2, 1), "network", 8, 4, 2),
        (date(2025, 12, 31), "training", 99, 9, 9),
    ]:
        StructuralActivity.objects.create(
            intervention=structural,
            held_on=day,
            title="x",
            kind=kind,
            attendees=people,
            organisations=orgs,
            hours=hours,
        )
    result = build_report("volume", intervention=structural, date_from=date(2026, 1, 1))
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert rows["training"] == [2, 30, 5, 5.5]
    assert rows["network"] == [1, 8, 4, 2.0]
    assert result["total"]["values"] == [3, 38, 9, 7.5]


# --- distance travelled --------------------------------------------------------------------


def test_distance_compares_first_and_latest_rating_per_dimension():
    R = distance.Rating
    ratings = [
        R(1, "language", "Språk", date(2026, 3, 1), 4),
        R(1, "language", "Språk", date(2026, 1, 1), 2),
        R(2, "language", "Språk", date(2026, 1, 1), 3),
        R(2, "language", "Språk", date(2026, 5, 1), 3),
        R(3, "language", "Språk", date(2026, 1, 1), 1),  # rated once: not counted
        R(1, "health", "Hälsa", date(2026, 1, 1), 3),
        R(1, "health", "Hälsa", date(2026, 2, 1), 2),
    ]
    language, health = distance.distance_travelled(ratings)
    assert (language.key, language.people, language.improved) == ("language", 2, 1)
    assert (language.first_mean, language.latest_mean, language.change_mean) == (2.5, 3.5, 1.0)
    assert (health.people, health.improved, health.change_mean) == (1, 0, -1.0)


@pytest.mark.django_db
def test_distance_report_reads_registered_rating_sources(
    scope, intervention, make_enrolment, monkeypatch
):
    a = make_enrolment(date(2026, 1, 1))
    b = make_enrolment(date(2026, 1, 1))

    def source(enrolments):
        ids = set(enrolments.values_list("id", flat=True))
        for enrolment_id, first, latest in [(a.pk, 2, 4), (b.pk, 3, 4)]:
            if enrolment_id in ids:
                yield distance.Rating(
                    enrolment_id, "work", "Arbetsförmåga", date(2026, 1, 2), first
                )
                yield distance.Rating(
                    enrolment_id, "work", "Arbetsförmåga", date(2026, 6, 2), latest
                )

    monkeypatch.setattr(distance, "RATING_SOURCES", [source])
    result = build_report("distance", intervention=intervention)
    assert result["rows"] == [{"label": "work", "values": [2, 2, 2.5, 4.0, 1.5]}]


@pytest.mark.django_db
def test_distance_report_without_ratings_says_so(scope, intervention):
    from stegvis.reports.definitions import compute_report

    report = compute_report("distance", ReportFilters(interventions=(intervention,)))
    assert report.table.rows == []
    assert "Inga stegskattningar" in report.notes[0]
