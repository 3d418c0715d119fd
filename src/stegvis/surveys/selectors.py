"""Reads of the surveys app. Answers linked to a person are personal data: they are read only
for participants the membership may see, and every read is logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from stegvis.core import audit
from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.core.tenancy import unscoped
from stegvis.participants.access import require_personal_data, visible_intervention_ids
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


def participant_surveys() -> list[Survey]:
    """The published questionnaires participants answer (for the link form on his page); the
    defaults are added only when the federation has none yet."""
    surveys = list(
        Survey.objects.filter(status=Survey.Status.PUBLISHED, audience="participant").order_by(
            "code"
        )
    )
    if not surveys and services.ensure_default_surveys():
        return participant_surveys()
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


@memoized(lambda survey, language: (survey.pk, language))
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


@memoized(lambda *, membership, participant: (membership.pk, participant.pk))
def answers_of_participant(*, membership: Membership, participant) -> tuple[Response, ...]:
    """The person's answers given through personal links, in the membership's interventions
    (answers without an enrolment only for those who see every participant). Logged."""
    require_personal_data(membership)
    qs = Response.objects.filter(participant=participant)
    if not membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        qs = qs.filter(
            enrolment__intervention_id__in=visible_intervention_ids(participant, membership)
        )
    responses = tuple(
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
            reason="enkätsvar",
            detail={"responses": len(responses)},
        )
    return responses


def invitations_of_participant(*, membership: Membership, participant) -> QuerySet[Invitation]:
    require_personal_data(membership)
    qs = Invitation.objects.filter(participant=participant)
    if not membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        qs = qs.filter(
            enrolment__intervention_id__in=visible_intervention_ids(participant, membership)
        )
    return qs.select_related("survey").order_by("-created_at")


def page_link_by_token(token: str):
    from stegvis.surveys.models import PageLink

    if not token or len(token) > 100:
        return None
    with unscoped():
        found = list(
            PageLink.objects.select_related("federation", "participant").filter(
                token_hash=hash_token(token)
            )[:2]
        )
    return found[0] if len(found) == 1 else None


def own_page(participant, *, today) -> dict:
    """What the participant sees on his own page: active plans' goals and open actions, his
    next meeting and his activities' next sessions. Read by the link's holder; logged."""
    from stegvis.activities.models import ActivityEnrolment, Session
    from stegvis.plans.models import Meeting, Plan, PlanAction, PlanGoal

    enrolments = list(participant.enrolments.filter(end_date__isnull=True))
    plans = list(Plan.objects.filter(enrolment__in=enrolments))
    goals = list(
        PlanGoal.objects.filter(plan__in=plans)
        .exclude(status=PlanGoal.Status.DROPPED)
        .order_by("position", "id")
    )
    actions = list(
        PlanAction.objects.filter(
            plan__in=plans, status__in=[PlanAction.Status.PLANNED, PlanAction.Status.IN_PROGRESS]
        ).order_by("due_date", "position", "id")[:8]
    )
    meeting = (
        Meeting.objects.filter(enrolment__in=enrolments, held_on__gte=today)
        .order_by("held_on")
        .first()
    )
    follow_ups = [p.next_follow_up for p in plans if p.next_follow_up and p.next_follow_up >= today]
    places = ActivityEnrolment.objects.filter(
        enrolment__in=enrolments, status=ActivityEnrolment.Status.ACTIVE
    ).values_list("activity_id", flat=True)
    sessions = list(
        Session.objects.filter(activity_id__in=list(places), date__gte=today, cancelled=False)
        .select_related("activity")
        .order_by("date", "start_time")[:6]
    )
    audit.log(
        actor=None,
        action=audit.Action.READ,
        obj=participant,
        reason="egen sida via länk",
    )
    return {
        "goals": goals,
        "actions": actions,
        "meeting": meeting.held_on if meeting else (min(follow_ups) if follow_ups else None),
        "sessions": sessions,
    }
