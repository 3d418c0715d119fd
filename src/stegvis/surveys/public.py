"""The answering pages: opened by a link's token, without an account (SPEC §9).

The token is the key: it decides the invitation and with it the federation, whose scope the rest
of the request runs in. The pages work without JavaScript, in the invitation's language and
direction, and greet a participant by first name only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from stegvis.core.tenancy import federation_scope
from stegvis.surveys import selectors, services, ui
from stegvis.surveys.models import Invitation, Question, direction


def _page(request, template: str, context: dict, *, language: str, status: int = 200):
    context = {
        **context,
        "lang": language,
        "dir": direction(language),
        "w": ui.words(language),
    }
    response = render(request, template, context, status=status)
    # The token is in the address: it must not leak to other sites or into shared caches.
    # (same-origin, not no-referrer: with no-referrer the browser posts the form as "Origin:
    # null", which the CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _questions(survey, texts: dict[str, str], data=None, errors=None) -> list[dict]:
    items = []
    for q in survey.questions.prefetch_related("options"):
        name = f"q_{q.key}"
        chosen = set(data.getlist(name)) if data is not None else set()
        if q.kind == Question.Kind.SCALE:
            choices = [
                {
                    "value": str(v),
                    "label": str(v),
                    "end": texts.get(f"q.{q.key}.low", "")
                    if v == q.scale_min
                    else texts.get(f"q.{q.key}.high", "")
                    if v == q.scale_max
                    else "",
                }
                for v in range(q.scale_min, q.scale_max + 1)
            ]
        elif q.kind == Question.Kind.YES_NO:
            choices = [{"value": "yes", "label": "yes"}, {"value": "no", "label": "no"}]
        else:
            choices = [
                {"value": o.value, "label": texts.get(f"o.{q.key}.{o.value}", o.value)}
                for o in q.options.all()
            ]
        for choice in choices:
            choice["checked"] = choice["value"] in chosen
        items.append(
            {
                "question": q,
                "name": name,
                "text": texts.get(f"q.{q.key}", q.key),
                "low": texts.get(f"q.{q.key}.low", ""),
                "high": texts.get(f"q.{q.key}.high", ""),
                "choices": choices,
                "value": (data.get(name, "") if data is not None else ""),
                "error": (errors or {}).get(q.key),
            }
        )
    return items


@never_cache
def answer(request, token: str):
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404("Länken finns inte.")
    with federation_scope(invitation.federation):
        return _answer(request, invitation)


def _answer(request, invitation: Invitation):
    language = invitation.language
    survey = invitation.survey
    texts = selectors.wording(survey, language)
    base = {
        "invitation": invitation,
        "title": texts.get("title", ""),
        # The first name only: whoever sees the screen learns no more than that.
        "greeting": ui.words(language)["hello"].format(name=invitation.participant.first_name)
        if invitation.participant and invitation.participant.first_name
        else "",
        "kiosk": invitation.kind == Invitation.Kind.KIOSK,
    }
    withdrawn = invitation.kind == Invitation.Kind.PERSONAL and not services.has_consent(
        invitation.participant
    )
    if not invitation.is_open() or withdrawn:
        return _page(request, "surveys/public/closed.html", base, language=language, status=410)
    if request.method == "POST":
        try:
            services.response_submit(invitation=invitation, data=request.POST)
        except services.LinkClosed:
            return _page(request, "surveys/public/closed.html", base, language=language, status=410)
        except ValidationError as exc:
            errors = {key: messages[0] for key, messages in exc.message_dict.items()}
            context = {
                **base,
                "intro": texts.get("intro", ""),
                "questions": _questions(survey, texts, request.POST, errors),
                "has_errors": True,
            }
            return _page(
                request, "surveys/public/answer.html", context, language=language, status=400
            )
        invitation.refresh_from_db()
        return _page(
            request,
            "surveys/public/thanks.html",
            {**base, "more": invitation.is_open()},
            language=language,
        )
    context = {**base, "intro": texts.get("intro", ""), "questions": _questions(survey, texts)}
    return _page(request, "surveys/public/answer.html", context, language=language)


@never_cache
def own_page(request, token: str):
    link = selectors.page_link_by_token(token)
    if link is None:
        raise Http404("Länken finns inte.")
    language = link.language
    with federation_scope(link.federation):
        participant = link.participant
        base = {
            "title": ui.words(language)["my_page"],
            "greeting": ui.words(language)["hello"].format(name=participant.first_name)
            if participant.first_name
            else "",
        }
        if not link.is_open() or participant.is_anonymous:
            return _page(request, "surveys/public/closed.html", base, language=language, status=410)
        from django.utils import timezone

        page = selectors.own_page(participant, today=timezone.localdate())
        return _page(request, "surveys/public/own_page.html", {**base, **page}, language=language)
