"""``/api/v1/reports``: the same JSON as ``stegvis report``, the same rights and small-cell rule
as the web."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.reports.definitions import REPORTS
from tests.api.conftest import ROLES

pytestmark = pytest.mark.django_db

# The steering group downloads the aggregated reports it sees (small cells hidden).
REPORT_RIGHTS = {Role.FEDERATION_ADMIN, Role.INTERVENTION_LEAD, Role.EVALUATOR, Role.STEERING}
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture
def data(scope, admin, intervention, register, enrol):
    """Seven women and three men; most exited to work or studies, one still active."""
    for i in range(7):
        person = register(intervention, born=date(1990, 1, 1 + i), gender="kvinna")
        enrol(person, intervention, date(2026, 1, 10))
    for i in range(3):
        person = register(intervention, born=date(2001, 2, 1 + i), gender="man")
        enrol(person, intervention, date(2026, 2, 1))
    from stegvis.participants import services
    from stegvis.participants.models import Enrolment

    for enrolment in Enrolment.objects.order_by("id")[:4]:
        services.enrolment_exit(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            end_date=date(2026, 5, 1),
            exit_reason="arbete",
        )
    return intervention


def command_json(name, *args):
    out = io.StringIO()
    call_command("report", name, "--federation", "alfa", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_is_the_same_json_as_the_command(api, data, admin, name):
    caller = api(admin)
    response = caller.get(f"/reports/{name}", intervention="INS-1")
    assert response.status_code == 200, response.content
    assert response.json() == command_json(name, "--intervention", "INS-1")
    response = caller.get(f"/reports/{name}", intervention="INS-1", **PERIOD)
    assert response.status_code == 200, response.content
    assert response.json() == command_json(
        name, "--intervention", "INS-1", "--from", PERIOD["from"], "--to", PERIOD["to"]
    )


def test_contract_shape(api, data, admin):
    body = api(admin).get("/reports/age-gender", intervention="INS-1").json()
    assert set(body) == {"report", "columns", "rows", "total"}
    assert body["report"] == "age-gender"
    assert body["total"] == {"label": "Totalt", "values": [7, 3, 0, 10]}
    assert all(isinstance(v, int) for row in body["rows"] for v in row["values"])


def test_intervention_lead_gets_the_report_but_no_participants(api, data, member):
    lead = api(member(Role.INTERVENTION_LEAD))
    response = lead.get("/reports/exit-gender", intervention="INS-1", **PERIOD)
    assert response.status_code == 200
    assert response.json() == command_json(
        "exit-gender", "--intervention", "INS-1", "--from", PERIOD["from"], "--to", PERIOD["to"]
    )
    assert lead.get("/participants").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_report_rights_per_role(api, data, member, role):
    caller = api(member(role))
    expected = 200 if role in REPORT_RIGHTS else 403
    assert caller.get("/reports").status_code == expected
    assert caller.get("/reports/age-gender", intervention="INS-1").status_code == expected


def test_small_cells_hidden_for_roles_without_exact_counts(api, data, member):
    """The evaluator always gets the version for external use, exactly as the command's
    ``--external`` gives it."""
    body = api(member(Role.EVALUATOR)).get("/reports/age-gender", intervention="INS-1").json()
    assert body == command_json("age-gender", "--intervention", "INS-1", "--external")
    assert "<5" in [v for row in body["rows"] for v in row["values"]]


def test_lead_sees_exact_counts_also_on_interventions_not_assigned(
    api, data, federation, other_intervention, make_member
):
    elsewhere = make_member(federation, Role.INTERVENTION_LEAD, "lisa", [other_intervention])
    body = api(elsewhere).get("/reports/age-gender", intervention="INS-1").json()
    assert body == command_json("age-gender", "--intervention", "INS-1")
    all_interventions = api(elsewhere).get("/reports/age-gender").json()
    assert all_interventions == command_json("age-gender")


def test_evaluator_gets_small_cells_hidden(api, data, federation, make_member):
    evaluator = make_member(federation, Role.EVALUATOR, "eva")
    body = api(evaluator).get("/reports/age-gender", intervention="INS-1").json()
    assert body == command_json("age-gender", "--intervention", "INS-1", "--external")


def test_anyone_may_ask_for_the_external_version(api, data, admin):
    body = api(admin).get("/reports/age-gender", intervention="INS-1", external="true").json()
    assert body == command_json("age-gender", "--intervention", "INS-1", "--external")


def test_unknown_report_or_intervention_is_404_in_swedish(api, data, admin):
    caller = api(admin)
    response = caller.get("/reports/finns-inte", intervention="INS-1")
    assert response.status_code == 404
    assert "Rapporten 'finns-inte' finns inte" in response.json()["detail"]
    response = caller.get("/reports/age-gender", intervention="INS-9")
    assert response.status_code == 404
    assert response.json()["detail"] == "Insatsen 'INS-9' finns inte i förbundet."


def test_intervention_of_another_federation_is_404(api, data, outsider):
    response = api(outsider).get("/reports/age-gender", intervention="INS-1")
    assert response.status_code == 404


def test_x_federation_for_a_federation_one_is_not_in_is_403(client, data, outsider, token_for):
    response = client.get(
        "/api/v1/reports/age-gender",
        {"intervention": "INS-1"},
        HTTP_X_FEDERATION="alfa",
        **token_for(outsider),
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"from": "2026-02-30"},
        {"to": "1 maj"},
        {"from": "2026-06-01", "to": "2026-01-01"},
    ],
)
def test_bad_dates_are_422(api, data, admin, params):
    response = api(admin).get("/reports/age-gender", intervention="INS-1", **params)
    assert response.status_code == 422
    assert response.json()["detail"] == "Felaktig begäran."


def test_listing_names_every_report(api, admin):
    body = api(admin).get("/reports").json()
    assert body["count"] == len(REPORTS)
    assert {r["name"] for r in body["items"]} == set(REPORTS)
    assert {"name": "age-gender", "title": "Ålder och kön"}.items() <= body["items"][0].items()


def test_fetching_a_report_is_logged_as_an_export(api, data, admin):
    api(admin).get("/reports/flow", intervention="INS-1")
    entry = AuditEntry.objects.get(action="export", object_id="flow", actor_username="alice")
    assert entry.detail["intervention"] == "INS-1"
    assert entry.detail["external"] is False


def test_period_is_applied(api, data, admin):
    caller = api(admin)
    whole = caller.get("/reports/exit-gender", intervention="INS-1").json()
    later = caller.get("/reports/exit-gender", intervention="INS-1", **{"from": "2026-05-02"})
    assert whole["total"]["values"][:3] == [4, 0, 0]
    assert later.json()["total"]["values"][:3] == [0, 0, 0]
