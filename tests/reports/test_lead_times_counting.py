"""Report lead-times counts in the database: distributions arrive as (days, count) pairs and
the gaps come from a window over each person's steps. These tests hold the SQL to the rules:
the same median and percentile as over the listed values, gaps across a felregistrering,
filters on the next step, changes per person, and the per-group tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stegvis.core.models import Authority
from stegvis.participants.models import Enrolment, Participant, Referral
from stegvis.reports import leadtimes
from stegvis.reports.definitions import build_report, compute_report
from stegvis.reports.filters import ReportFilters

DAY = date(2026, 3, 2)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=400), min_size=0, max_size=60))
def test_distribution_gives_the_median_and_p90_of_the_listed_values(values):
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    found = leadtimes.Distribution(counts)
    assert len(found) == len(values)
    assert found.median() == leadtimes.median(values)
    assert found.p90() == leadtimes.p90(values)


@pytest.mark.parametrize("n", [1, 2, 9, 10, 11, 19, 20, 21, 29, 30, 100, 1000, 12345])
def test_p90_rank_matches_numpy_at_whole_and_broken_ranks(n):
    values = list(range(n))
    assert leadtimes.p90_rank(n) == leadtimes.p90(values)


def test_distribution_counts_values_above_a_limit_not_at_it():
    found = leadtimes.Distribution({13: 2, 14: 1, 15: 3})
    assert found.above(14) == 3
    assert leadtimes.Distribution().median() is None
    assert leadtimes.Distribution().p90() is None


pytestmark = pytest.mark.django_db


def _person(municipality: str = "Osby") -> Participant:
    return Participant.objects.create(birth_year=1990, gender="man", municipality=municipality)


def _step(person, intervention, start, end=None, exit_reason="", referral=None):
    if end and not exit_reason:
        exit_reason = "annan_malgrupp"
    return Enrolment.objects.create(
        participant=person,
        intervention=intervention,
        start_date=start,
        end_date=end,
        exit_reason=exit_reason,
        referral=referral,
    )


def _rows(**kwargs) -> dict:
    report = build_report("lead-times", as_of=DAY + timedelta(days=60), **kwargs)
    return {row["label"]: row["values"] for row in report["rows"]}


def test_gap_skips_a_felregistrering_and_clips_overlaps_to_zero(
    scope, intervention, other_intervention
):
    person = _person()
    _step(person, intervention, date(2026, 1, 1), date(2026, 1, 31))
    # Registered by mistake between the two: not a step of its own.
    _step(person, other_intervention, date(2026, 2, 2), date(2026, 2, 3), "felregistrering")
    _step(person, other_intervention, date(2026, 2, 10))
    overlapping = _person()
    _step(overlapping, intervention, date(2026, 1, 1), date(2026, 3, 1))
    _step(overlapping, other_intervention, date(2026, 2, 1))
    assert _rows()["glapp"][:3] == [2, 5, 10]


def test_gap_is_filtered_on_the_next_step_and_its_referral_date(
    scope, intervention, other_intervention
):
    person = _person()
    _step(person, intervention, date(2026, 1, 1), date(2026, 1, 31))
    referral = Referral.objects.create(
        participant=person,
        intervention=other_intervention,
        referred_on=date(2026, 2, 5),
        reason="x",
        status="accepted",
        decided_on=date(2026, 2, 6),
    )
    _step(person, other_intervention, date(2026, 3, 2), referral=referral)
    # The next step belongs to the other intervention and was referred on 5 February.
    assert _rows(intervention=other_intervention)["glapp"][:3] == [1, 30, 30]
    assert _rows(intervention=intervention)["glapp"][0] == 0
    assert _rows(date_from=date(2026, 2, 5), date_to=date(2026, 2, 5))["glapp"][0] == 1
    assert _rows(date_from=date(2026, 2, 6))["glapp"][0] == 0
    assert _rows(date_to=date(2026, 2, 4))["glapp"][0] == 0
    assert _rows(municipality="Osby")["glapp"][0] == 1
    assert _rows(municipality="Lund")["glapp"][0] == 0


def test_changes_count_each_referred_persons_steps_minus_one(scope, intervention):
    mover, stayer, unreferred = _person(), _person(), _person()
    for person in (mover, stayer):
        Referral.objects.create(
            participant=person, intervention=intervention, referred_on=DAY, reason="x"
        )
    _step(mover, intervention, date(2025, 1, 1), date(2025, 2, 1))
    _step(mover, intervention, date(2025, 3, 1), date(2025, 3, 2), "felregistrering")
    _step(mover, intervention, date(2025, 4, 1), date(2025, 5, 1))
    _step(mover, intervention, date(2025, 6, 1))
    _step(stayer, intervention, date(2025, 1, 1))
    for start in (date(2025, 1, 1), date(2025, 3, 1)):
        _step(unreferred, intervention, start, start + timedelta(days=10))
    # The mover changed twice, the stayer never; the person never referred is not counted.
    assert _rows()["byten_per_person"][:3] == [2, 1, 2]


def test_group_tables_list_every_group_with_referrals(scope, intervention, other_intervention):
    authority = Authority.objects.create(kind="fk", name="Försäkringskassan Syd")
    for days, iv in [(2, intervention), (4, intervention), (9, other_intervention)]:
        person = _person()
        referral = Referral.objects.create(
            participant=person,
            intervention=iv,
            referred_on=DAY,
            reason="x",
            status="accepted",
            decided_on=DAY + timedelta(days=days),
            referring_authority=authority,
        )
        _step(person, iv, DAY + timedelta(days=days + 10), referral=referral)
    Referral.objects.create(
        participant=_person(), intervention=other_intervention, referred_on=DAY, reason="x"
    )
    report = compute_report("lead-times", ReportFilters(), as_of=DAY + timedelta(days=60))
    per_intervention, per_authority, _per_hub = report.extra_tables
    values = {row.label: row.values for row in per_intervention.rows}
    assert values[f"{intervention.code} {intervention.name}"] == [2, 3, 4, 2, 13, 14]
    assert values[f"{other_intervention.code} {other_intervention.name}"] == [1, 9, 9, 1, 19, 19]
    authorities = {row.label: row.values for row in per_authority.rows}
    # The undecided referral has no authority: its group is there, with nothing decided.
    assert authorities["Försäkringskassan Syd"][0] == 3
    assert authorities["Uppgift saknas"] == [0, None, None, 0, None, None]
