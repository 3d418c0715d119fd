"""Interventions (insatser), SPEC §2."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

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
    # Declarative eligibility rules, see stegvis.participants.eligibility.
    eligibility_rules = models.JSONField("villkor för deltagande", default=list, blank=True)
    # Closed (stängd): takes no new referrals; people already in it finish their steps.
    closed_on = models.DateField("stängd", null=True, blank=True)
    close_note = models.CharField("skäl till stängning", max_length=300, blank=True)

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

    def is_open_on(self, day) -> bool:
        """Takes referrals on ``day``: not closed, and the day is within its period."""
        closed = self.closed_on is not None and self.closed_on <= day
        ended = self.end_date is not None and self.end_date < day
        return not (closed or ended)


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


class ReferralSubmission(TenantModel):
    """What a referrer at a member authority sent with a referral (SPEC §3): the referrer sees
    this, and the decision, never the participant's record."""

    referral = models.ForeignKey(
        "participants.Referral", on_delete=models.CASCADE, related_name="submissions"
    )
    first_name = models.CharField("förnamn", max_length=100, blank=True)
    last_name = models.CharField("efternamn", max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField("födelseår")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "skickad anvisning"
        verbose_name_plural = "skickade anvisningar"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "referral"], name="submission_unique_referral"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or f"född {self.birth_year}"


class Transfer(TenantModel):
    """An överlämning: a person moves from a step (an enrolment) to another intervention,
    possibly at another authority. The sending enrolment is ended only when the receiving one
    has started, so the person always has a responsible contact."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Väntar på mottagaren"
        ACCEPTED = "accepted", "Mottagen, startar"
        COMPLETED = "completed", "Genomförd"
        DECLINED = "declined", "Avböjd av mottagaren"
        CANCELLED = "cancelled", "Återkallad"

    OPEN = (Status.PROPOSED, Status.ACCEPTED)

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="transfers"
    )
    from_enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="transfers_out"
    )
    to_intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="transfers_in"
    )
    referral = models.ForeignKey(
        "participants.Referral", on_delete=models.PROTECT, related_name="transfers"
    )
    to_enrolment = models.ForeignKey(
        "participants.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers_in",
    )
    sending_contact = models.ForeignKey(
        "core.Membership",
        verbose_name="överlämnande handläggare",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    receiving_contact = models.ForeignKey(
        "core.Membership",
        verbose_name="mottagande handläggare",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = LimitedTextField("skäl till överlämningen")
    consent = models.ForeignKey(
        "participants.Consent",
        verbose_name="samtycke till informationsutbyte",
        on_delete=models.PROTECT,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "plans.Meeting",
        verbose_name="överlämningsmöte",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_on = models.DateField("föreslagen")
    planned_start = models.DateField("planerad start", null=True, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decided_on = models.DateField("mottagarens beslut", null=True, blank=True)
    completed_on = models.DateField("genomförd", null=True, blank=True)
    decline_reason = models.CharField("skäl", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "överlämning mellan insatser"
        verbose_name_plural = "överlämningar mellan insatser"
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "referral"], name="transfer_unique_referral"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "status"], name="transfer_fed_status"),
            models.Index(fields=["federation", "participant"], name="transfer_fed_participant"),
        ]

    def __str__(self) -> str:
        return f"Överlämning {self.proposed_on} till {self.to_intervention_id}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
