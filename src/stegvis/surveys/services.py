"""Writes of the surveys app: questionnaires, invitations and answers (SPEC §9).

Each service runs inside ``transaction.atomic`` and writes the audit log. A published survey
version is never changed: edits raise :class:`~stegvis.surveys.models.PublishedSurveyError`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stegvis.core import audit
from stegvis.surveys import defaults
from stegvis.surveys.models import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    Answer,
    Audience,
    Invitation,
    Occasion,
    Option,
    PublishedSurveyError,
    Question,
    Response,
    Survey,
    SurveyText,
    hash_token,
)

PERSONAL_LINK_DAYS = 30
ANONYMOUS_LINK_DAYS = 60
MAX_TEXT = 2000


# --- Questionnaires -------------------------------------------------------------------------


def _text(survey: Survey, language: str, key: str, text: str) -> SurveyText:
    # Swedish is the source; the shipped translations are machine-made until reviewed.
    return SurveyText(
        federation_id=survey.federation_id,
        survey=survey,
        language=language,
        key=key,
        text=text,
        machine_translated=language != SOURCE_LANGUAGE,
    )


def _create_from_definition(definition: dict, *, actor=None, version: int = 1) -> Survey:
    survey = Survey.objects.create(
        code=definition["code"],
        version=version,
        audience=definition["audience"],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    texts = []
    for language, (title, intro) in definition["texts"].items():
        texts += [_text(survey, language, "title", title), _text(survey, language, "intro", intro)]
    for position, (key, kind, dimension, wording, options) in enumerate(definition["questions"]):
        question = Question.objects.create(
            survey=survey, key=key, position=position, kind=kind, dimension_key=dimension
        )
        for language, words in wording.items():
            if isinstance(words, tuple):
                text, low, high = words
                texts += [
                    _text(survey, language, f"q.{key}.low", low),
                    _text(survey, language, f"q.{key}.high", high),
                ]
            else:
                text = words
            texts.append(_text(survey, language, f"q.{key}", text))
        for option_position, (value, labels) in enumerate(options):
            Option.objects.create(question=question, value=value, position=option_position)
            texts += [
                _text(survey, language, f"o.{key}.{value}", label)
                for language, label in labels.items()
            ]
    SurveyText.objects.bulk_create(texts)
    return survey


def _missing_defaults() -> list[dict]:
    have = set(Survey.objects.values_list("code", flat=True))
    return [d for d in defaults.SURVEYS if d["code"] not in have]


@transaction.atomic
def ensure_default_surveys(*, actor=None) -> list[Survey]:
    """Give the federation the default questionnaires it does not have yet (by code), each
    published as version 1. A federation that changed or retired one keeps its own.

    The first pages after a new federation's start may ask at the same time in several
    workers; both would create the defaults and one would fail on the unique version. The
    federation's row is locked and the missing ones read again, so the second finds them made.
    """
    if not _missing_defaults():
        return []
    _lock_federation()
    created = []
    for definition in _missing_defaults():
        survey = _create_from_definition(definition, actor=actor)
        _publish(survey)
        created.append(survey)
    if created:
        audit.log(
            actor=actor,
            action=audit.Action.CREATE,
            object_type="survey",
            reason="standardenkäter",
            detail={"codes": [s.code for s in created]},
        )
    return created


def _lock_federation() -> None:
    """Hold the federation's row until the transaction ends: two requests that would each make
    the same questionnaires or drafts run one after the other."""
    from stegvis.core.models import Federation
    from stegvis.core.tenancy import scoped_federation_id

    list(Federation.objects.select_for_update().filter(pk=scoped_federation_id()).values("pk"))


def _publish(survey: Survey) -> None:
    survey.status = Survey.Status.PUBLISHED
    survey.published_at = timezone.now()
    survey.save(update_fields=["status", "published_at"])
    # An earlier published version of the same code is replaced (its answers stay with it).
    Survey.objects.filter(code=survey.code, status=Survey.Status.PUBLISHED).exclude(
        pk=survey.pk
    ).update(status=Survey.Status.RETIRED)


@transaction.atomic
def survey_publish(*, actor, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.refuse_if_published()
    if not survey.questions.exists():
        raise ValidationError({"questions": "En enkät utan frågor kan inte publiceras."})
    missing = [
        q.key
        for q in survey.questions.all()
        if not SurveyText.objects.filter(
            survey=survey, language=SOURCE_LANGUAGE, key=f"q.{q.key}"
        ).exists()
    ]
    if missing:
        raise ValidationError(
            {"texts": f"Frågor utan svensk text: {', '.join(missing)}. Skriv texten först."}
        )
    _publish(survey)
    audit.log(actor=actor, action=audit.Action.UPDATE, obj=survey, reason="publicerad")
    return survey


@transaction.atomic
def survey_new_version(*, actor, survey: Survey) -> Survey:
    """A new draft with the same questions, options and texts: the way to change wording."""
    latest = Survey.objects.filter(code=survey.code).aggregate(v=Max("version"))["v"] or 0
    copy = Survey.objects.create(
        code=survey.code,
        version=latest + 1,
        audience=survey.audience,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for question in survey.questions.prefetch_related("options"):
        new = Question.objects.create(
            survey=copy,
            key=question.key,
            position=question.position,
            kind=question.kind,
            scale_min=question.scale_min,
            scale_max=question.scale_max,
            required=question.required,
            dimension_key=question.dimension_key,
        )
        for option in question.options.all():
            Option.objects.create(question=new, value=option.value, position=option.position)
    SurveyText.objects.bulk_create(
        SurveyText(
            federation_id=copy.federation_id,
            survey=copy,
            language=t.language,
            key=t.key,
            text=t.text,
            machine_translated=t.machine_translated,
        )
        for t in survey.texts.all()
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=copy,
        reason="ny version",
        detail={"from_version": survey.version},
    )
    return copy


@transaction.atomic
def question_update(*, actor, question: Question, **fields) -> Question:
    """Change a draft's question (kind, scale, required, dimension, order)."""
    question.survey.refuse_if_published()
    allowed = {"kind", "scale_min", "scale_max", "required", "dimension_key", "position"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Okända fält: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    audit.log(actor=actor, action=audit.Action.UPDATE, obj=question)
    return question


@transaction.atomic
def text_set(
    *,
    actor,
    survey: Survey,
    language: str,
    key: str,
    text: str,
    machine_translated: bool = False,
) -> SurveyText:
    """Write (or review) one piece of a draft's wording in one language."""
    survey.refuse_if_published()
    if language not in LANGUAGES:
        raise ValidationError({"language": f"Okänt språk '{language}'."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": f"Texten för {key} ({language}) får inte vara tom."})
    item, _ = SurveyText.objects.update_or_create(
        survey=survey,
        language=language,
        key=key,
        defaults={"text": text, "machine_translated": machine_translated},
    )
    audit.log(actor=actor, action=audit.Action.UPDATE, obj=item, detail={"key": key})
    return item


def draft_of(code: str) -> Survey | None:
    """The questionnaire's draft (the newest version not yet published), or None."""
    return Survey.objects.filter(code=code, status=Survey.Status.DRAFT).order_by("-version").first()


@transaction.atomic
def draft_start(*, actor, survey: Survey) -> tuple[Survey, bool]:
    """The draft to change ``survey`` in: the one already started for its code, or a new version
    copied from ``survey``. The second value says whether it was made now."""
    _lock_federation()  # two clicks at once would otherwise each make a version
    existing = draft_of(survey.code)
    if existing is not None:
        return existing, False
    return survey_new_version(actor=actor, survey=survey), True


@transaction.atomic
def draft_delete(*, actor, survey: Survey) -> None:
    """Throw a draft away (a published version is never deleted)."""
    survey.refuse_if_published()
    if survey.invitations.exists() or survey.responses.exists():
        raise ValidationError("Utkastet har länkar eller svar och kan inte tas bort.")
    audit.log(
        actor=actor,
        action=audit.Action.DELETE,
        obj=survey,
        reason="utkast borttaget",
        detail={"code": survey.code, "version": survey.version},
    )
    survey.delete()  # its questions, options and texts with it


def text_keys(survey: Survey) -> list[tuple[str, Question | None]]:
    """Every piece of the survey's wording in reading order: title, introduction, and for each
    question its text, a scale's labelled ends and its options. Each with its question."""
    keys: list[tuple[str, Question | None]] = [("title", None), ("intro", None)]
    for question in survey.questions.prefetch_related("options").order_by("position", "id"):
        keys.append((f"q.{question.key}", question))
        if question.kind == Question.Kind.SCALE:
            keys += [(f"q.{question.key}.low", question), (f"q.{question.key}.high", question)]
        keys += [(f"o.{question.key}.{o.value}", question) for o in question.options.all()]
    return keys


def is_question_text(key: str) -> bool:
    """``q.<question>``: a question's own wording (not a scale end or an option)."""
    return key.startswith("q.") and key.count(".") == 1


# Texts a questionnaire cannot be shown without, in Swedish (every other language falls back to
# Swedish where it has no translation of its own).
def _required_in_source(key: str) -> bool:
    return key == "title" or is_question_text(key)


@transaction.atomic
def texts_save(
    *, actor, survey: Survey, language: str, texts: dict[str, str], reviewed: set[str]
) -> list[str]:
    """Save a draft's wording in one language at once: ``texts`` maps keys (from
    :func:`text_keys`) to text, ``reviewed`` names the translations a person has checked. A
    translation left empty is removed (the Swedish text is shown instead). Everything is checked
    before anything is written; errors name the key. Returns the keys that changed."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.refuse_if_published()
    if language not in LANGUAGES:
        raise ValidationError({"language": f"Okänt språk '{language}'."})
    known = [key for key, _ in text_keys(survey)]  # in reading order
    unknown = sorted(set(texts) - set(known))
    if unknown:
        raise ValidationError({"texts": f"Okända textnycklar: {', '.join(unknown)}."})
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for key in (key for key in known if key in texts):
        text = (texts[key] or "").strip()
        if len(text) > MAX_TEXT:
            errors[key] = f"Texten för {key} är längre än {MAX_TEXT} tecken."
        elif not text and language == SOURCE_LANGUAGE and _required_in_source(key):
            errors[key] = f"Texten för {key} får inte vara tom på svenska."
        cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    current = {t.key: t for t in survey.texts.filter(language=language)}
    changed = []
    for key, text in cleaned.items():
        # Swedish is the source: it needs no review.
        machine = language != SOURCE_LANGUAGE and key not in reviewed
        item = current.get(key)
        if not text:
            if item is not None:
                item.delete()
                changed.append(key)
            continue
        if item is None:
            SurveyText.objects.create(
                survey=survey, language=language, key=key, text=text, machine_translated=machine
            )
            changed.append(key)
        elif (item.text, item.machine_translated) != (text, machine):
            item.text, item.machine_translated = text, machine
            item.save(update_fields=["text", "machine_translated"])
            changed.append(key)
    if changed:
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=survey,
            reason="texter",
            detail={"language": language, "keys": changed},
        )
    return changed


@transaction.atomic
def question_add(
    *,
    actor,
    survey: Survey,
    key: str,
    kind: str,
    text: str,
    required: bool = False,
    options: list[tuple[str, str]] = (),
    scale_min: int = 1,
    scale_max: int = 5,
    low: str = "",
    high: str = "",
    dimension_key: str = "",
) -> Question:
    """A new question last in a draft, worded in Swedish (translations are added afterwards)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.refuse_if_published()
    errors: dict[str, str] = {}
    if kind not in Question.Kind.values:
        errors["kind"] = f"Okänd frågetyp '{kind}'."
    if survey.questions.filter(key=key).exists():
        errors["key"] = f"Enkäten har redan en fråga med nyckeln '{key}'."
    if not text.strip():
        errors["text"] = "Skriv frågan på svenska."
    with_options = kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
    values = [value for value, _ in options]
    if with_options and len(options) < 2:
        errors["options"] = "Ett val eller flera val behöver minst två svarsalternativ."
    elif len(set(values)) != len(values):
        errors["options"] = "Två svarsalternativ har samma värde."
    elif options and not with_options:
        errors["options"] = "Bara frågor med ett eller flera val har svarsalternativ."
    if kind == Question.Kind.SCALE and not scale_min < scale_max:
        errors["scale_max"] = "Skalans högsta värde måste vara större än det lägsta."
    elif kind == Question.Kind.SCALE and dimension_key and (scale_min, scale_max) != (1, 5):
        errors["dimension_key"] = "Stegförflyttning kräver skalan 1–5."
    if errors:
        raise ValidationError(errors)
    last = survey.questions.aggregate(p=Max("position"))["p"]
    question = Question.objects.create(
        survey=survey,
        key=key,
        position=0 if last is None else last + 1,
        kind=kind,
        required=required,
        scale_min=scale_min if kind == Question.Kind.SCALE else 1,
        scale_max=scale_max if kind == Question.Kind.SCALE else 5,
        dimension_key=dimension_key if kind == Question.Kind.SCALE else "",
    )
    texts = [_text(survey, SOURCE_LANGUAGE, f"q.{key}", text.strip())]
    if kind == Question.Kind.SCALE:
        texts += [
            _text(survey, SOURCE_LANGUAGE, f"q.{key}.{end}", words.strip())
            for end, words in (("low", low), ("high", high))
            if words.strip()
        ]
    for position, (value, label) in enumerate(options):
        Option.objects.create(question=question, value=value, position=position)
        texts.append(_text(survey, SOURCE_LANGUAGE, f"o.{key}.{value}", label.strip() or value))
    SurveyText.objects.bulk_create(texts)
    audit.log(actor=actor, action=audit.Action.CREATE, obj=question, detail={"key": key})
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    """Remove a draft's question with its options and its wording in every language."""
    survey = question.survey
    survey.refuse_if_published()
    if Answer.objects.filter(question=question).exists():
        raise ValidationError(f"Frågan {question.key} har svar och kan inte tas bort.")
    key = question.key
    audit.log(actor=actor, action=audit.Action.DELETE, obj=question, detail={"key": key})
    doomed = [f"q.{key}", f"q.{key}.low", f"q.{key}.high"]
    doomed += [f"o.{key}.{value}" for value in question.options.values_list("value", flat=True)]
    SurveyText.objects.filter(survey=survey, key__in=doomed).delete()
    question.delete()  # its options with it
    _renumber(list(survey.questions.order_by("position", "id")))


def _renumber(questions: list[Question]) -> None:
    for position, question in enumerate(questions):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])


@transaction.atomic
def question_move(*, actor, question: Question, step: int) -> Question:
    """Move a draft's question one place up (``step=-1``) or down (``step=1``)."""
    survey = question.survey
    survey.refuse_if_published()
    questions = list(survey.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = index + step
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        _renumber(questions)
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=question,
            reason="ordning",
            detail={"position": target + 1},
        )
    return question


# --- Invitations ----------------------------------------------------------------------------


@dataclass
class IssuedLink:
    invitation: Invitation  # or a PageLink
    token: str

    @property
    def path(self) -> str:
        from stegvis.surveys.models import PageLink

        if isinstance(self.invitation, PageLink):
            return f"/s/sida/{self.token}/"
        return f"/s/{self.token}/"


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def published(code: str) -> Survey:
    survey = Survey.objects.filter(code=code, status=Survey.Status.PUBLISHED).first()
    if survey is None:
        raise Survey.DoesNotExist(f"Enkäten '{code}' finns inte eller är inte publicerad.")
    return survey


def _require_language(survey: Survey, language: str) -> None:
    languages = set(survey.texts.filter(key="title").values_list("language", flat=True))
    if language not in languages:
        raise ValidationError(
            {
                "language": f"Enkäten finns inte på språket '{language}'. "
                f"Välj bland: {', '.join(sorted(languages))}."
            }
        )


@transaction.atomic
def invitation_create(
    *,
    actor,
    membership,
    survey: Survey,
    participant_id: int,
    occasion: str,
    language: str,
    activity=None,
    days: int = PERSONAL_LINK_DAYS,
) -> IssuedLink:
    """A personal one-time link for a participant the membership may see (else 404)."""
    from django.shortcuts import get_object_or_404

    from stegvis.participants.access import visible_intervention_ids
    from stegvis.participants.selectors import participants_in_scope

    participant = get_object_or_404(participants_in_scope(membership), pk=participant_id)
    if not has_consent(participant):
        raise ValidationError(
            {
                "participant_id": "Deltagaren har inget gällande samtycke, och svar via en "
                "personlig länk är personuppgifter. Använd en anonym länk i stället."
            }
        )
    if survey.audience != Audience.PARTICIPANT:
        raise ValidationError({"survey": "Enkäten besvaras inte av deltagare."})
    if occasion not in {Occasion.START, Occasion.MIDWAY, Occasion.EXIT, Occasion.ACTIVITY}:
        raise ValidationError(
            {"occasion": "Tillfället ska vara start, midway, exit eller activity."}
        )
    _require_language(survey, language)
    enrolment = (
        participant.enrolments.filter(
            intervention_id__in=visible_intervention_ids(participant, membership)
        )
        .order_by("end_date", "-start_date")  # an active one (no end date) first
        .first()
    )
    token, digest = _new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        kind=Invitation.Kind.PERSONAL,
        participant=participant,
        enrolment=enrolment,
        intervention=enrolment.intervention if enrolment else None,
        activity=activity,
        occasion=occasion,
        language=language,
        token_hash=digest,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=invitation,
        detail={"participant": participant.pk, "occasion": occasion, "language": language},
    )
    return IssuedLink(invitation, token)


