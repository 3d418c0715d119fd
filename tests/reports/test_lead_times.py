"""Report lead-times: referral to decision, decision to start, referral to start, at the edges
of each rule (same-day decisions, undecided referrals, period boundaries)."""

from __future__ import annotations

import io
import json
import math
import statistics
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Enrolment, Participant, Referral
from stegvis.reports import leadtimes
from stegvis.reports.definitions import build_report
from tests.api.conftest import api, token_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


@pytest.fixture
def make_referral(scope, intervention):
    """``make_referral(referred_on, decided_after=None, status=..., start_after=None)``: days
    counted from the referral."""

    def make(referred_on, decided_after=None, status=None, start_after=None, **fields):
        person = Participant.objects.create(
            birth_year=1990, gender="kvinna", municipality=fields.pop("municipality", "Osby")
        )
        if status is None:
            status = "pending" if decided_after is None else "accepted"
        referral = Referral.objects.create(
            participant=person,
            intervention=fields.pop("intervention", intervention),
            referred_on=referred_on,
            reason="x",
            status=status,
            decided_on=referred_on + timedelta(days=decided_after)
            if decided_after is not None
            else None,
            **fields,
        )
        if start_after is not None:
            Enrolment.objects.create(
                participant=person,
                intervention=referral.intervention,
                referral=referral,
                start_date=referred_on + timedelta(days=start_after),
            )
        return referral

    return make


def rows(**kwargs) -> dict:
    report = build_report("lead-times", as_of=DAY + timedelta(days=60), **kwargs)
    assert report["columns"][:3] == ["antal", "median", "p90"]
    return {row["label"]: row["values"] for row in report["rows"]}


def test_contract_rows_come_first(make_referral):
    report = build_report("lead-times")
    labels = [row["label"] for row in report["rows"]]
    assert labels[:3] == ["anvisning_beslut", "beslut_start", "anvisning_start"]


def test_same_day_decision_counts_as_zero_and_undecided_are_left_out(make_referral):
    make_referral(DAY, decided_after=0, start_after=0)
    make_referral(DAY)  # undecided
    make_referral(DAY, decided_after=4, status="declined")
    got = rows()
    assert got["anvisning_beslut"][:3] == [2, 2, 4]
    # Declined and undecided referrals have no start.
    assert got["beslut_start"][:3] == [1, 0, 0]
    assert got["anvisning_start"][:3] == [1, 0, 0]
    # The undecided one waits: counted only in its own row.
    assert got["vantar_beslut"][0] == 1


def test_median_and_nearest_rank_p90(make_referral):
    days = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55]
    for d in days:
        make_referral(DAY, decided_after=d, start_after=d + 7)
    got = rows()
    assert got["anvisning_beslut"][1] == statistics.median(days) == 6.5
    assert got["anvisning_beslut"][2] == sorted(days)[math.ceil(0.9 * len(days)) - 1] == 34
    assert got["beslut_start"][:3] == [10, 7, 7]
    assert got["anvisning_start"][1] == statistics.median([d + 7 for d in days])


def test_p90_with_one_value_and_with_eleven():
    assert leadtimes.p90([9]) == 9
    values = list(range(1, 12))  # 90 % of 11 is 9.9: the 10th value
    assert leadtimes.p90(values) == 10
    assert leadtimes.p90([]) is None
    assert leadtimes.median([]) is None


def test_accepted_without_start_is_left_out_of_start_rows(make_referral):
    make_referral(DAY, decided_after=3)  # accepted, no enrolment
    got = rows()
    assert got["anvisning_beslut"][0] == 1
    assert got["beslut_start"][0] == 0
    assert got["anvisning_start"][0] == 0


