"""Reads of the surveys app. Answers linked to a person are personal data: they are read only
for participants the membership may see, and every read is logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from stegvis.core import audit
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.core.tenancy import unscoped
from stegvis.participants.access import intervention_ids_in_scope, require_personal_data
from stegvis.surveys import services
from stegvis.surveys.models import (
    SOURCE_LANGUAGE,
    Answer,
    Invitation,
    Response,
    Survey,
    SurveyText,
    hash_token,
)


def require_survey_access(membership: Membership) -> None:
    if not (
        membership.has_perm(Perm.VIEW_AGGREGATES)
        or membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
        or membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
    ):
        raise PermissionDenied("Din roll har inte behörighet till enkäter.")


def surveys_published(membership: Membership) -> list[Survey]:
    """The federation's published questionnaires (the defaults are added the first time),
    each with ``languages``: the languages it can be answered in."""
    require_survey_access(membership)
    services.ensure_default_surveys(actor=membership.user)
    surveys = list(Survey.objects.filter(status=Survey.Status.PUBLISHED).order_by("code"))
    languages: dict[int, list[str]] = {}
    for survey_id, language in SurveyText.objects.filter(
        survey__in=surveys, key="title"
    ).values_list("survey_id", "language"):
        languages.setdefault(survey_id, []).append(language)
    order = ["sv", "ar", "prs", "so", "ti", "en", "uk"]
    for survey in surveys:
        found = languages.get(survey.pk, [])
        survey.languages = sorted(found, key=lambda x: (order.index(x) if x in order else 99, x))
    return surveys


def survey_published(membership: Membership, code: str) -> Survey:
    require_survey_access(membership)
    services.ensure_default_surveys(actor=membership.user)
    return services.published(code)


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its federation (the link is the key), or
    None. Its federation comes with it, for the caller to scope the rest of the request."""
    if not token or len(token) > 100:
        return None
    with unscoped():
        found = list(
            Invitation.objects.select_related("federation", "survey", "participant").filter(
                token_hash=hash_token(token)
            )[:2]
        )
    return found[0] if len(found) == 1 else None


def wording(survey: Survey, language: str) -> dict[str, str]:
    """The survey's texts in ``language``, Swedish where a text has no translation."""
    texts = {
        t.key: t.text for t in survey.texts.filter(language=SOURCE_LANGUAGE).only("key", "text")
    }
    if language != SOURCE_LANGUAGE:
        texts.update(
            {t.key: t.text for t in survey.texts.filter(language=language).only("key", "text")}
        )
    return texts


def answers_of_participant(
    *, membership: Membership, participant, reason: str = "enkätsvar"
) -> list[Response]:
    """The person's answers given through personal links, in the membership's interventions
    (answers without an enrolment only for those who see every participant). Logged."""
    require_personal_data(membership)
    qs = Response.objects.filter(participant=participant)
    if not membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        qs = qs.filter(enrolment__intervention_id__in=intervention_ids_in_scope(membership))
    responses = list(
        qs.select_related("survey", "enrolment__intervention")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question")),
        )
        .order_by("answered_on", "id")
    )
    if responses:
        audit.log(
            actor=membership.user,
            action=audit.Action.READ,
            obj=participant,
            reason=reason,
            detail={"responses": len(responses)},
        )
    return responses


def invitations_of_participant(*, membership: Membership, participant) -> QuerySet[Invitation]:
    require_personal_data(membership)
    qs = Invitation.objects.filter(participant=participant)
    if not membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        qs = qs.filter(enrolment__intervention_id__in=intervention_ids_in_scope(membership))
    return qs.select_related("survey").order_by("-created_at")
