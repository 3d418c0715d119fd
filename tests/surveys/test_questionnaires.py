"""Questionnaires as data: the defaults, their translations, and fixed wording."""

import pytest
from django.core.exceptions import ValidationError

from stegvis.surveys import services
from stegvis.surveys.models import (
    Option,
    PublishedSurveyError,
    Question,
    Survey,
    SurveyText,
)

pytestmark = pytest.mark.django_db

PARTICIPANT_LANGUAGES = {"sv", "ar", "prs", "so", "ti", "en", "uk"}


def test_defaults_are_published_version_one_with_every_kind_of_question(surveys):
    assert set(surveys) == {
        "deltagare",
        "efter-aktivitet",
        "sjalvvardering",
        "indikator-personal",
        "indikator-handlaggare",
        "indikator-styrelse",
    }
    assert all(s.version == 1 and s.status == Survey.Status.PUBLISHED for s in surveys.values())
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == {"scale", "single", "multiple", "yes_no", "text"}


def test_defaults_are_added_once(surveys, admin):
    assert services.ensure_default_surveys(actor=admin.user) == []
    assert Survey.objects.count() == len(surveys)


def test_a_request_that_read_before_another_made_the_defaults_adds_none(
    surveys, admin, monkeypatch
):
    """Two workers' first pages at once: the second read (before the first committed) that
    none existed; after the federation's lock it reads again and finds them, instead of
    failing on the unique version."""
    real = services._missing_defaults
    reads = []

    def stale_first(*args):
        reads.append(1)
        return list(services.defaults.SURVEYS) if len(reads) == 1 else real()

    monkeypatch.setattr(services, "_missing_defaults", stale_first)
    assert services.ensure_default_surveys(actor=admin.user) == []
    assert len(reads) == 2
    assert Survey.objects.count() == len(surveys)


def test_participant_questionnaires_speak_seven_languages_non_swedish_marked_for_review(surveys):
    for code in ("deltagare", "efter-aktivitet"):
        survey = surveys[code]
        keys_sv = set(survey.texts.filter(language="sv").values_list("key", flat=True))
        for language in PARTICIPANT_LANGUAGES:
            texts = survey.texts.filter(language=language)
            assert set(texts.values_list("key", flat=True)) == keys_sv, (code, language)
            assert all(t.machine_translated == (language != "sv") for t in texts)


def test_participant_scales_are_linked_to_progress_dimensions(surveys):
    from stegvis.assessments.defaults import DIMENSIONS

    linked = dict(surveys["deltagare"].questions.values_list("key", "dimension_key"))
    assert set(linked.values()) - {""} == {key for key, *_ in DIMENSIONS}


def test_published_question_cannot_be_edited(surveys, admin):
    question = surveys["deltagare"].questions.get(key="svenska")
    with pytest.raises(PublishedSurveyError):
        services.question_update(actor=admin.user, question=question, scale_max=7)
    # Not even past the service.
    question.scale_max = 7
    with pytest.raises(PublishedSurveyError):
        question.save()
    with pytest.raises(PublishedSurveyError):
        question.delete()
    question.refresh_from_db()
    assert question.scale_max == 5


def test_published_wording_cannot_be_edited_in_any_language(surveys, admin):
    survey = surveys["deltagare"]
    with pytest.raises(PublishedSurveyError):
        services.text_set(
            actor=admin.user, survey=survey, language="ar", key="q.svenska", text="سؤال آخر"
        )
    text = SurveyText.objects.get(survey=survey, language="ar", key="q.svenska")
    text.text = "سؤال آخر"
    with pytest.raises(PublishedSurveyError):
        text.save()
    option = Option.objects.filter(question__survey=surveys["efter-aktivitet"]).first()
    with pytest.raises(PublishedSurveyError):
        option.delete()


def test_a_new_version_is_a_new_questionnaire_and_may_be_changed(surveys, admin):
    old = surveys["deltagare"]
    new = services.survey_new_version(actor=admin.user, survey=old)
    assert (new.version, new.status) == (2, Survey.Status.DRAFT)
    assert new.texts.count() == old.texts.count()
    services.text_set(
        actor=admin.user,
        survey=new,
        language="ar",
        key="q.svenska",
        text="كيف تتدبر أمورك باللغة السويدية؟",
        machine_translated=False,
    )
    services.question_update(
        actor=admin.user, question=new.questions.get(key="ovrigt"), required=False
    )
    services.survey_publish(actor=admin.user, survey=new)
    old.refresh_from_db()
    assert old.status == Survey.Status.RETIRED
    assert services.published("deltagare") == new
    # The old version's wording is as it was.
    assert (
        old.texts.get(language="ar", key="q.svenska").text
        == "ما مدى قدرتك على التعامل باللغة السويدية في الحياة اليومية؟"
    )
    with pytest.raises(PublishedSurveyError):
        services.survey_publish(actor=admin.user, survey=new)


def test_empty_text_is_refused_naming_the_key(surveys, admin):
    new = services.survey_new_version(actor=admin.user, survey=surveys["deltagare"])
    with pytest.raises(ValidationError, match=r"q\.halsa \(so\)"):
        services.text_set(actor=admin.user, survey=new, language="so", key="q.halsa", text="  ")
