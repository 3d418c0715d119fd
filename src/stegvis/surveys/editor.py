"""The questionnaire editor: a draft version's questions and wording in every language.

A published version never changes; "Ändra" starts a draft copied from it (or opens the draft
already started), and publishing the draft replaces the published version. Answers already
given stay with the version they were given to. Questionnaires hold no personal data.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.roles import Perm
from stegvis.surveys import services
from stegvis.surveys.forms import QuestionAddForm
from stegvis.surveys.models import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    PublishedSurveyError,
    Question,
    Survey,
    direction,
)

MANAGE = Perm.MANAGE_INTERVENTIONS

KEY_LABELS = {"title": "Rubrik", "intro": "Inledning"}


def _draft_or_404(code: str) -> Survey:
    draft = services.draft_of(code)
    if draft is None:
        raise Http404("Enkäten har inget utkast.")
    return draft


def _editor_url(request, code: str, language: str = SOURCE_LANGUAGE) -> str:
    url = reverse("surveys:draft", args=[request.federation.slug, code])
    return url if language == SOURCE_LANGUAGE else f"{url}?sprak={language}"


def _label(key: str, question: Question | None, number: int) -> str:
    if question is None:
        return KEY_LABELS.get(key, key)
    if key == f"q.{question.key}":
        return f"Fråga {number} ({question.get_kind_display().lower()})"
    if key.endswith(".low"):
        return f"Fråga {number}: text vid {question.scale_min}"
    if key.endswith(".high"):
        return f"Fråga {number}: text vid {question.scale_max}"
    return f"Fråga {number}: alternativet {key.rsplit('.', 1)[1]}"


def _rows(survey: Survey, keys, language: str, errors: dict, posted=None) -> list[dict]:
    """One row per piece of wording (``keys`` from ``services.text_keys``): the Swedish source,
    the text in ``language``, whether a person has checked it, and any error."""
    texts = {(t.language, t.key): t for t in survey.texts.all()}
    numbers: dict[int, int] = {}
    rows = []
    for key, question in keys:
        if question is not None:
            numbers.setdefault(question.pk, len(numbers) + 1)
        own = texts.get((language, key))
        source = texts.get((SOURCE_LANGUAGE, key))
        text = own.text if own else ""
        reviewed = own is not None and not own.machine_translated
        if posted is not None:
            text = posted.get(f"t:{key}", text)
            reviewed = f"r:{key}" in posted
        rows.append(
            {
                "key": key,
                "label": _label(key, question, numbers.get(getattr(question, "pk", None), 0)),
                "source": source.text if source else "",
                "text": text,
                "reviewed": reviewed,
                "machine": own is not None and own.machine_translated,
                "missing": own is None,
                "long": key == "intro" or services.is_question_text(key),
                "error": errors.get(key, ""),
            }
        )
    first = next((row for row in rows if row["error"]), None)
    if first is not None:
        first["focus"] = True  # the page opens at the first text to put right
    return rows


def _language_tabs(survey: Survey, wanted: int) -> list[dict]:
    """Each language with how many of the ``wanted`` texts it lacks and how many await review."""
    counts: dict[str, dict[str, int]] = {code: {"have": 0, "machine": 0} for code in LANGUAGES}
    for language, machine in survey.texts.values_list("language", "machine_translated"):
        if language in counts:
            counts[language]["have"] += 1
            counts[language]["machine"] += machine
    return [
        {
            "code": code,
            "name": name,
            "missing": max(wanted - counts[code]["have"], 0),
            "machine": counts[code]["machine"],
        }
        for code, name in LANGUAGES.items()
    ]


def _page(request, survey: Survey, language: str, *, form, errors=None, posted=None):
    """The editor; a bound question form is one that was refused (shown open, with its
    errors)."""
    keys = services.text_keys(survey)
    return render(
        request,
        "surveys/draft.html",
        {
            "survey": survey,
            "published": Survey.objects.filter(
                code=survey.code, status=Survey.Status.PUBLISHED
            ).first(),
            "language": language,
            "language_name": LANGUAGES[language],
            "dir": direction(language),
            "is_source": language == SOURCE_LANGUAGE,
            "tabs": _language_tabs(survey, len(keys)),
            "rows": _rows(survey, keys, language, errors or {}, posted),
            "questions": _questions(survey),
            "add_form": form,
            "add_open": form.is_bound,
        },
        status=400 if errors or form.is_bound else 200,
    )


def _questions(survey: Survey) -> list[Question]:
    from stegvis.assessments.selectors import dimensions

    labels = {d.key: d.label for d in dimensions(active_only=False)}
    questions = list(survey.questions.order_by("position", "id"))
    for question in questions:
        question.dimension_label = labels.get(question.dimension_key, question.dimension_key)
    return questions


def _add_form(data=None) -> QuestionAddForm:
    from stegvis.assessments.selectors import dimensions

    return QuestionAddForm(data, dimensions=dimensions())


@federation_view(MANAGE)
@require_POST
def draft_start(request, code: str):
    published = Survey.objects.filter(code=code).exclude(status=Survey.Status.DRAFT)
    survey = published.order_by("-version").first()
    if survey is None:
        raise Http404("Okänd enkät.")
    draft, made = services.draft_start(actor=request.user, survey=survey)
    if made:
        messages.success(
            request,
            f"Version {draft.version} är ett utkast, kopierat från version {survey.version}. "
            "Den publicerade versionen används tills utkastet publiceras.",
        )
    return redirect(_editor_url(request, code))


@federation_view(MANAGE)
def draft(request, code: str):
    survey = _draft_or_404(code)
    language = request.GET.get("sprak", SOURCE_LANGUAGE)
    if language not in LANGUAGES:
        raise Http404("Okänt språk.")
    errors: dict[str, str] = {}
    posted = None
    if request.method == "POST":
        posted = request.POST
        try:
            changed = services.texts_save(
                actor=request.user,
                survey=survey,
                language=language,
                texts={k[2:]: v for k, v in posted.items() if k.startswith("t:")},
                reviewed={k[2:] for k in posted if k.startswith("r:")},
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            # Said at the top too: the texts they name may lie far down the page.
            messages.error(request, " ".join(["Inget sparades:", *errors.values()]))
        else:
            if changed:
                messages.success(request, f"{len(changed)} texter sparade ({LANGUAGES[language]}).")
            else:
                messages.info(request, "Inget var ändrat.")
            return redirect(_editor_url(request, code, language))
    return _page(request, survey, language, form=_add_form(), errors=errors, posted=posted)


@federation_view(MANAGE)
@require_POST
def question_add(request, code: str):
    survey = _draft_or_404(code)
    form = _add_form(request.POST)
    if form.is_valid():
        try:
            services.question_add(actor=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Frågan {form.cleaned_data['key']} är tillagd.")
            return redirect(_editor_url(request, code))
    return _page(request, survey, SOURCE_LANGUAGE, form=form)


@federation_view(MANAGE)
@require_POST
def question_change(request, code: str, key: str):
    survey = _draft_or_404(code)
    question = survey.questions.filter(key=key).first()
    if question is None:
        raise Http404("Okänd fråga.")
    action = request.POST.get("action", "")
    try:
        if action == "upp":
            services.question_move(actor=request.user, question=question, step=-1)
        elif action == "ned":
            services.question_move(actor=request.user, question=question, step=1)
        elif action == "ta-bort":
            services.question_delete(actor=request.user, question=question)
            messages.success(request, f"Frågan {key} är borttagen med sina översättningar.")
        elif action == "obligatorisk":
            services.question_update(
                actor=request.user, question=question, required="required" in request.POST
            )
        else:
            messages.error(request, "Okänd ändring.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PublishedSurveyError as exc:
        messages.error(request, str(exc))
    return redirect(f"{_editor_url(request, code)}#fragor")


def _finish_draft(request, code: str, service, done: str):
    """Publish or throw away the draft: back to the list, or to the draft with the reason."""
    survey = _draft_or_404(code)
    try:
        service(actor=request.user, survey=survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_editor_url(request, code))
    messages.success(request, done.format(version=survey.version))
    return redirect("surveys:index", request.federation.slug)


@federation_view(MANAGE)
@require_POST
def draft_publish(request, code: str):
    return _finish_draft(
        request,
        code,
        services.survey_publish,
        "Version {version} är publicerad. Nya länkar använder den; svar som redan getts "
        "stannar hos sin version.",
    )


@federation_view(MANAGE)
@require_POST
def draft_delete(request, code: str):
    return _finish_draft(
        request, code, services.draft_delete, "Utkastet (version {version}) är borttaget."
    )
