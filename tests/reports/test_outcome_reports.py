"""Exit reason × gender, status before → after, follow-ups and the monthly flow (SPEC §7, §8),
each computed on data whose answer is known by construction."""

from datetime import date

import pytest

from stegvis.core import reference
from stegvis.participants.models import FollowUp
from stegvis.reports import build_report
from stegvis.reports.definitions import compute_report
from stegvis.reports.filters import ReportFilters

pytestmark = pytest.mark.django_db

EXIT_REASONS = [
    "arbete",
    "studier",
    "flyttat_utomlands",
    "flyttat_inom_landet",
    "annan_malgrupp",
    "foraldrapenning",
    "a_kassa",
    "sjukskriven",
    "annat",
    "felregistrering",
]
AF_CODES = ["11", "14", "22", "33", "38", "42", "70", "81", "83", "JOB3", "EJ_AKTUELL"]


def row(result, label):
    return next(r["values"] for r in result["rows"] if r["label"] == label)


# --- exit-gender ---------------------------------------------------------------------------


def test_exit_gender_has_one_row_per_exit_reason_in_list_order(scope, intervention):
    result = build_report("exit-gender", intervention=intervention)
    assert result["columns"] == ["kvinna", "man", "annat", "totalt"]
    assert [r["label"] for r in result["rows"]] == EXIT_REASONS
    assert result["total"]["values"] == [0, 0, 0, 0]


def test_exit_gender_counts_exits_dated_in_the_period(scope, intervention, make_enrolment):
    make_enrolment(date(2025, 1, 1), date(2026, 1, 1), "arbete")  # first day: counted
    make_enrolment(date(2025, 1, 1), date(2026, 6, 30), "arbete", gender="man")  # last day
    make_enrolment(date(2025, 1, 1), date(2026, 3, 1), "studier", gender="annat")
    make_enrolment(date(2025, 1, 1), date(2025, 12, 31), "arbete")  # day before
    make_enrolment(date(2025, 1, 1), date(2026, 7, 1), "arbete")  # day after
    make_enrolment(date(2026, 2, 1))  # not exited
    result = build_report(
        "exit-gender",
        intervention=intervention,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 6, 30),
    )
    assert row(result, "arbete") == [1, 1, 0, 2]
    assert row(result, "studier") == [0, 0, 1, 1]
    assert result["total"]["values"] == [1, 1, 1, 3]


def test_exit_gender_never_counts_felregistrering(scope, intervention, make_enrolment):
    make_enrolment(date(2026, 1, 1), date(2026, 1, 1), "felregistrering")
    result = build_report("exit-gender", intervention=intervention)
    assert row(result, "felregistrering") == [0, 0, 0, 0]
    assert result["total"]["values"] == [0, 0, 0, 0]


def test_exit_gender_reports_the_share_to_work_or_studies(scope, intervention, make_enrolment):
    for reason in ["arbete", "studier", "annat", "sjukskriven"]:
        make_enrolment(date(2026, 1, 1), date(2026, 2, 1), reason)
    report = compute_report("exit-gender", ReportFilters(interventions=(intervention,)))
    assert "Andel till arbete eller studier: kvinna 50 %" in report.notes[0]
    assert "totalt 50 %" in report.notes[0]


def test_exit_reason_labels_come_from_the_federations_list(scope, intervention, make_enrolment):
    from stegvis.core.models import ReferenceCode

    ReferenceCode.objects.filter(kind="exit_reason", key="arbete").update(label="Jobb")
    make_enrolment(date(2026, 1, 1), date(2026, 2, 1), "arbete")
    report = compute_report("exit-gender", ReportFilters(interventions=(intervention,)))
    assert report.table.rows[0].label == "Jobb"
    assert report.as_dict()["rows"][0]["label"] == "arbete"  # keys stay stable


# --- af-code-change and income-change ------------------------------------------------------


def test_af_code_change_counts_exited_enrolments_before_and_after(
    scope, intervention, make_enrolment
):
    make_enrolment(date(2025, 1, 1), date(2026, 2, 1), af_code_before="11", af_code_after="33")
    make_enrolment(date(2025, 1, 1), date(2026, 2, 1), af_code_before="11", af_code_after="")
    make_enrolment(
        date(2025, 1, 1), date(2026, 2, 1), af_code_before="", af_code_after="EJ_AKTUELL"
    )
    make_enrolment(date(2025, 1, 1), af_code_before="14")  # active: not counted
    make_enrolment(date(2025, 1, 1), date(2026, 2, 1), "felregistrering", af_code_before="70")
    result = build_report("af-code-change", intervention=intervention)
    assert result["columns"] == ["fore", "efter"]
    assert [r["label"] for r in result["rows"]] == [*AF_CODES, "saknas"]
    assert row(result, "11") == [2, 0]
    assert row(result, "33") == [0, 1]
    assert row(result, "EJ_AKTUELL") == [0, 1]
    assert row(result, "14") == [0, 0]
    assert row(result, "70") == [0, 0]
    assert row(result, "saknas") == [1, 1]
    assert result["total"]["values"] == [3, 3]


