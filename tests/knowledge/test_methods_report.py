"""The methods report and API contract: one row per method, counted as age-gender counts
enrolments and exit-gender counts exits, over the method's interventions."""

from __future__ import annotations

from datetime import date

import pytest

from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from stegvis.knowledge.models import Method
from stegvis.reports import build_report

pytestmark = pytest.mark.django_db


def _row(report, code):
    (row,) = [r for r in report["rows"] if r["label"] == code]
    return dict(zip(report["columns"], row["values"], strict=True))


def test_every_federation_starts_with_the_default_methods(scope, other_federation):
    codes = set(Method.objects.values_list("code", flat=True))
    assert {"LF", "MI", "KBT", "TREPART", "HALSA", "MENTOR", "SPRAK-ARB", "IPS"} <= codes
    with federation_scope(other_federation):
        assert Method.objects.filter(code="MI").count() == 1


def test_one_intervention_equals_age_gender_and_exit_gender_totals(
    scope, intervention, other_intervention, make_enrolment, link
):
    link("MI", intervention)
    # Inside the period, before it, after it, a felregistrering, and another intervention.
    make_enrolment(date(2025, 1, 1), date(2025, 3, 1), "arbete", gender="man")
    make_enrolment(date(2025, 2, 1), date(2025, 4, 1), "studier")
    make_enrolment(date(2025, 2, 1), date(2025, 5, 1), "annat")
    make_enrolment(date(2024, 1, 1), date(2024, 6, 1), "arbete")  # ended before the period
    make_enrolment(date(2024, 6, 1), date(2025, 1, 15), "arbete")  # ends in the period
    make_enrolment(date(2025, 6, 1))  # active
    make_enrolment(date(2026, 3, 1))  # starts after the period
    make_enrolment(date(2025, 2, 1), date(2025, 2, 2), "felregistrering")
    make_enrolment(date(2025, 2, 1), date(2025, 3, 1), "arbete", intervention=other_intervention)
    period = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}

    methods = build_report("methods", **period)
    ages = build_report("age-gender", intervention=intervention, **period)
    exits = build_report("exit-gender", intervention=intervention, **period)

    mi = _row(methods, "MI")
    assert mi["deltagare"] == ages["total"]["values"][-1] == 5
    assert mi["avslutade"] == exits["total"]["values"][-1] == 4
    work_rows = [r for r in exits["rows"] if r["label"] in ("arbete", "studier")]
    assert mi["arbete_studier"] == sum(r["values"][-1] for r in work_rows) == 3
    # A method no intervention uses counts nothing.
    assert _row(methods, "KBT")["deltagare"] == 0
    assert methods["report"] == "methods"
    assert {"deltagare", "avslutade", "arbete_studier"} <= set(methods["columns"])


def test_method_of_two_interventions_counts_both(
    scope, intervention, other_intervention, exits, link
):
    link("TREPART", intervention)
    link("TREPART", other_intervention)
    exits(intervention, work=2, other=1)
    exits(other_intervention, work=1, other=3, active=2)
    row = _row(build_report("methods"), "TREPART")
    assert (row["deltagare"], row["avslutade"], row["arbete_studier"]) == (9, 7, 3)
    assert row["lag"] < row["andel"] < row["hog"]


def test_external_report_hides_small_cells(scope, intervention, exits, link):
    link("MI", intervention)
    exits(intervention, work=2, other=4)
    row = _row(build_report("methods", external=True), "MI")
    assert row["deltagare"] == 6
    assert row["avslutade"] == 6
    assert row["arbete_studier"] == "<5"
    # The share would give the hidden count away (2 of 6): it is hidden too.
    assert (row["andel"], row["lag"], row["hog"]) == (None, None, None)
    link("KBT", intervention)
    shown = _row(build_report("methods", external=True), "KBT")
    assert shown["andel"] is None  # same interventions, same rule


def test_api_lists_methods_with_intervention_codes(
    scope, federation, intervention, link, make_member, api, outsider
):
    link("MI", intervention)
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena", interventions=[intervention])
    body = api(lead).get("/methods").json()
    mi = next(m for m in body["items"] if m["code"] == "MI")
    assert mi["name"] == "Motiverande samtal (MI)"
    assert mi["interventions"] == ["INS-1"]
    assert set(mi) >= {"code", "name", "interventions"}
    # The intervention's API output still lists its methods, now as codes.
    assert api(lead).get("/interventions").json()["items"][0]["methods"] == ["MI"]
    # Another federation's token sees its own catalogue, without this intervention.
    other = api(outsider).get("/methods").json()
    assert all(m["interventions"] == [] for m in other["items"])


def test_api_report_and_command_agree(scope, federation, intervention, exits, link, api, admin):
    import json
    from io import StringIO

    from django.core.management import call_command

    link("MI", intervention)
    exits(intervention, work=6, other=4)
    body = api(admin).get("/reports/methods", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert body.status_code == 200
    assert _row(body.json(), "MI")["arbete_studier"] == 6
    out = StringIO()
    call_command(
        "report",
        "methods",
        "--federation",
        "alfa",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == body.json()


def test_steering_role_fetches_the_aggregated_report_over_api(scope, federation, make_member, api):
    # The steering group downloads the aggregates it may see (small cells always hidden).
    steering = make_member(federation, Role.STEERING, "stina")
    assert api(steering).get("/reports/methods").status_code == 200
    assert api(steering).get("/methods").status_code == 200


def test_structural_intervention_without_participants(scope, link):
    structural = Intervention.objects.create(code="STR", name="Metodarbete", kind="structural")
    link("LF", structural)
    row = _row(build_report("methods"), "LF")
    assert (row["deltagare"], row["avslutade"], row["andel"], row["lag"]) == (0, 0, None, None)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"date_from": date(2025, 3, 1), "date_to": date(2025, 8, 31)},
        {"date_from": date(2025, 9, 2)},
        {"interventions": ("INS-2",)},
    ],
)
def test_counting_all_methods_at_once_equals_each_method_alone(
    scope, intervention, other_intervention, exits, link, make_enrolment, filters
):
    """The report counts every method in two grouped queries; each row must equal the
    method's own count, with shared interventions, periods, an intervention filter and a
    felregistrering that counts nowhere."""
    from stegvis.knowledge.results import _counts, counts_by_method, linked_interventions
    from stegvis.reports.filters import ReportFilters

    def alone(method, report_filters):
        interventions = linked_interventions(method, report_filters)
        return _counts(report_filters.with_interventions(interventions)) if interventions else None

    link("TREPART", intervention)
    link("TREPART", other_intervention)
    link("MI", other_intervention)
    link("KBT", intervention)
    exits(intervention, work=3, other=2, active=1)
    exits(other_intervention, work=1, other=4, active=3, start=date(2025, 6, 1))
    make_enrolment(date(2025, 2, 1), date(2025, 2, 2), "felregistrering")
    if "interventions" in filters:
        codes = filters.pop("interventions")
        filters["interventions"] = tuple(Intervention.objects.filter(code__in=codes))
    report_filters = ReportFilters(**filters)
    together = counts_by_method(report_filters)
    empty = {"deltagare": 0, "avslutade": 0, "arbete_studier": 0}
    for method in Method.objects.all():
        assert together.get(method.pk, empty) == (alone(method, report_filters) or empty), method
    assert any(sum(c.values()) for c in together.values())
