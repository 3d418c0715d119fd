"""Answering without an account: one-time personal links, expiry, anonymous and kiosk links,
and the answering page in the participant's language and direction."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from stegvis.assessments.models import StepRating
from stegvis.core.models import AuditEntry
from stegvis.surveys import services
from stegvis.surveys.models import Answer, Invitation, Response
from tests.surveys.conftest import answer_all, form

pytestmark = pytest.mark.django_db

ARABIC_FIRST = "ما مدى قدرتك على التعامل باللغة السويدية في الحياة اليومية؟"


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_only_the_hash_of_the_token_is_stored(person, invite):
    link = invite(person)
    assert link.token not in link.invitation.token_hash
    assert Invitation.objects.filter(token_hash=link.token).count() == 0


def test_arabic_page_is_right_to_left_with_the_arabic_question(client, person, invite):
    link = invite(person, language="ar")
    response = client.get(link.path)
    assert response.status_code == 200
    tag = html_tag(response)
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag
    page = response.content.decode()
    assert ARABIC_FIRST in page
    assert "مرحباً Amal!" in page
    assert "Haddad" not in page  # the first name only


def test_dari_is_right_to_left_and_swedish_left_to_right(client, person, invite):
    dari = client.get(invite(person, language="prs").path)
    assert 'dir="rtl"' in html_tag(dari)
    swedish = client.get(invite(person, language="sv").path)
    assert 'lang="sv"' in html_tag(swedish)
    assert 'dir="ltr"' in html_tag(swedish)
    assert "Hur bra klarar du dig på svenska i vardagen?" in swedish.content.decode()


def test_link_takes_one_answer_then_refuses(client, person, invite):
    link = invite(person, language="ar")
    answers = {"q_svenska": "2", "q_halsa": "3", "q_natverk": "1", "q_formaga": "4"}
    response = client.post(link.path, answers)
    assert response.status_code == 200
    assert "شكراً على إجاباتك!" in response.content.decode()
    again = client.post(link.path, {**answers, "q_svenska": "5"})
    assert again.status_code == 410
    assert client.get(link.path).status_code == 410
    assert Response.objects.count() == 1
    assert Answer.objects.get(question__key="svenska").number == 2


def test_link_expires(client, person, invite):
    link = invite(person)
    Invitation.objects.filter(pk=link.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(link.path).status_code == 410
    assert client.post(link.path, {"q_svenska": "3"}).status_code == 410
    assert not Response.objects.exists()


def test_link_open_until_its_last_moment(person, invite):
    link = invite(person)
    inv = link.invitation
    assert inv.is_open(now=inv.expires_at - timedelta(microseconds=1))
    assert not inv.is_open(now=inv.expires_at)


def test_unknown_token_is_404(client, surveys):
    assert client.get("/s/finns-inte/").status_code == 404


def test_invalid_answer_is_refused_and_nothing_stored(client, person, invite):
    link = invite(person)
    response = client.post(link.path, {"q_svenska": "9"})
    assert response.status_code == 400
    assert 'id="fel-svenska"' in response.content.decode()
    assert not Response.objects.exists()
    link.invitation.refresh_from_db()
    assert link.invitation.is_open()


def test_answers_become_the_participants_own_ratings(person, invite):
    link = invite(person)
    answer_all(link.invitation, [2, 3, 1, 4, 2], today=date(2026, 2, 1))
    ratings = {
        r.dimension.key: r.score
        for r in StepRating.objects.filter(rater=StepRating.Rater.PARTICIPANT)
    }
    assert ratings == {
        "language": 2,
        "health": 3,
        "network": 1,
        "self_confidence": 4,
        "work_readiness": 2,
    }


def test_submission_is_audited_without_an_actor(person, invite):
    link = invite(person)
    response = answer_all(link.invitation, [3, 3, 3, 3, 3])
    entry = AuditEntry.objects.get(object_type="response", object_id=str(response.pk))
    assert entry.actor is None
    assert entry.action == AuditEntry.Action.CREATE


def test_case_worker_invites_only_participants_he_may_see(
    person, invite, make_member, federation, other_intervention, case_worker
):
    from django.http import Http404

    from stegvis.core.roles import Role

    assert invite(person, by=case_worker).invitation.participant == person
    colleague = make_member(
        federation, Role.CASE_WORKER, "sven", interventions=[other_intervention]
    )
    with pytest.raises(Http404):
        invite(person, by=colleague)


def test_language_must_exist_in_the_questionnaire(person, invite):
    with pytest.raises(ValidationError, match="Välj bland"):
        invite(person, language="fi")


def test_anonymous_link_stores_no_identity_and_takes_its_number_of_answers(client, surveys, admin):
    link = services.anonymous_link_create(
        actor=admin.user,
        survey=surveys["indikator-styrelse"],
        respondent_group="board",
        max_answers=2,
    )
    data = {"q_kunskap_resultat": "4", "q_forankring": "3"}
    assert client.post(link.path, data).status_code == 200
    assert client.post(link.path, data).status_code == 200
    assert client.post(link.path, data).status_code == 410
    responses = Response.objects.all()
    assert responses.count() == 2
    assert all(r.participant_id is None and r.enrolment_id is None for r in responses)
    assert {r.respondent_group for r in responses} == {"board"}


def test_kiosk_link_offers_the_next_person_until_used_up(client, surveys, admin):
    link = services.anonymous_link_create(
        actor=admin.user,
        survey=surveys["efter-aktivitet"],
        respondent_group="participant",
        language="ti",
        max_answers=3,
        kiosk=True,
    )
    page = client.post(link.path, {"q_nytta": "5", "q_fick": ["svenska", "kontakter"]})
    assert "ዝቕጽል ሰብ" in page.content.decode()  # "next person" in Tigrinya
    answer = Answer.objects.get(question__key="fick")
    assert answer.choices == ["svenska", "kontakter"]
    assert answer.response.participant_id is None


def test_multiple_choice_refuses_an_unknown_option(surveys, admin):
    link = services.anonymous_link_create(
        actor=admin.user, survey=surveys["efter-aktivitet"], respondent_group="participant"
    )
    with pytest.raises(ValidationError):
        services.response_submit(invitation=link.invitation, data=form(fick=["svenska", "x"]))


def test_page_works_without_javascript_and_has_labelled_fields(client, person, invite):
    page = client.get(invite(person, language="so").path).content.decode()
    assert "<script" not in page
    assert page.count("<fieldset") == 6
    assert page.count("<legend>") == 6
    assert 'for="id_q_ovrigt"' in page


def test_no_personal_link_without_consent(register, intervention, invite):
    anonymous = register(intervention, consent=False)
    with pytest.raises(ValidationError, match="inget gällande samtycke"):
        invite(anonymous)


def test_withdrawn_consent_closes_a_sent_link(client, person, invite, admin):
    link = invite(person)
    person.consents.update(withdrawn_on=date(2026, 2, 1))
    assert client.get(link.path).status_code == 410
    assert client.post(link.path, {"q_svenska": "3"}).status_code == 410
    assert not Response.objects.exists()
