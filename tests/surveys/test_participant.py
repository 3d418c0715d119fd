"""A participant's answers are personal data: on his page and in his timeline for those who may
see him, every read logged, erased free text on purge."""

from datetime import date

import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role
from stegvis.participants import selectors as participant_selectors
from stegvis.participants import services as participant_services
from stegvis.surveys import selectors
from stegvis.surveys.models import Answer, Invitation
from tests.surveys.conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(person, invite):
    answer_all(
        invite(person, language="ar").invitation,
        [2, 3, 1, 4, 2],
        today=date(2026, 2, 1),
        ovrigt="أريد أن أعمل في مطبخ",
    )
    return person


def reads(person, reason):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.READ,
        object_type="participant",
        object_id=str(person.pk),
        reason=reason,
    )


def test_reading_answers_is_logged(answered, case_worker):
    responses = selectors.answers_of_participant(membership=case_worker, participant=answered)
    assert len(responses) == 1
    entry = reads(answered, "enkätsvar").get()
    assert entry.actor == case_worker.user
    assert entry.detail == {"responses": 1}


def test_a_colleague_in_another_intervention_reads_nothing_and_nothing_is_logged(
    answered, federation, other_intervention, make_member
):
    colleague = make_member(
        federation, Role.CASE_WORKER, "sven", interventions=[other_intervention]
    )
    assert selectors.answers_of_participant(membership=colleague, participant=answered) == ()
    assert not reads(answered, "enkätsvar").exists()


def test_roles_without_personal_data_are_refused(answered, federation, make_member):
    from django.core.exceptions import PermissionDenied

    lead = make_member(federation, Role.INTERVENTION_LEAD, "lena")
    with pytest.raises(PermissionDenied):
        selectors.answers_of_participant(membership=lead, participant=answered)


def test_participant_page_shows_the_answers_in_swedish(login, answered, case_worker):
    client = login(case_worker)
    overview = client.get(f"/f/alfa/deltagare/{answered.pk}/").content.decode()
    assert 'id="enkater"' not in overview
    assert not reads(answered, "enkätsvar").exists()  # the overview does not read the answers
    page = client.get(f"/f/alfa/deltagare/{answered.pk}/?flik=enkater").content.decode()
    assert 'id="enkater"' in page
    assert "Hur bra klarar du dig på svenska i vardagen?" in page
    assert "2 av 5" in page
    assert "أريد أن أعمل في مطبخ" in page  # his own words, as he wrote them
    assert reads(answered, "enkätsvar").exists()


def test_the_timeline_names_the_areas_the_scales_measure(login, answered, case_worker):
    """The timeline line reads "Språk 2 av 5 · Hälsa 3 av 5 …", not the questions' keys."""
    client = login(case_worker)
    page = client.get(f"/f/alfa/deltagare/{answered.pk}/?flik=tidslinje").content.decode()
    line = next(x for x in page.splitlines() if "Enkät besvarad" in x)
    assert "Språk 2 av 5" in line
    assert "Hälsa 3 av 5" in line
    assert "svenska 2" not in line


def test_outsider_gets_404_for_the_page(login, answered, outsider):
    assert login(outsider).get(f"/f/alfa/deltagare/{answered.pk}/").status_code == 404


def test_timeline_has_the_answered_questionnaire(answered, case_worker):
    events = participant_selectors.timeline(answered, case_worker)
    survey_events = [e for e in events if e.kind == "survey"]
    assert len(survey_events) == 1
    assert survey_events[0].title == "Enkät besvarad: Deltagarenkät (vid start)"
    assert survey_events[0].when == date(2026, 2, 1)
    assert survey_events[0].text.startswith("Språk 2 av 5 · Hälsa 3 av 5")


def test_register_extract_includes_the_answers(answered):
    from stegvis.participants.extract import build_extract

    extract = build_extract(answered)
    text = str(extract)
    assert "enkätsvar" in text
    assert "أريد أن أعمل في مطبخ" in text


def test_anonymising_erases_free_text_keeps_numbers_and_closes_links(answered, invite, admin):
    open_link = invite(answered, occasion="exit").invitation
    participant_services.participant_anonymise(
        actor=admin.user, participant=answered, reason="gallring"
    )
    assert not Answer.objects.exclude(text="").exists()
    assert Answer.objects.filter(question__key="svenska").get().number == 2
    assert not Invitation.objects.get(pk=open_link.pk).is_open()
