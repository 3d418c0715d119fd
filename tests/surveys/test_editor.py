"""The questionnaire editor: a draft started from the published version, its wording in every
language with review marks, questions added, moved and removed, publishing and throwing away;
who may do it, and that nothing is half-saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stegvis.core.models import AuditEntry
from stegvis.surveys import selectors, services
from stegvis.surveys.models import Option, Question, Survey, SurveyText
from tests.surveys.conftest import answer_all

pytestmark = pytest.mark.django_db

BASE = "/f/alfa/enkater/deltagare"


@pytest.fixture
def draft(login, admin, surveys):
    """An administrator's client with a draft (version 2) of the participant questionnaire."""
    client = login(admin)
    response = client.post(f"{BASE}/andra/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/utkast/"
    return client, Survey.objects.get(code="deltagare", status=Survey.Status.DRAFT)


def text(survey, language, key):
    found = SurveyText.objects.filter(survey=survey, language=language, key=key).first()
    return (found.text, found.machine_translated) if found else None


def test_change_starts_one_draft_copied_from_the_published_version(draft, surveys):
    client, survey = draft
    published = surveys["deltagare"]
    assert survey.version == 2
    assert survey.texts.count() == published.texts.count()
    # A second click opens the same draft, it does not make version 3.
    assert client.post(f"{BASE}/andra/")["Location"] == f"{BASE}/utkast/"
    assert Survey.objects.filter(code="deltagare").count() == 2
    # Until it is published, links and answers use version 1.
    assert services.published("deltagare") == published
    index = client.get("/f/alfa/enkater/").content.decode()
    assert "Fortsätt utkast v2" in index


def test_only_those_who_manage_may_edit(login, case_worker, outsider, draft):
    worker = login(case_worker)
    assert worker.post(f"{BASE}/andra/").status_code == 403
    assert worker.get(f"{BASE}/utkast/").status_code == 403
    assert worker.post(f"{BASE}/utkast/publicera/").status_code == 403
    assert login(outsider).get(f"{BASE}/utkast/").status_code == 404
    assert Survey.objects.filter(code="deltagare").count() == 2


def test_a_translation_is_shown_beside_the_swedish_and_marked_for_review(draft):
    client, _survey = draft
    page = client.get(f"{BASE}/utkast/?sprak=ar").content.decode()
    assert "Hur bra klarar du dig på svenska i vardagen?" in page  # the Swedish source
    assert 'dir="rtl"' in page
    assert "maskinöversatt" in page
    assert client.get(f"{BASE}/utkast/?sprak=xx").status_code == 404


def test_reviewed_and_changed_translations_are_saved_in_one_step(draft):
    client, survey = draft
    before = AuditEntry.objects.count()
    original = text(survey, "ar", "q.halsa")[0]
    response = client.post(
        f"{BASE}/utkast/?sprak=ar",
        {
            "t:q.svenska": "كيف تتدبر أمورك باللغة السويدية؟",
            "r:q.svenska": "on",
            "t:q.halsa": original,
            "r:q.halsa": "on",  # read and found right: only the mark changes
            "t:title": "",  # emptied: the Swedish title is shown instead
        },
    )
    assert response.status_code == 302
    assert text(survey, "ar", "q.svenska") == ("كيف تتدبر أمورك باللغة السويدية؟", False)
    assert text(survey, "ar", "q.halsa") == (original, False)
    assert text(survey, "ar", "title") is None
    assert selectors.wording(survey, "ar")["title"] == text(survey, "sv", "title")[0]
    # Untouched texts keep their machine mark.
    assert text(survey, "ar", "q.natverk")[1] is True
    entry = AuditEntry.objects.exclude(action="read").latest("id")
    assert AuditEntry.objects.exclude(action="read").count() == before + 1
    assert entry.detail == {"language": "ar", "keys": ["title", "q.svenska", "q.halsa"]}


def test_an_empty_swedish_question_saves_nothing_and_names_the_text(draft):
    client, survey = draft
    response = client.post(
        f"{BASE}/utkast/",
        {"t:intro": "En ny inledning.", "t:q.halsa": "  "},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Inget sparades" in page
    assert "Texten för q.halsa får inte vara tom på svenska." in page
    assert text(survey, "sv", "intro")[0] != "En ny inledning."
    # The page keeps what was typed.
    assert "En ny inledning." in page


def test_unknown_keys_and_a_published_version_are_refused(draft, admin, surveys):
    _client, survey = draft
    with pytest.raises(ValidationError, match=r"Okända textnycklar: q\.finns-inte"):
        services.texts_save(
            actor=admin.user,
            survey=survey,
            language="sv",
            texts={"q.finns-inte": "x"},
            reviewed=set(),
        )
    from stegvis.surveys.models import PublishedSurveyError

    with pytest.raises(PublishedSurveyError):
        services.texts_save(
            actor=admin.user,
            survey=surveys["deltagare"],
            language="sv",
            texts={"intro": "x"},
            reviewed=set(),
        )


def test_a_question_is_added_last_in_swedish_and_can_be_translated(draft):
    client, survey = draft
    count = survey.questions.count()
    response = client.post(
        f"{BASE}/utkast/fragor/",
        {
            "text": "Hur trivs du i gruppen?",
            "key": "trivsel",
            "kind": "single",
            "options": "bra: Bra\nsadar: Sådär\n\ndaligt: Dåligt",
            "scale_min": "1",
            "scale_max": "5",
        },
    )
    assert response.status_code == 302
    question = survey.questions.get(key="trivsel")
    assert question.position == count
    assert list(question.options.values_list("value", flat=True)) == ["bra", "sadar", "daligt"]
    assert text(survey, "sv", "o.trivsel.sadar") == ("Sådär", False)
    page = client.get(f"{BASE}/utkast/?sprak=en").content.decode()
    assert "Hur trivs du i gruppen?" in page
    assert 'name="t:o.trivsel.bra"' in page
    # Without an English text the question is shown in Swedish.
    assert selectors.wording(survey, "en")["q.trivsel"] == "Hur trivs du i gruppen?"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "single", "options": "ja: Ja"}, "minst två svarsalternativ"),
        ({"kind": "single", "options": "Ja: Ja\nnej: Nej"}, "Rad 1: värdet &#x27;Ja&#x27;"),
        ({"kind": "single", "options": "ja: Ja\nja: Jo"}, "samma värde"),
        ({"kind": "yes_no", "options": "ja: Ja\nnej: Nej"}, "Bara frågor med ett eller flera"),
        ({"kind": "scale", "scale_min": "5", "scale_max": "1"}, "större än det lägsta"),
        (
            {"kind": "scale", "scale_min": "0", "scale_max": "10", "dimension_key": "health"},
            "Stegförflyttning kräver skalan 1–5",
        ),
        ({"kind": "scale", "key": "halsa"}, "redan en fråga med nyckeln"),
    ],
)
def test_a_question_that_cannot_be_asked_is_refused_with_the_reason(draft, fields, message):
    client, survey = draft
    count = Question.objects.filter(survey=survey).count()
    data = {"text": "En fråga?", "key": "ny", "scale_min": "1", "scale_max": "5", **fields}
    response = client.post(f"{BASE}/utkast/fragor/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Question.objects.filter(survey=survey).count() == count


def test_questions_move_and_removal_takes_options_and_every_translation(draft):
    client, survey = draft
    keys = list(survey.questions.order_by("position").values_list("key", flat=True))
    client.post(f"{BASE}/utkast/fragor/{keys[1]}/", {"action": "upp"})
    moved = list(survey.questions.order_by("position").values_list("key", flat=True))
    assert moved == [keys[1], keys[0], *keys[2:]]
    # The first cannot move further up.
    client.post(f"{BASE}/utkast/fragor/{keys[1]}/", {"action": "upp"})
    assert list(survey.questions.order_by("position").values_list("key", flat=True)) == moved

    services.question_add(
        actor=None,
        survey=survey,
        key="trivsel",
        kind="single",
        text="Hur trivs du?",
        options=[("bra", "Bra"), ("daligt", "Dåligt")],
    )
    client.post(f"{BASE}/utkast/?sprak=en", {"t:o.trivsel.bra": "Good", "r:o.trivsel.bra": "on"})
    assert text(survey, "en", "o.trivsel.bra") == ("Good", False)
    for key in ("trivsel", "halsa"):  # options; a scale's labelled ends in seven languages
        assert SurveyText.objects.filter(survey=survey, key__startswith=f"q.{key}").exists()
        client.post(f"{BASE}/utkast/fragor/{key}/", {"action": "ta-bort"})
        assert not survey.questions.filter(key=key).exists()
        assert not SurveyText.objects.filter(survey=survey, key__startswith=f"q.{key}").exists()
        assert not SurveyText.objects.filter(survey=survey, key__startswith=f"o.{key}.").exists()
    assert not Option.objects.filter(question__survey=survey, question__key="trivsel").exists()
    positions = list(survey.questions.order_by("position").values_list("position", flat=True))
    assert positions == list(range(len(positions)))
    # The published version still has it.
    assert Question.objects.filter(
        survey__version=1, survey__code="deltagare", key="halsa"
    ).exists()


def test_required_is_switched_per_question(draft):
    client, survey = draft
    question = survey.questions.get(key="halsa")
    client.post(f"{BASE}/utkast/fragor/halsa/", {"action": "obligatorisk", "required": "on"})
    question.refresh_from_db()
    assert question.required is True
    client.post(f"{BASE}/utkast/fragor/halsa/", {"action": "obligatorisk"})
    question.refresh_from_db()
    assert question.required is False


def test_publishing_replaces_the_version_and_earlier_answers_stay_with_theirs(
    draft, person, invite
):
    client, survey = draft
    old = Survey.objects.get(code="deltagare", version=1)
    answer_all(invite(person).invitation, [2, 3, 1, 4, 2], today=date(2026, 2, 1))
    client.post(f"{BASE}/utkast/", {"t:intro": "Tack för att du svarar."})
    response = client.post(f"{BASE}/utkast/publicera/")
    assert response.status_code == 302
    survey.refresh_from_db()
    old.refresh_from_db()
    assert (survey.status, old.status) == (Survey.Status.PUBLISHED, Survey.Status.RETIRED)
    assert old.responses.count() == 1
    # New links (the participant page's form offers the published versions) use version 2.
    assert [s for s in selectors.participant_surveys() if s.code == "deltagare"] == [survey]
    # The published version is no longer a draft: the editor has nothing to open.
    assert client.get(f"{BASE}/utkast/").status_code == 404


def test_a_draft_without_questions_cannot_be_published_and_can_be_thrown_away(draft):
    client, survey = draft
    for key in list(survey.questions.values_list("key", flat=True)):
        client.post(f"{BASE}/utkast/fragor/{key}/", {"action": "ta-bort"})
    response = client.post(f"{BASE}/utkast/publicera/", follow=True)
    assert "En enkät utan frågor kan inte publiceras." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.DRAFT
    assert client.post(f"{BASE}/utkast/ta-bort/").status_code == 302
    assert not Survey.objects.filter(pk=survey.pk).exists()
    assert not SurveyText.objects.filter(survey_id=survey.pk).exists()
    assert Survey.objects.filter(code="deltagare").count() == 1


def test_a_draft_or_question_with_answers_is_not_deleted(draft):
    """Answers only reach published versions, but a draft that has some (an older database, a
    script) keeps them: deleting it or its question is refused, not a server error."""
    from stegvis.surveys.models import Answer, Response

    client, survey = draft
    question = survey.questions.get(key="halsa")
    response = Response.objects.create(survey=survey, language="sv", answered_on=date(2026, 2, 1))
    Answer.objects.create(response=response, question=question, number=3)
    page = client.post(f"{BASE}/utkast/fragor/halsa/", {"action": "ta-bort"}, follow=True)
    assert "Frågan halsa har svar och kan inte tas bort." in page.content.decode()
    assert survey.questions.filter(key="halsa").exists()
    page = client.post(f"{BASE}/utkast/ta-bort/", follow=True)
    assert "Utkastet har länkar eller svar och kan inte tas bort." in page.content.decode()
    assert Survey.objects.filter(pk=survey.pk).exists()
