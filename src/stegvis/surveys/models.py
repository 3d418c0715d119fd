"""Questionnaires as data (SPEC §9): versioned surveys with fixed wording, questions, options and
a translation per language; invitations (one-time links), responses and answers.

Wording is fixed once a version is published: a changed question is a new version of the survey
(``services.survey_new_version``). The services refuse edits of a published version, and the
models refuse to save or delete a question, option or text of one (a last line of defence for
code that bypasses the services).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantModel

# Dari is written with the ISO 639-3 code "prs" (a valid BCP 47 tag that browsers and screen
# readers accept); "fa-AF" is another name for the same language.
LANGUAGES: dict[str, str] = {
    "sv": "Svenska",
    "ar": "Arabiska",
    "prs": "Dari",
    "so": "Somaliska",
    "ti": "Tigrinja",
    "en": "Engelska",
    "uk": "Ukrainska",
}
RTL_LANGUAGES = frozenset({"ar", "prs", "fa", "ckb", "he", "ur", "ps"})
SOURCE_LANGUAGE = "sv"


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


class Occasion(models.TextChoices):
    START = "start", "Vid start"
    MIDWAY = "midway", "Halvvägs"
    EXIT = "exit", "Vid avslut"
    ACTIVITY = "activity", "Efter aktivitet"
    ONGOING = "ongoing", "Under pågående insats"
    NONE = "", "Inget tillfälle"


# The occasions a participant questionnaire is answered at, in order (paired change runs
# between the first and a later one).
PARTICIPANT_OCCASIONS = (Occasion.START, Occasion.MIDWAY, Occasion.EXIT)


class Audience(models.TextChoices):
    PARTICIPANT = "participant", "Deltagare"
    STAFF = "staff", "Personal"
    WORKING_GROUP = "working_group", "Arbetsgrupp (självvärdering)"
    REFERRER = "referrer", "Handläggare hos huvudmännen"
    BOARD = "board", "Styrelse"
    MANAGER = "manager", "Chefer"


class PublishedSurveyError(Exception):
    """A published survey version was about to change."""

    def __init__(self, message: str = ""):
        super().__init__(
            message or "Enkätversionen är publicerad och kan inte ändras: skapa en ny version."
        )


class Survey(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        PUBLISHED = "published", "Publicerad"
        RETIRED = "retired", "Ersatt"

    code = models.SlugField("kod", max_length=40)
    version = models.PositiveIntegerField("version", default=1)
    status = models.CharField("status", max_length=10, choices=Status.choices, default="draft")
    audience = models.CharField("svarande", max_length=20, choices=Audience.choices)
    published_at = models.DateTimeField("publicerad", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "enkät"
        verbose_name_plural = "enkäter"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "code", "version"], name="survey_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT

    def refuse_if_published(self) -> None:
        if self.is_published:
            raise PublishedSurveyError()


class _Fixed(TenantModel):
    """A part of a survey's wording: cannot be saved or deleted once the survey is published."""

    class Meta:
        abstract = True

    def _survey(self) -> Survey:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        self._survey().refuse_if_published()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._survey().refuse_if_published()
        return super().delete(*args, **kwargs)


class Question(_Fixed):
    class Kind(models.TextChoices):
        SCALE = "scale", "Skala"
        SINGLE = "single", "Ett val"
        MULTIPLE = "multiple", "Flera val"
        YES_NO = "yes_no", "Ja/nej"
        TEXT = "text", "Kort fritext"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField("nyckel", max_length=40)
    position = models.PositiveIntegerField("ordning", default=0)
    kind = models.CharField("typ", max_length=10, choices=Kind.choices)
    scale_min = models.PositiveSmallIntegerField("lägsta värde", default=1)
    scale_max = models.PositiveSmallIntegerField("högsta värde", default=5)
    required = models.BooleanField("obligatorisk", default=False)
    # The progress dimension (assessments.ProgressDimension.key) a 1–5 scale answer is also
    # recorded on, as the participant's own rating.
    dimension_key = models.CharField("stegförflyttningsområde", max_length=40, blank=True)

    class Meta:
        verbose_name = "fråga"
        verbose_name_plural = "frågor"
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "survey", "key"], name="question_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")), name="question_scale"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def _survey(self) -> Survey:
        return self.survey


class Option(_Fixed):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    value = models.SlugField("värde", max_length=40)
    position = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "svarsalternativ"
        verbose_name_plural = "svarsalternativ"
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "question", "value"], name="option_unique_value"
            )
        ]

    def __str__(self) -> str:
        return self.value

    def _survey(self) -> Survey:
        return self.question.survey


