"""The federation's survey pages: list, results with downloads, links (owner, colleague,
outsider)."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.surveys.models import Invitation
from tests.surveys.conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(person, invite):
    answer_all(invite(person).invitation, [2, 3, 1, 4, 2], today=date(2026, 2, 1))
    return person


def test_index_lists_the_questionnaires_with_review_status(login, admin, surveys):
    page = login(admin).get("/f/alfa/enkater/").content.decode()
    assert "Deltagarenkät" in page
    assert "maskinöversatta texter behöver granskas" in page


def test_outsider_gets_404(login, outsider, surveys):
    client = login(outsider)
    assert client.get("/f/alfa/enkater/").status_code == 404
    assert client.get("/f/alfa/enkater/deltagare/resultat/").status_code == 404


def test_results_page_shows_the_table_and_hides_small_cells_for_a_steering_member(
    login, admin, answered, federation, make_member
):
    page = login(admin).get("/f/alfa/enkater/deltagare/resultat/").content.decode()
    assert "Medelvärden och förändring" in page
    steering = make_member(federation, Role.STEERING, "stina")
    hidden = login(steering).get("/f/alfa/enkater/deltagare/resultat/").content.decode()
    assert "&lt;5" in hidden


def test_unknown_questionnaire_is_404(login, admin, surveys):
    assert login(admin).get("/f/alfa/enkater/finns-inte/resultat/").status_code == 404


def test_download_xlsx_and_pdf_are_logged(login, admin, answered):
    client = login(admin)
    response = client.get("/f/alfa/enkater/deltagare/resultat.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [str(c.value) for ws in workbook for row in ws for c in row]
    assert "Hur bra klarar du dig på svenska i vardagen?" in cells
    pdf = client.get("/f/alfa/enkater/deltagare/resultat.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.EXPORT, object_id="survey-results"
        ).count()
        == 2
    )


def test_case_worker_may_not_download(login, case_worker, surveys):
    assert login(case_worker).get("/f/alfa/enkater/deltagare/resultat.xlsx").status_code == 403


def test_admin_creates_an_anonymous_board_link(login, admin, surveys):
    response = login(admin).post(
        "/f/alfa/enkater/indikator-styrelse/lank/",
        {"respondent_group": "board", "language": "sv", "max_answers": "7"},
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.kind, invitation.max_answers, invitation.participant) == (
        "anonymous",
        7,
        None,
    )
    assert "/s/" in response.content.decode()


def test_case_worker_may_not_create_anonymous_links(login, case_worker, surveys):
    response = login(case_worker).post(
        "/f/alfa/enkater/indikator-styrelse/lank/",
        {"respondent_group": "board", "language": "sv", "max_answers": "1"},
    )
    assert response.status_code == 403


def test_case_worker_sends_a_personal_link_from_the_participant_page(
    login, case_worker, person, surveys
):
    client = login(case_worker)
    page = client.get(f"/f/alfa/deltagare/{person.pk}/?flik=enkater").content.decode()
    assert "Skicka en enkät till deltagaren" in page
    response = client.post(
        f"/f/alfa/deltagare/{person.pk}/enkatlank/",
        {"survey": "deltagare", "occasion": "midway", "language": "ti"},
    )
    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.participant, invitation.occasion, invitation.language) == (
        person,
        "midway",
        "ti",
    )


def test_colleague_outside_the_intervention_cannot_send_a_link(
    login, person, surveys, federation, other_intervention, make_member
):
    colleague = make_member(
        federation, Role.CASE_WORKER, "sven", interventions=[other_intervention]
    )
    response = login(colleague).post(
        f"/f/alfa/deltagare/{person.pk}/enkatlank/",
        {"survey": "deltagare", "occasion": "start", "language": "ar"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()
