"""Interventions (insatser), SPEC §2."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantModel


class Intervention(TenantModel):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individinriktad"
        STRUCTURAL = "structural", "Strukturinriktad"

    code = models.CharField("kod", max_length=30)
    name = models.CharField("namn", max_length=200)
    kind = models.CharField("typ", max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    owner_authority = models.ForeignKey(
        "core.Authority",
        verbose_name="ägare",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_interventions",
    )
    hub = models.ForeignKey(
        "core.Hub", verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    start_date = models.DateField("startdatum", null=True, blank=True)
    end_date = models.DateField("slutdatum", null=True, blank=True)
    capacity = models.PositiveIntegerField("antal platser", null=True, blank=True)
    target_group = LimitedTextField("målgrupp", blank=True)
    description = LimitedTextField("beskrivning", blank=True)
    methods = models.JSONField("metoder", default=list, blank=True)
    # Declarative eligibility rules, see stegvis.participants.eligibility.
    eligibility_rules = models.JSONField("villkor för deltagande", default=list, blank=True)

    class Meta:
        verbose_name = "insats"
        verbose_name_plural = "insatser"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "code"], name="intervention_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_individual(self) -> bool:
        return self.kind == self.Kind.INDIVIDUAL


class Financier(TenantModel):
    """Who pays for an intervention: a member authority's share, ESF or another fund (SPEC §2)."""

    class Kind(models.TextChoices):
        MEMBER = "member", "Medlem (huvudman)"
        ESF = "esf", "Europeiska socialfonden (ESF)"
        OTHER = "other", "Annan finansiär"

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="financiers"
    )
    name = models.CharField("namn", max_length=200)
    kind = models.CharField("typ", max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    authority = models.ForeignKey(
        "core.Authority",
        verbose_name="huvudman",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="financed",
    )
    position = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "finansiär"
        verbose_name_plural = "finansiärer"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "intervention", "name"], name="financier_unique_name"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "intervention"], name="financier_fed_iv"),
        ]

    def __str__(self) -> str:
        return self.name


class Budget(TenantModel):
    """One financier's budget for one calendar year, in whole kronor."""

    financier = models.ForeignKey(Financier, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField("år")
    amount = models.BigIntegerField("budget (kr)")

    class Meta:
        verbose_name = "budget"
        verbose_name_plural = "budgetar"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "financier", "year"], name="budget_unique_year"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_not_negative"),
        ]
        indexes = [models.Index(fields=["federation", "financier"], name="budget_fed_financier")]

    def __str__(self) -> str:
        return f"{self.financier} {self.year}: {self.amount} kr"


class OutcomeBooking(TenantModel):
    """Booked outcome (utfall): money actually used from one financier's share, on a date.

    A negative amount corrects an earlier booking.
    """

    financier = models.ForeignKey(Financier, on_delete=models.CASCADE, related_name="bookings")
    booked_on = models.DateField("bokföringsdatum")
    amount = models.BigIntegerField("belopp (kr)")
    note = models.CharField("avser", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "bokfört utfall"
        verbose_name_plural = "bokfört utfall"
        ordering = ["-booked_on", "-id"]
        indexes = [
            models.Index(
                fields=["federation", "financier", "booked_on"], name="booking_fed_fin_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} kr"


class ResultGoal(TenantModel):
    """A result goal followed live, e.g. "≥ 50 % to work or studies within 12 months" (SPEC §2).

    The metric decides what is counted; see :mod:`stegvis.reports.goals` for the rules.
    """

    class Metric(models.TextChoices):
        WORK_OR_STUDIES = "work_or_studies", "Andel till arbete eller studier"
        PARTICIPANTS = "participants", "Antal nya deltagare"
        ACTIVITIES = "activities", "Antal aktiviteter (strukturinsats)"
        ATTENDEES = "attendees", "Antal deltagare i aktiviteter (strukturinsats)"

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField("mål", max_length=200)
    metric = models.CharField("mäts som", max_length=20, choices=Metric.choices)
    target = models.PositiveIntegerField("målvärde", help_text="Procent för andelar, annars antal.")
    within_months = models.PositiveSmallIntegerField(
        "inom månader från start",
        null=True,
        blank=True,
        help_text="Bara för andelsmål. Tomt: när som helst under deltagandet.",
    )
    position = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "resultatmål"
        verbose_name_plural = "resultatmål"
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["federation", "intervention"], name="goal_fed_iv")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_share(self) -> bool:
        return self.metric == self.Metric.WORK_OR_STUDIES


class StructuralActivity(TenantModel):
    """What a structural intervention did: a course, a network meeting, method work, with its
    volume counts (no participants are registered, SPEC §2)."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Utbildning/kompetensutveckling"
        NETWORK = "network", "Nätverksträff"
        METHOD = "method", "Metodutveckling"
        INFORMATION = "information", "Informationsinsats"
        OTHER = "other", "Annat"

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="structural_activities"
    )
    held_on = models.DateField("datum")
    title = models.CharField("aktivitet", max_length=200)
    kind = models.CharField("typ", max_length=12, choices=Kind.choices, default=Kind.TRAINING)
    attendees = models.PositiveIntegerField("antal deltagare", default=0)
    organisations = models.PositiveIntegerField("antal organisationer", default=0)
    hours = models.DecimalField("timmar", max_digits=7, decimal_places=1, default=0)
    note = models.CharField("kommentar", max_length=300, blank=True)

    class Meta:
        verbose_name = "aktivitet i strukturinsats"
        verbose_name_plural = "aktiviteter i strukturinsatser"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(
                fields=["federation", "intervention", "held_on"], name="structact_fed_iv_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