class SurveyText(_Fixed):
    """One piece of wording in one language. ``key`` names what it words: ``title``,
    ``intro``, ``q.<question>``, ``q.<question>.low`` / ``.high`` (a scale's labelled ends)
    and ``o.<question>.<option>``."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField("språk", max_length=8)
    key = models.CharField("nyckel", max_length=100)
    text = LimitedTextField("text")
    machine_translated = models.BooleanField(
        "maskinöversatt, behöver granskas",
        default=False,
        help_text="Översättningen är maskinell och ska granskas av en människa.",
    )

    class Meta:
        verbose_name = "enkättext"
        verbose_name_plural = "enkättexter"
        ordering = ["survey", "language", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "survey", "language", "key"], name="surveytext_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.key}"

    def _survey(self) -> Survey:
        return self.survey


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TenantModel):
    """A link to answer a survey. Only the token's hash is stored.

    * personal: one participant, one occasion, one answer (the page greets by first name);
    * anonymous: staff, referrers or the board; ``max_answers`` answers, no identity stored;
    * kiosk: a tablet passed round at a meeting; each answer anonymous, the form starts over.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", "Personlig länk"
        ANONYMOUS = "anonymous", "Anonym länk"
        KIOSK = "kiosk", "Surfplatta (kiosk)"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField("typ", max_length=10, choices=Kind.choices, default="personal")
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    enrolment = models.ForeignKey(
        "participants.Enrolment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    occasion = models.CharField("tillfälle", max_length=10, choices=Occasion.choices, blank=True)
    respondent_group = models.CharField(
        "svarsgrupp", max_length=20, choices=Audience.choices, blank=True
    )
    language = models.CharField("språk", max_length=8, default=SOURCE_LANGUAGE)
    # Looked up across federations (the link decides the federation), so indexed on its own;
    # unique within the federation, and a 192-bit token does not repeat across them.
    token_hash = models.CharField(max_length=64, db_index=True, editable=False)
    expires_at = models.DateTimeField("giltig till")
    max_answers = models.PositiveIntegerField("antal svar", default=1)
    answers = models.PositiveIntegerField("lämnade svar", default=0)
    closed_at = models.DateTimeField("stängd", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "enkätinbjudan"
        verbose_name_plural = "enkätinbjudningar"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "token_hash"], name="invitation_unique_token"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "participant"], name="invitation_fed_participant"),
            models.Index(fields=["federation", "survey"], name="invitation_fed_survey"),
        ]

    def __str__(self) -> str:
        return f"Inbjudan {self.pk} ({self.survey_id})"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and self.answers < self.max_answers and now < self.expires_at


class Response(TenantModel):
    """One submitted questionnaire. ``participant`` is set only for personal links."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    enrolment = models.ForeignKey(
        "participants.Enrolment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occasion = models.CharField("tillfälle", max_length=10, choices=Occasion.choices, blank=True)
    respondent_group = models.CharField(
        "svarsgrupp", max_length=20, choices=Audience.choices, blank=True
    )
    language = models.CharField("språk", max_length=8)
    answered_on = models.DateField("besvarad")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "enkätsvar"
        verbose_name_plural = "enkätsvar"
        ordering = ["answered_on", "id"]
        indexes = [
            models.Index(
                fields=["federation", "survey", "answered_on"], name="response_fed_survey"
            ),
            models.Index(fields=["federation", "participant"], name="response_fed_participant"),
        ]

    def __str__(self) -> str:
        return f"Svar {self.pk} ({self.survey_id})"


class Answer(TenantModel):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Scale value, or 1/0 for yes/no.
    number = models.SmallIntegerField("värde", null=True, blank=True)
    # Chosen option values (single: one, multiple: any).
    choices = models.JSONField("val", default=list, blank=True)
    text = LimitedTextField("fritext", blank=True)

    class Meta:
        verbose_name = "svar på fråga"
        verbose_name_plural = "svar på frågor"
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "response", "question"], name="answer_unique_question"
            )
        ]
        indexes = [models.Index(fields=["federation", "question"], name="answer_fed_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.number if self.number is not None else self.choices}"


class PageLink(TenantModel):
    """A link to the participant's own read-only page (his plan's goals and next steps, his
    next meeting, his activities' next sessions), in his language. Only the hash is stored."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="page_links"
    )
    language = models.CharField("språk", max_length=8, default=SOURCE_LANGUAGE)
    token_hash = models.CharField(max_length=64, db_index=True, editable=False)
    expires_at = models.DateTimeField("giltig till")
    revoked_at = models.DateTimeField("återkallad", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "länk till egen sida"
        verbose_name_plural = "länkar till egen sida"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "token_hash"], name="pagelink_unique_token"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "participant"], name="pagelink_fed_participant")
        ]

    def __str__(self) -> str:
        return f"Egen sida {self.pk}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at
