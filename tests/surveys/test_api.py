"""The API contract of issue #17, exactly as written."""

import re

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from tests.api.conftest import api, token_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

ARABIC_FIRST = "ما مدى قدرتك على التعامل باللغة السويدية في الحياة اليومية؟"


def test_list_surveys_gives_code_version_languages(api, admin):  # noqa: F811
    response = api(admin).get("/surveys")
    assert response.status_code == 200
    items = {item["code"]: item for item in response.json()["items"]}
    assert items["deltagare"]["version"] == 1
    assert set(items["deltagare"]["languages"]) == {"sv", "ar", "prs", "so", "ti", "en", "uk"}
    assert "sv" in items["indikator-styrelse"]["languages"]


def test_invitation_contract_from_post_to_closed_link(client, api, admin, person):  # noqa: F811
    response = api(admin).post(
        "/surveys/deltagare/invitations",
        {"participant_id": person.pk, "occasion": "start", "language": "ar"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int)
    url = body["url"]
    assert url.startswith(("/", "http://", "https://"))
    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    tag = re.search(r"<html[^>]*>", page.content.decode()).group(0)
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag
    assert ARABIC_FIRST in page.content.decode()
    assert client.post(url, {"q_svenska": "3"}).status_code == 200
    assert client.post(url, {"q_svenska": "4"}).status_code == 410


def test_swedish_link_is_not_right_to_left(client, api, admin, person):  # noqa: F811
    url = (
        api(admin)
        .post(
            "/surveys/deltagare/invitations",
            {"participant_id": person.pk, "occasion": "exit", "language": "sv"},
        )
        .json()["url"]
    )
    tag = re.search(r"<html[^>]*>", client.get(url).content.decode()).group(0)
    assert 'dir="rtl"' not in tag


def test_invitation_for_someone_outside_the_case_workers_scope_is_404(
    api,  # noqa: F811
    person,
    federation,
    other_intervention,
    make_member,
):
    colleague = make_member(
        federation, Role.CASE_WORKER, "sven", interventions=[other_intervention]
    )
    response = api(colleague).post(
        "/surveys/deltagare/invitations",
        {"participant_id": person.pk, "occasion": "start", "language": "ar"},
    )
    assert response.status_code == 404


def test_invitation_from_another_federation_is_404(api, outsider, person):  # noqa: F811
    response = api(outsider).post(
        "/surveys/deltagare/invitations",
        {"participant_id": person.pk, "occasion": "start", "language": "ar"},
    )
    assert response.status_code == 404


def test_invitation_needs_personal_data_rights(api, person, make_member, federation):  # noqa: F811
    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    response = api(lead).post(
        "/surveys/deltagare/invitations",
        {"participant_id": person.pk, "occasion": "start", "language": "ar"},
    )
    assert response.status_code == 403


def test_bad_occasion_and_language_are_refused(api, admin, person):  # noqa: F811
    caller = api(admin)
    path = "/surveys/deltagare/invitations"
    bad_occasion = caller.post(path, {"participant_id": person.pk, "occasion": "later"})
    assert bad_occasion.status_code == 422
    bad_language = caller.post(
        path, {"participant_id": person.pk, "occasion": "start", "language": "xx"}
    )
    assert bad_language.status_code == 400
    assert "språket 'xx'" in str(bad_language.json()["detail"])
    unknown = caller.post(
        "/surveys/finns-inte/invitations", {"participant_id": person.pk, "occasion": "start"}
    )
    assert unknown.status_code == 404


def test_survey_results_report_shape_and_export_logged(api, admin, person, invite):  # noqa: F811
    from tests.surveys.conftest import answer_all

    answer_all(invite(person).invitation, [2, 3, 1, 4, 2])
    response = api(admin).get("/reports/survey-results", survey="deltagare", intervention="INS-1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"report", "columns", "rows", "total"}
    assert body["report"] == "survey-results"
    svenska = next(row for row in body["rows"] if row["label"] == "svenska")
    assert svenska["values"][:2] == [1, 2.0]
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_id="survey-results"
    ).exists()


def test_survey_results_unknown_survey_or_intervention_is_404(api, admin, surveys):  # noqa: F811
    caller = api(admin)
    assert caller.get("/reports/survey-results", survey="nej").status_code == 404
    missing = caller.get("/reports/survey-results", survey="deltagare", intervention="X")
    assert missing.status_code == 404


def test_survey_results_needs_report_rights(api, case_worker, surveys):  # noqa: F811
    response = api(case_worker).get("/reports/survey-results", survey="deltagare")
    assert response.status_code == 403