@transaction.atomic
def anonymous_link_create(
    *,
    actor,
    survey: Survey,
    respondent_group: str,
    language: str = SOURCE_LANGUAGE,
    max_answers: int = 1,
    kiosk: bool = False,
    intervention=None,
    activity=None,
    occasion: str = "",
    days: int = ANONYMOUS_LINK_DAYS,
) -> IssuedLink:
    """A link that stores no identity: one answer (a personal anonymous link) or up to
    ``max_answers`` (a respondent group's link, or a tablet passed round in kiosk mode)."""
    if respondent_group not in Audience.values:
        raise ValidationError({"respondent_group": f"Okänd svarsgrupp '{respondent_group}'."})
    if not 1 <= max_answers <= 500:
        raise ValidationError({"max_answers": "Antal svar ska vara mellan 1 och 500."})
    _require_language(survey, language)
    token, digest = _new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        kind=Invitation.Kind.KIOSK if kiosk else Invitation.Kind.ANONYMOUS,
        respondent_group=respondent_group,
        intervention=intervention,
        activity=activity,
        occasion=occasion,
        language=language,
        max_answers=max_answers,
        token_hash=digest,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.log(actor=actor, action=audit.Action.CREATE, obj=invitation)
    return IssuedLink(invitation, token)


# --- Answering ------------------------------------------------------------------------------


