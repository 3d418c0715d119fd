"""The Effekt page, its downloads and the pseudonymised extract: who may see what."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope


@pytest.fixture
def groups(populate, intervention, other_intervention):
    populate(intervention, 40, 0.6, seed=1)
    populate(other_intervention, 50, 0.4, seed=2)


def url(code="INS-1", suffix="effekt/", slug="alfa"):
    return f"/f/{slug}/insatser/{code}/{suffix}?comparison=INS-2"


def test_lead_sees_estimate_interval_balance_and_chart(groups, login, make_member, federation):
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    response = login(lead).get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skattad effekt" in html
    assert "95 % intervall" in html
    assert "Balans före och efter viktning" in html
    assert "<svg" in html
    assert "Jämförelsegrupp" in html
    view = response.context["view"]
    assert view.result.estimate is not None
    assert view.hidden_below == 0
    assert view.summary.rows[0].values == [40]


def test_steering_group_sees_aggregates_with_small_counts_hidden(
    populate, intervention, other_intervention, login, make_member, federation
):
    populate(intervention, 40, 0.6, seed=1)
    populate(other_intervention, 50, 0.4, seed=2)
    steering = make_member(federation, Role.STEERING, "stina")
    response = login(steering).get(url())
    assert response.status_code == 200
    view = response.context["view"]
    assert view.hidden_below == 5
    cells = [v for row in view.overlap.rows for v in row.values]
    assert all(not (isinstance(v, int) and 0 < v < 5) for v in cells)
    assert "Test" not in response.content.decode()  # no names


def test_groups_below_the_threshold_show_no_estimate_to_steering(
    enrol, intervention, other_intervention, login, make_member, federation
):
    with federation_scope(federation):
        federation.settings["small_cell_threshold"] = 20
        federation.save()
    for i in range(12):
        enrol(
            intervention,
            date(2024, 1, 1),
            date(2024, 6, 1),
            "arbete" if i % 2 else "annat",
            age=25 + i,
        )
    for i in range(40):
        enrol(
            other_intervention,
            date(2024, 1, 1),
            date(2024, 6, 1),
            "arbete" if i % 3 else "annat",
            age=22 + i % 20,
        )
    steering = make_member(federation, Role.STEERING, "stina")
    view = login(steering).get(url()).context["view"]
    assert view.estimate_hidden
    assert view.summary.rows[0].values == ["<20"]
    assert all(row.values == [None] for row in view.summary.rows[2:])


def test_case_worker_of_the_intervention_sees_the_page(groups, login, case_worker):
    assert login(case_worker).get(url()).status_code == 200


def test_association_leader_may_not(groups, login, make_member, federation):
    leader = make_member(federation, Role.ASSOCIATION_LEADER, "leif")
    assert login(leader).get(url()).status_code == 403


def test_outsider_gets_404(groups, login, outsider):
    assert login(outsider).get(url()).status_code == 404
    assert login(outsider).get(url(slug="beta")).status_code == 404


def test_unknown_comparison_says_so(groups, login, admin):
    response = login(admin).get("/f/alfa/insatser/INS-1/effekt/?comparison=INS-1")
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_pdf_and_xlsx_downloads_are_logged(groups, login, make_member, federation):
    from openpyxl import load_workbook

    evaluator = make_member(federation, Role.EVALUATOR, "eva")
    client = login(evaluator)
    pdf = client.get(url(suffix="effekt.pdf").replace("/effekt/", "/"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(url(suffix="effekt.xlsx"))
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    sheet = workbook.worksheets[0]
    assert sheet["B2"].value == "Deltagare med utfall"
    with federation_scope(federation):
        formats = sorted(
            e.detail["format"] for e in AuditEntry.objects.filter(object_type="effect_estimate")
        )
    assert formats == ["pdf", "xlsx"]


def test_steering_group_downloads_the_aggregates(groups, login, make_member, federation):
    # The steering group may download the aggregated reports it may see (small cells hidden).
    steering = make_member(federation, Role.STEERING, "stina")
    assert login(steering).get(url(suffix="effekt.pdf")).status_code == 200


def test_extract_is_pseudonymised_stable_and_audited(groups, login, admin, federation):
    client = login(admin)
    response = client.get(url(suffix="effekt/underlag.csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 90
    assert {r["grupp"] for r in rows} == {"deltagare", "jämförelse"}
    assert all(r["pseudonym"].startswith("P-") and len(r["pseudonym"]) == 18 for r in rows)
    assert len({r["pseudonym"] for r in rows}) == 90
    assert "Test" not in text
    assert "personnummer" not in text
    assert "Person" not in text
    again = client.get(url(suffix="effekt/underlag.csv")).content.decode("utf-8-sig")
    assert [r["pseudonym"] for r in csv.DictReader(io.StringIO(again))] == [
        r["pseudonym"] for r in rows
    ]
    with federation_scope(federation):
        entries = AuditEntry.objects.filter(object_type="evaluation_extract")
        assert entries.count() == 2
        assert entries.first().detail["rows"] == 90
        assert entries.first().actor == admin.user


@pytest.mark.parametrize("role", [Role.INTERVENTION_LEAD, Role.EVALUATOR, Role.STEERING])
def test_extract_only_for_those_who_export_all_data(groups, login, make_member, federation, role):
    member = make_member(federation, role, "person")
    assert login(member).get(url(suffix="effekt/underlag.csv")).status_code == 403


def test_extract_of_other_federation_is_404(groups, login, outsider):
    assert login(outsider).get(url(suffix="effekt/underlag.csv")).status_code == 404


def test_cohorts_page_lists_groups_for_members_and_404_for_outsiders(
    scope, login, make_member, federation, intervention, outsider
):
    from stegvis.evaluation.models import ComparisonCohort, ComparisonPerson

    cohort = ComparisonCohort.objects.create(
        code="KOMMUN", name="Registret", intervention=intervention
    )
    ComparisonPerson.objects.create(
        cohort=cohort, person_hash="a" * 64, birth_year=1980, gender="man",
        start_date=date(2024, 1, 1), end_date=date(2024, 6, 1), work_or_studies=True,
    )  # fmt: skip
    steering = make_member(federation, Role.STEERING, "stina")
    response = login(steering).get("/f/alfa/effekt/jamforelsegrupper/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "KOMMUN" in html
    assert "Skapa grupp av anvisade" not in html  # needs all personal data
    assert login(outsider).get("/f/alfa/effekt/jamforelsegrupper/").status_code == 404


def test_cohort_from_referrals_button_only_for_admin(
    scope, login, admin, make_member, federation, intervention
):
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    data = {"intervention": intervention.pk}
    assert login(lead).post("/f/alfa/effekt/jamforelsegrupper/anvisade/", data).status_code == 403
    response = login(admin).post("/f/alfa/effekt/jamforelsegrupper/anvisade/", data)
    assert response.status_code == 302
    from stegvis.evaluation.models import ComparisonCohort

    assert ComparisonCohort.objects.get().code == "INS-1-ANV"
