"""Comparison groups and ekonomiskt bistånd for effect evaluation (SPEC §8, docs/evaluation.md).

An imported comparison cohort is kept apart from participants: its people are not
``Participant`` rows, have no names, and are identified only by the look-up hash of their
personnummer (or a pseudonym the register holder gave them), never by the number itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantModel


class ComparisonCohort(TenantModel):
    """A group of people who did not get the intervention, e.g. a municipality's register of
    people on ekonomiskt bistånd, or people referred to the intervention but not enrolled."""

    class Source(models.TextChoices):
        IMPORTED = "imported", "Importerat register"
        REFERRED = "referred", "Anvisade som inte skrevs in"

    code = models.CharField(
        "kod", max_length=30, help_text="Används som --comparison på kommandoraden."
    )
    name = models.CharField("namn", max_length=200)
    source = models.CharField(
        "ursprung", max_length=10, choices=Source.choices, default=Source.IMPORTED
    )
    description = LimitedTextField("beskrivning", blank=True)
    # The intervention the cohort is the comparison group of (its Effekt page uses it first).
    intervention = models.ForeignKey(
        "interventions.Intervention",
        verbose_name="jämförs med insatsen",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comparison_cohorts",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "jämförelsegrupp"
        verbose_name_plural = "jämförelsegrupper"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "code"], name="cohort_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ComparisonPerson(TenantModel):
    """One person of a comparison cohort: intake variables at the reference date (when the
    person would have started), and the outcome at the end date."""

    cohort = models.ForeignKey(ComparisonCohort, on_delete=models.CASCADE, related_name="people")
    # HMAC of the personnummer (as Participant.personal_number_hash) or of the register's
    # pseudonym; the number itself is never stored.
    person_hash = models.CharField(max_length=64, editable=False)
    birth_year = models.PositiveSmallIntegerField("födelseår")
    gender = models.CharField("kön", max_length=10)
    start_date = models.DateField("referensdatum")
    af_code_before = models.CharField("AF-kod vid start", max_length=20, blank=True)
    income_sources_before = models.JSONField("försörjning vid start", default=list, blank=True)
    arrival_year = models.PositiveSmallIntegerField(
        "år för ankomst till Sverige", null=True, blank=True
    )
    education_level = models.CharField("utbildningsnivå", max_length=40, blank=True)
    time_outside = models.CharField("tid utan arbete/studier", max_length=20, blank=True)
    end_date = models.DateField("utfallsdatum", null=True, blank=True)
    work_or_studies = models.BooleanField("arbete eller studier", null=True, blank=True)

    class Meta:
        verbose_name = "person i jämförelsegrupp"
        verbose_name_plural = "personer i jämförelsegrupper"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "cohort", "person_hash"], name="cohortperson_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="cohortperson_end_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["federation", "cohort", "start_date"], name="cohortperson_fed_start"
            ),
            models.Index(fields=["federation", "person_hash"], name="cohortperson_fed_hash"),
        ]

    def __str__(self) -> str:
        return f"Person {self.pk} i {self.cohort_id}"

    def age_on(self, day) -> int:
        return day.year - self.birth_year - ((day.month, day.day) < (7, 1))


class BenefitPayment(TenantModel):
    """Ekonomiskt bistånd paid to one person in one calendar month (``month`` is its first
    day), in whole kronor. The person is a participant or a comparison person."""

    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="benefit_payments",
    )
    comparison_person = models.ForeignKey(
        ComparisonPerson,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="benefit_payments",
    )
    month = models.DateField("månad")
    amount = models.PositiveIntegerField("utbetalt ekonomiskt bistånd (kr)")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "utbetalt ekonomiskt bistånd"
        verbose_name_plural = "utbetalt ekonomiskt bistånd"
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False, comparison_person__isnull=True)
                | models.Q(participant__isnull=True, comparison_person__isnull=False),
                name="benefit_one_person",
            ),
            models.UniqueConstraint(
                fields=["federation", "participant", "month"],
                condition=models.Q(participant__isnull=False),
                name="benefit_unique_participant_month",
            ),
            models.UniqueConstraint(
                fields=["federation", "comparison_person", "month"],
                condition=models.Q(comparison_person__isnull=False),
                name="benefit_unique_cohort_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.amount} kr"


class EffectResult(TenantModel):
    """The latest effect estimate of an intervention, kept when an evaluation is run (on the
    Effekt page or with ``stegvis evaluate``) so that the knowledge bank can show it beside the
    method's other results without re-estimating. Aggregates only: no person is named."""

    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="effect_results"
    )
    outcome = models.CharField("utfall", max_length=30)
    comparison = models.JSONField("jämförelsegrupper", default=list)
    date_from = models.DateField("start från", null=True, blank=True)
    date_to = models.DateField("start till", null=True, blank=True)
    n_treated = models.PositiveIntegerField("deltagare i skattningen")
    n_comparison = models.PositiveIntegerField("i jämförelsegruppen")
    # Effect on the treated as a difference in shares (0.15 = 15 percentage points).
    estimate = models.FloatField("effekt", null=True, blank=True)
    ci_low = models.FloatField("intervall, nedre", null=True, blank=True)
    ci_high = models.FloatField("intervall, övre", null=True, blank=True)
    bootstrap = models.PositiveIntegerField("omdragningar", default=0)
    computed_at = models.DateTimeField("skattad", default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "effektskattning"
        verbose_name_plural = "effektskattningar"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "intervention", "outcome"], name="effect_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervention} {self.outcome}"