class LinkClosed(Exception):
    """The link has expired, been used up or closed."""


def has_consent(participant) -> bool:
    """Answers linked to a person are personal data: they need his consent, still in force."""
    from stegvis.participants.access import active_consent_q
    from stegvis.participants.models import Consent

    return (
        not participant.is_anonymous
        and Consent.objects.filter(active_consent_q(), participant=participant).exists()
    )


def _parse(question: Question, data) -> tuple[dict, str]:
    """The answer to one question from the submitted form: (fields, error or '')."""
    name = f"q_{question.key}"
    if question.kind == Question.Kind.MULTIPLE:
        chosen = [v for v in data.getlist(name) if v]
        valid = {o.value for o in question.options.all()}
        if any(v not in valid for v in chosen):
            return {}, "invalid"
        return ({"choices": chosen} if chosen else {}), ""
    raw = (data.get(name) or "").strip()
    if not raw:
        return {}, ""
    if question.kind == Question.Kind.SCALE:
        if not raw.isdigit() or not question.scale_min <= int(raw) <= question.scale_max:
            return {}, "invalid"
        return {"number": int(raw)}, ""
    if question.kind == Question.Kind.YES_NO:
        if raw not in {"yes", "no"}:
            return {}, "invalid"
        return {"number": 1 if raw == "yes" else 0}, ""
    if question.kind == Question.Kind.SINGLE:
        if raw not in {o.value for o in question.options.all()}:
            return {}, "invalid"
        return {"choices": [raw]}, ""
    return {"text": raw[:MAX_TEXT]}, ""


