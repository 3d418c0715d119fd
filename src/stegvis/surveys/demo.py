"""Demo answers: participants answer the participant questionnaire at start, midway and exit in
their own language (so results and change show), activities are rated on a tablet, the working
groups assess themselves at three dates, and staff, referrers and the board answer the indicator
questionnaires."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import QueryDict
from django.utils import timezone

from stegvis.participants.access import active_consent_q
from stegvis.participants.models import Enrolment
from stegvis.surveys import integration, services
from stegvis.surveys.models import Invitation, Survey

SCALES = ("svenska", "halsa", "natverk", "formaga", "arbete")
COMMENTS = [
    "Jag vill träffa fler människor.",
    "Det är bra att öva svenska i föreningen.",
    "Jag har ont i ryggen men det blir bättre.",
    "",
    "",
    "",
]


def _form(values: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(f"q_{key}", [str(v) for v in value])
        elif value != "":
            data[f"q_{key}"] = str(value)
    return data


def _backdate(invitation: Invitation, day) -> None:
    moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
    Invitation.objects.filter(pk=invitation.pk).update(created_at=moment)


def seed(ctx) -> None:
    rng = ctx.rng
    admin = ctx.users["admin"]
    services.ensure_default_surveys(actor=admin.user)
    surveys = {s.code: s for s in Survey.objects.filter(status=Survey.Status.PUBLISHED)}
    _participants(ctx, rng, admin, surveys["deltagare"])
    _activities(ctx, rng, admin, surveys["efter-aktivitet"])
    _groups(ctx, rng, admin, surveys)


def _participants(ctx, rng, admin, survey) -> None:
    enrolments = (
        Enrolment.objects.filter(
            participant__is_anonymous=False, intervention__code__startswith="NAD"
        )
        .exclude(exit_reason="felregistrering")
        .select_related("participant")
        .order_by("pk")
    )
    for enrolment in enrolments:
        if rng.random() < 0.2:
            continue  # never asked
        person = enrolment.participant
        language = integration._language(person)
        until = min(enrolment.end_date or ctx.today, ctx.today)
        start = enrolment.start_date + timedelta(days=rng.randint(2, 10))
        if start > until:
            continue
        occasions = [("start", start)]
        midway = start + timedelta(days=rng.randint(80, 120))
        if midway < until - timedelta(days=20):
            occasions.append(("midway", midway))
        if enrolment.end_date and enrolment.end_date <= ctx.today:
            occasions.append(("exit", enrolment.end_date))
        scores = [rng.randint(1, 3) for _ in SCALES]
        pace = rng.choice([0.25, 0.4, 0.55, 0.7])
        for index, (occasion, day) in enumerate(occasions):
            if index:
                scores = [
                    min(5, s + 1) if rng.random() < pace else max(1, s - (rng.random() > 0.93))
                    for s in scores
                ]
            if not person.consents.filter(
                active_consent_q(), intervention=enrolment.intervention
            ).exists():
                break  # no consent in force for this intervention: no personal link
            # The person's own case worker sends the link (the administrator sees no one).
            sender = enrolment.main_contact or ctx.staff(enrolment.intervention.code)[0]
            link = services.invitation_create(
                actor=sender.user,
                membership=sender,
                survey=survey,
                participant_id=person.pk,
                occasion=occasion,
                language=language,
            )
            _backdate(link.invitation, day)
            if rng.random() < 0.12:
                continue  # sent but not answered
            answers = dict(zip(SCALES, scores, strict=True))
            answers["ovrigt"] = rng.choice(COMMENTS) if language == "sv" else ""
            services.response_submit(invitation=link.invitation, data=_form(answers), today=day)


def _activities(ctx, rng, admin, survey) -> None:
    from stegvis.activities.models import Activity

    activities = list(Activity.objects.filter(status=Activity.Status.APPROVED).order_by("pk")[:6])
    for activity in activities:
        day = ctx.today - timedelta(days=rng.randint(5, 60))
        link = services.anonymous_link_create(
            actor=admin.user,
            survey=survey,
            respondent_group="participant",
            language="sv",
            max_answers=12,
            kiosk=True,
            activity=activity,
            intervention=activity.intervention,
            occasion="activity",
        )
        _backdate(link.invitation, day)
        for _ in range(rng.randint(6, 11)):
            chosen = [v for v in ("svenska", "kontakter", "halsa", "kunskap") if rng.random() < 0.5]
            answers = {
                "nytta": rng.choice([3, 4, 4, 5, 5]),
                "fick": chosen,
                "igen": "yes" if rng.random() < 0.85 else "no",
            }
            services.response_submit(invitation=link.invitation, data=_form(answers), today=day)


def _groups(ctx, rng, admin, surveys) -> None:
    # The working groups assess themselves together at three chosen dates, a little better
    # each time.
    dates = [ctx.today - timedelta(days=d) for d in (330, 180, 30)]
    base = {
        "delaktighet": 2,
        "individanpassning": 3,
        "forankring": 2,
        "samlokalisering": 2,
        "tolk": 3,
        "ledtider": 2,
        "kompetens": 3,
    }
    obstacles = ["tolk", "finansiering", "samverkan"]
    for index, day in enumerate(dates):
        link = services.anonymous_link_create(
            actor=admin.user,
            survey=surveys["sjalvvardering"],
            respondent_group="working_group",
            max_answers=3,
        )
        _backdate(link.invitation, day)
        for _ in range(3):
            answers = {
                key: min(5, max(1, value + index + rng.choice([-1, 0, 0, 1])))
                for key, value in base.items()
            }
            answers["storsta_hinder"] = obstacles[index]
            answers["framgangar"] = "Gemensam planering med föreningarna."
            services.response_submit(invitation=link.invitation, data=_form(answers), today=day)
    groups = [
        ("indikator-personal", "staff", 9, 4),
        ("indikator-handlaggare", "referrer", 7, 3),
        ("indikator-styrelse", "board", 6, 4),
        ("indikator-styrelse", "manager", 5, 3),
    ]
    day = ctx.today - timedelta(days=45)
    for code, group, count, level in groups:
        survey = surveys[code]
        keys = list(survey.questions.values_list("key", flat=True))
        link = services.anonymous_link_create(
            actor=admin.user, survey=survey, respondent_group=group, max_answers=count + 2
        )
        _backdate(link.invitation, day)
        for _ in range(count):
            answers = {k: min(5, max(1, level + rng.choice([-1, 0, 0, 1]))) for k in keys}
            services.response_submit(invitation=link.invitation, data=_form(answers), today=day)