def test_period_is_over_the_referral_date_inclusive(make_referral):
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    make_referral(start - timedelta(days=1), decided_after=1)  # day before: out
    make_referral(start, decided_after=2)  # first day: in
    make_referral(end, decided_after=40)  # last day, decided after the period: in
    make_referral(end + timedelta(days=1), decided_after=3)  # day after: out
    got = rows(date_from=start, date_to=end)
    assert got["anvisning_beslut"][:3] == [2, 21, 40]


def test_filters_by_intervention(make_referral, other_intervention):
    make_referral(DAY, decided_after=2)
    make_referral(DAY, decided_after=9, intervention=other_intervention)
    assert rows(intervention=other_intervention)["anvisning_beslut"][:3] == [1, 9, 9]


def test_target_counts_breaches_above_not_at_the_target(make_referral, federation):
    make_referral(DAY, decided_after=14)
    late = make_referral(DAY, decided_after=15)
    waiting = make_referral(DAY)  # 60 days by the report date
    got = rows()
    assert got["anvisning_beslut"][3] == 1
    assert got["vantar_beslut"][3] == 1
    from stegvis.reports.filters import ReportFilters

    found = leadtimes.breaches(ReportFilters(), as_of=DAY + timedelta(days=60))
    assert [r.pk for r in found] == [late.pk, waiting.pk]
    federation.settings = {"lead_time_decision_days": 30}
    federation.save()
    assert rows()["anvisning_beslut"][3] == 0


def test_gap_between_two_steps(scope, intervention, other_intervention):
    person = Participant.objects.create(birth_year=1990, gender="man", municipality="Osby")
    Enrolment.objects.create(
        participant=person,
        intervention=intervention,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 2, 1),
        exit_reason="annan_malgrupp",
    )
    Enrolment.objects.create(
        participant=person, intervention=other_intervention, start_date=date(2026, 2, 20)
    )
    seamless = Participant.objects.create(birth_year=1990, gender="man", municipality="Osby")
    Enrolment.objects.create(
        participant=seamless,
        intervention=intervention,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 2, 1),
        exit_reason="annan_malgrupp",
    )
    Enrolment.objects.create(
        participant=seamless, intervention=other_intervention, start_date=date(2026, 2, 1)
    )
    got = rows()
    assert got["glapp"][:3] == [2, 9.5, 19]


def test_cli_and_api_give_the_same_json(make_referral, federation, api, admin):  # noqa: F811
    make_referral(DAY, decided_after=5, start_after=12)
    out = io.StringIO()
    call_command(
        "report", "lead-times", "--federation", federation.slug, stdout=out, stderr=io.StringIO()
    )
    cli = json.loads(out.getvalue())
    assert cli["report"] == "lead-times"
    values = {r["label"]: r["values"] for r in cli["rows"]}
    assert values["anvisning_beslut"][:3] == [1, 5, 5]
    assert values["anvisning_start"][:3] == [1, 12, 12]
    response = api(admin).get("/reports/lead-times", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["columns"][:3] == ["antal", "median", "p90"]
    assert {r["label"]: r["values"] for r in body["rows"]}["anvisning_beslut"][:3] == [1, 5, 5]
    empty = api(admin).get("/reports/lead-times", **{"from": "2026-04-01"}).json()
    assert {r["label"]: r["values"] for r in empty["rows"]}["anvisning_beslut"][:3] == [
        0,
        None,
        None,
    ]


def test_lead_time_page_hides_people_outside_scope(
    make_referral, login, federation, make_member, other_intervention, case_worker
):
    from stegvis.core.roles import Role

    make_referral(DAY, intervention=other_intervention)
    with federation_scope(federation):
        Participant.objects.update(first_name="Hemlig", last_name="Person")
    page = login(case_worker).get(f"/f/{federation.slug}/ledtider/?insats=INS-2")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hemlig" not in text
    assert "Visas för insatsens handläggare" in text
    colleague = make_member(federation, Role.CASE_WORKER, "kim", interventions=[other_intervention])
    assert (
        "Hemlig Person" in login(colleague).get(f"/f/{federation.slug}/ledtider/").content.decode()
    )