@transaction.atomic
def response_submit(*, invitation: Invitation, data, today=None) -> Response:
    """Store one set of answers given through a link, and use the link up.

    ``data`` is the submitted form (a QueryDict). Raises :class:`LinkClosed` when the link no
    longer takes answers and ``ValidationError`` (keyed by question) for a missing or invalid
    answer; nothing is stored then. Personal links store who answered; a participant's 1–5
    answers on a question linked to a progress dimension are also recorded there as his own
    rating.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise LinkClosed()
    personal = invitation.kind == Invitation.Kind.PERSONAL
    if personal and not has_consent(invitation.participant):
        raise LinkClosed()  # consent withdrawn after the link was sent
    survey = invitation.survey
    questions = list(survey.questions.prefetch_related("options"))
    parsed: dict[int, dict] = {}
    errors: dict[str, str] = {}
    for question in questions:
        fields, error = _parse(question, data)
        if error:
            errors[question.key] = error
        elif not fields and question.required:
            errors[question.key] = "required"
        elif fields:
            parsed[question.pk] = fields
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    response = Response.objects.create(
        survey=survey,
        invitation=invitation,
        participant=invitation.participant if personal else None,
        enrolment=invitation.enrolment if personal else None,
        activity=invitation.activity,
        intervention=invitation.intervention,
        occasion=invitation.occasion,
        respondent_group=invitation.respondent_group,
        language=invitation.language,
        answered_on=today,
    )
    Answer.objects.bulk_create(
        Answer(federation_id=response.federation_id, response=response, question_id=pk, **fields)
        for pk, fields in parsed.items()
    )
    invitation.answers += 1
    update = ["answers"]
    if invitation.answers >= invitation.max_answers:
        invitation.closed_at = timezone.now()
        update.append("closed_at")
    invitation.save(update_fields=update)
    if personal and invitation.enrolment_id:
        _record_own_ratings(invitation.enrolment, questions, parsed, today)
    audit.log(
        actor=None,
        action=audit.Action.CREATE,
        obj=response,
        reason="svar via länk",
        detail={"invitation": invitation.pk, "answers": len(parsed)},
    )
    return response


def _record_own_ratings(enrolment, questions, parsed, day) -> None:
    """The participant's answers on dimension-linked 1–5 scales as his own step ratings."""
    from stegvis.assessments.models import StepRating
    from stegvis.assessments.services import ensure_dimensions

    linked = {
        q.dimension_key: parsed[q.pk]["number"]
        for q in questions
        if q.dimension_key
        and q.pk in parsed
        and q.kind == Question.Kind.SCALE
        and (q.scale_min, q.scale_max) == (1, 5)
    }
    if not linked:
        return
    dimensions = {d.key: d for d in ensure_dimensions() if d.active and d.key in linked}
    for key, score in linked.items():
        if key in dimensions:
            StepRating.objects.update_or_create(
                enrolment=enrolment,
                dimension=dimensions[key],
                rated_on=day,
                rater=StepRating.Rater.PARTICIPANT,
                defaults={"score": score},
            )


@transaction.atomic
def invitation_close(*, actor, invitation: Invitation) -> Invitation:
    if invitation.closed_at is None:
        invitation.closed_at = timezone.now()
        invitation.save(update_fields=["closed_at"])
        audit.log(actor=actor, action=audit.Action.UPDATE, obj=invitation, reason="stängd")
    return invitation


__all__ = ["LinkClosed", "PublishedSurveyError"]


PAGE_LINK_DAYS = 90


@transaction.atomic
def page_link_create(
    *, actor, membership, participant_id: int, language: str, days: int = PAGE_LINK_DAYS
) -> IssuedLink:
    """A link to the participant's own read-only page, for someone the membership may see."""
    from django.shortcuts import get_object_or_404

    from stegvis.participants.selectors import participants_in_scope
    from stegvis.surveys.models import PageLink

    participant = get_object_or_404(participants_in_scope(membership), pk=participant_id)
    if language not in LANGUAGES:
        raise ValidationError({"language": f"Okänt språk '{language}'."})
    token, digest = _new_token()
    link = PageLink.objects.create(
        participant=participant,
        language=language,
        token_hash=digest,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=link,
        detail={"participant": participant.pk, "language": language},
    )
    return IssuedLink(link, token)