def test_af_code_change_has_a_from_to_matrix(scope, intervention, make_enrolment):
    make_enrolment(date(2025, 1, 1), date(2026, 2, 1), af_code_before="11", af_code_after="33")
    make_enrolment(date(2025, 1, 1), date(2026, 2, 1), af_code_before="11", af_code_after="11")
    report = compute_report("af-code-change", ReportFilters(interventions=(intervention,)))
    matrix = report.extra_tables[0]
    assert matrix.columns == ["11", "33", "totalt"]
    assert [r.key for r in matrix.rows] == ["11", "33"]
    assert matrix.rows[0].values == [1, 1, 2]


def test_income_change_counts_every_source_a_person_had(scope, intervention, make_enrolment):
    make_enrolment(
        date(2025, 1, 1),
        date(2026, 2, 1),
        income_sources_before=["ekonomiskt_bistand", "a_kassa"],
        income_sources_after=["lon"],
    )
    make_enrolment(
        date(2025, 1, 1),
        date(2026, 2, 1),
        income_sources_before=["ekonomiskt_bistand"],
        income_sources_after=[],
    )
    make_enrolment(date(2025, 1, 1), income_sources_before=["sjukpenning"])  # active
    result = build_report("income-change", intervention=intervention)
    labels = [r["label"] for r in result["rows"]]
    keys = [key for key, _label, _flags in reference.DEFAULT_CODES["income_source"]]
    assert labels == [*keys, "saknas"]
    assert row(result, "ekonomiskt_bistand") == [2, 0]
    assert row(result, "a_kassa") == [1, 0]
    assert row(result, "lon") == [0, 1]
    assert row(result, "sjukpenning") == [0, 0]
    assert row(result, "saknas") == [0, 1]
    assert result["total"]["values"] == [2, 2]


# --- follow-up -----------------------------------------------------------------------------


def test_followup_report_counts_situations_of_those_exited_in_the_period(
    scope, intervention, make_enrolment
):
    exited = make_enrolment(date(2025, 1, 1), date(2025, 6, 1), "arbete")
    other = make_enrolment(date(2025, 1, 1), date(2025, 6, 1), "annat")
    later = make_enrolment(date(2025, 1, 1), date(2026, 6, 1), "arbete")
    FollowUp.objects.create(
        enrolment=exited, months=6, due_on=date(2025, 12, 1), status="done", situation="arbete"
    )
    FollowUp.objects.create(enrolment=exited, months=12, due_on=date(2026, 6, 1))
    FollowUp.objects.create(
        enrolment=other, months=6, due_on=date(2025, 12, 1), status="not_reached"
    )
    FollowUp.objects.create(
        enrolment=later, months=6, due_on=date(2026, 12, 1), status="done", situation="studier"
    )
    result = build_report(
        "followup",
        intervention=intervention,
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
    )
    assert result["columns"] == ["m6", "m12"]
    assert row(result, "arbete") == [1, 0]
    assert row(result, "studier") == [0, 0]
    assert row(result, "not_reached") == [1, 0]
    assert row(result, "planned") == [0, 1]
    assert result["total"]["values"] == [2, 1]


# --- flow ----------------------------------------------------------------------------------


def test_flow_counts_started_ended_and_active_per_month(scope, intervention, make_enrolment):
    make_enrolment(date(2025, 12, 15))  # active before the period and all through it
    make_enrolment(date(2026, 1, 31), date(2026, 2, 1))  # active in January and February
    make_enrolment(date(2026, 2, 10), date(2026, 2, 20))
    make_enrolment(date(2025, 11, 1), date(2025, 12, 31))  # ended before the period
    make_enrolment(date(2026, 3, 31))
    make_enrolment(date(2026, 1, 5), date(2026, 1, 5), "felregistrering")
    result = build_report(
        "flow", intervention=intervention, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)
    )
    assert result["columns"] == ["startade", "avslutade", "aktiva"]
    assert result["rows"] == [
        {"label": "2026-01", "values": [1, 0, 2]},
        {"label": "2026-02", "values": [1, 2, 3]},
        {"label": "2026-03", "values": [1, 0, 2]},
    ]
    assert result["total"]["values"] == [3, 2, 4]


def test_flow_active_total_matches_age_gender_total(scope, intervention, make_enrolment):
    for start, end in [
        (date(2024, 5, 1), None),
        (date(2025, 3, 1), date(2025, 9, 1)),
        (date(2026, 2, 1), date(2026, 2, 2)),
        (date(2023, 1, 1), date(2025, 1, 1)),
    ]:
        make_enrolment(start, end)
    period = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
    flow = build_report("flow", intervention=intervention, **period)
    ages = build_report("age-gender", intervention=intervention, **period)
    assert flow["total"]["values"][2] == ages["total"]["values"][3] == 3


def test_flow_of_an_empty_intervention_has_no_months(scope, intervention):
    result = build_report("flow", intervention=intervention)
    assert result["rows"] == []
    assert result["total"]["values"] == [0, 0, 0]
