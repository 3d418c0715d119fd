"""Assessment (kartläggning), early-warning flags and step-wise progress, SPEC §4."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantModel


class NeedLevel(models.TextChoices):
    NONE = "none", "Inget behov"
    LOW = "low", "Litet behov"
    MEDIUM = "medium", "Visst behov"
    HIGH = "high", "Stort behov"


class SwedishLevel(models.TextChoices):
    """A CEFR-like scale, as SFI and the seeds' language cafés use it."""

    NONE = "none", "Ingen svenska"
    A1 = "A1", "A1 – nybörjare"
    A2 = "A2", "A2 – grundläggande"
    B1 = "B1", "B1 – klarar vardagen"
    B2 = "B2", "B2 – självständig"
    C1 = "C1", "C1 – avancerad"
    C2 = "C2", "C2 – mycket avancerad"


class LanguageLevel(models.TextChoices):
    NATIVE = "native", "Modersmål"
    FLUENT = "fluent", "Flytande"
    GOOD = "good", "God"
    BASIC = "basic", "Grundläggande"


class DrivingLicence(models.TextChoices):
    NONE = "none", "Inget körkort"
    LEARNING = "learning", "Övningskör"
    B = "b", "B-körkort (personbil)"
    HEAVY = "heavy", "C/D-körkort (lastbil, buss)"
    FOREIGN = "foreign", "Utländskt körkort"


class Obstacle(models.TextChoices):
    HEALTH = "health", "Hälsa"
    DISABILITY = "disability", "Funktionsnedsättning"
    CHILDCARE = "childcare", "Barnomsorg"
    HOUSING = "housing", "Boende"
    DEBTS = "debts", "Skulder"
    OTHER = "other", "Annat"


class RiskFlag(TenantModel):
    """The federation's choice for one early-warning flag (the rule itself is in ``risk.py``)."""

    key = models.CharField("nyckel", max_length=40)
    label = models.CharField("benämning", max_length=120)
    weight = models.SmallIntegerField("vikt", default=1)
    active = models.BooleanField("används", default=True)
    position = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "varningsflagga"
        verbose_name_plural = "varningsflaggor"
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "key"], name="riskflag_unique_key"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=20), name="riskflag_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ProgressDimension(TenantModel):
    """One scale of step-wise progress (1–5), with a description anchoring every step."""

    key = models.CharField("nyckel", max_length=40)
    label = models.CharField("benämning", max_length=80)
    description = models.CharField("beskrivning", max_length=300, blank=True)
    # Five strings: what 1, 2, 3, 4 and 5 mean on this scale.
    anchors = models.JSONField("beskrivning av stegen", default=list, blank=True)
    position = models.PositiveIntegerField("ordning", default=0)
    active = models.BooleanField("används", default=True)

    class Meta:
        verbose_name = "skattningsområde"
        verbose_name_plural = "skattningsområden"
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "key"], name="dimension_unique_key")
        ]

    def __str__(self) -> str:
        return self.label

    def anchor(self, score: int) -> str:
        if 1 <= score <= len(self.anchors):
            return self.anchors[score - 1]
        return ""


class InterestOption(TenantModel):
    """An entry in the federation's interest taxonomy (used by assessment and matching)."""

    key = models.SlugField("nyckel", max_length=40)
    label = models.CharField("benämning", max_length=80)
    group = models.CharField("grupp", max_length=60, blank=True)
    position = models.PositiveIntegerField("ordning", default=0)
    active = models.BooleanField("används", default=True)

    class Meta:
        verbose_name = "intresse"
        verbose_name_plural = "intressen"
        ordering = ["group", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "key"], name="interest_unique_key")
        ]

    def __str__(self) -> str:
        return self.label


class Assessment(TenantModel):
    """One version of a structured assessment of an enrolment. Never changed after saving: a
    correction or a later assessment is a new version, so the history is kept."""

    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="assessments"
    )
    version = models.PositiveIntegerField("version")
    assessed_on = models.DateField("kartlagd")

    # Competence portfolio. education: [{"level", "country", "field"}],
    # work_experience: [{"occupation", "years", "country"}].
    education = models.JSONField("utbildning", default=list, blank=True)
    work_experience = models.JSONField("arbetslivserfarenhet", default=list, blank=True)
    skills = LimitedTextField("kunskaper och färdigheter", blank=True)
    driving_licence = models.CharField(
        "körkort", max_length=10, choices=DrivingLicence.choices, blank=True
    )

    # Languages. other_languages: [{"language", "level"}].
    swedish_level = models.CharField(
        "svenska", max_length=4, choices=SwedishLevel.choices, blank=True
    )
    other_languages = models.JSONField("andra språk", default=list, blank=True)

    # Needs on the NAD triad.
    need_language = models.CharField(
        "behov: språk", max_length=10, choices=NeedLevel.choices, blank=True
    )
    need_health = models.CharField(
        "behov: hälsa", max_length=10, choices=NeedLevel.choices, blank=True
    )
    need_network = models.CharField(
        "behov: nätverk", max_length=10, choices=NeedLevel.choices, blank=True
    )
    needs_note = LimitedTextField("om behoven", blank=True)

    interests = models.JSONField("intressen", default=list, blank=True)  # InterestOption keys
    obstacles = models.JSONField("hinder", default=list, blank=True)  # Obstacle keys
    obstacles_note = LimitedTextField("om hindren", blank=True)
    summary = LimitedTextField("sammanfattning", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "kartläggning"
        verbose_name_plural = "kartläggningar"
        ordering = ["enrolment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "enrolment", "version"], name="assessment_unique_version"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "enrolment"], name="assessment_fed_enrolment")
        ]

    def __str__(self) -> str:
        return f"Kartläggning {self.version} ({self.assessed_on})"

    @property
    def obstacle_labels(self) -> list[str]:
        labels = dict(Obstacle.choices)
        return [labels.get(key, key) for key in self.obstacles]


class StepRating(TenantModel):
    """One score on one dimension at one occasion, by staff or by the participant."""

    class Rater(models.TextChoices):
        STAFF = "staff", "Personal"
        PARTICIPANT = "participant", "Deltagaren själv"

    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="step_ratings"
    )
    dimension = models.ForeignKey(
        ProgressDimension, on_delete=models.PROTECT, related_name="ratings"
    )
    rated_on = models.DateField("datum")
    rater = models.CharField("skattad av", max_length=12, choices=Rater.choices)
    score = models.PositiveSmallIntegerField("skattning")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "skattning"
        verbose_name_plural = "skattningar"
        ordering = ["rated_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "enrolment", "dimension", "rated_on", "rater"],
                name="steprating_unique_occasion",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="steprating_score_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "enrolment"], name="steprating_fed_enrolment"),
            models.Index(
                fields=["federation", "dimension", "rated_on"], name="steprating_fed_dim_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_id}: {self.score} ({self.rated_on})"
