"""NAD activities, their sessions and attendance, compensation to associations, and
internship/work-training places (SPEC §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantLink, TenantModel


class Category(models.TextChoices):
    LANGUAGE = "language", "Språk och samtal"
    SPORT = "sport", "Idrott och motion"
    CULTURE = "culture", "Kultur och musik"
    NATURE = "nature", "Natur och friluftsliv"
    GARDENING = "gardening", "Odling och hantverk"
    CIVIC = "civic", "Föreningskunskap och volontärskap"
    OTHER = "other", "Annat"


class GenderRestriction(models.TextChoices):
    NONE = "", "Alla"
    WOMEN = "kvinna", "Endast kvinnor"
    MEN = "man", "Endast män"


class Activity(TenantModel):
    """An association's activity (NAD-aktivitet), planned with the working group."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        APPROVED = "approved", "Godkänd"
        CANCELLED = "cancelled", "Inställd"

    association = models.ForeignKey(
        "core.Association",
        verbose_name="förening",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    hub = models.ForeignKey(
        "core.Hub", verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    working_group = models.ForeignKey(
        "core.WorkingGroup",
        verbose_name="samverkansgrupp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        verbose_name="insats",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text="Den NAD-insats som finansierar aktiviteten.",
    )
    title = models.CharField("rubrik", max_length=160)
    description = LimitedTextField("beskrivning", blank=True)
    category = models.CharField("kategori", max_length=12, choices=Category.choices)
    # The activity plan: which of the NAD triad it serves, and how.
    serves_language = models.BooleanField("stärker språket", default=False)
    serves_health = models.BooleanField("stärker hälsan", default=False)
    serves_network = models.BooleanField("bygger nätverk", default=False)
    plan = LimitedTextField(
        "aktivitetsplan",
        blank=True,
        help_text="Hur aktiviteten stärker språkinlärning, hälsa och/eller nätverk.",
    )
    municipality = models.CharField("kommun", max_length=80, blank=True)
    address = models.CharField("plats/adress", max_length=200, blank=True)
    languages = models.JSONField("språk som används", default=list, blank=True)
    capacity = models.PositiveIntegerField("antal platser")
    leader_count = models.PositiveSmallIntegerField(
        "antal ledare", default=1, help_text="Alla ledare, även de utan inloggning."
    )
    leaders = models.ManyToManyField(
        "core.Membership",
        verbose_name="ledare med inloggning",
        blank=True,
        related_name="led_activities",
        through="activities.ActivityLeader",
    )
    gender_restriction = models.CharField(
        "könsbegränsning", max_length=10, choices=GenderRestriction.choices, blank=True
    )

    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Sent to the working group for its quality approval (skickad för godkännande).
    submitted_on = models.DateField("skickad för godkännande", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quality_approved_on = models.DateField("kvalitetsgodkänd", null=True, blank=True)
    quality_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quality_note = models.CharField("samverkansgruppens bedömning", max_length=500, blank=True)
    approved_on = models.DateField("godkänd", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rule checks as they stood when the activity was approved.
    approval_checks = models.JSONField("regelprövning vid godkännande", default=list, blank=True)
    cancelled_on = models.DateField("inställd", null=True, blank=True)
    cancel_reason = models.CharField("skäl till att den ställdes in", max_length=300, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["federation", "association"], name="activity_fed_assoc"),
            models.Index(fields=["federation", "status"], name="activity_fed_status"),
            models.Index(fields=["federation", "hub"], name="activity_fed_hub"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_quality_approved(self) -> bool:
        return self.quality_approved_on is not None

    @property
    def triad_labels(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.serves_language, "språk"),
                (self.serves_health, "hälsa"),
                (self.serves_network, "nätverk"),
            )
            if flag
        ]


class ActivityLeader(TenantLink):
    """A leader with a login who records attendance for the activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    membership = models.ForeignKey("core.Membership", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "ledare"
        verbose_name_plural = "ledare"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "activity", "membership"], name="activityleader_unique"
            )
        ]


class ActivityCost(TenantModel):
    """One cost line of the activity's budget. Membership fees are not an allowed cost."""

    class Kind(models.TextChoices):
        PREMISES = "premises", "Lokal"
        MATERIAL = "material", "Material"
        FOOD = "food", "Fika och mat"
        LEADER_FEE = "leader_fee", "Ledararvode"
        TRAVEL = "travel", "Resor"
        EQUIPMENT = "equipment", "Utrustning"
        MEMBERSHIP_FEE = "membership_fee", "Medlemsavgift"
        OTHER = "other", "Annat"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField("slag", max_length=16, choices=Kind.choices)
    description = models.CharField("beskrivning", max_length=200, blank=True)
    amount_sek = models.DecimalField("belopp (kr)", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "kostnad"
        verbose_name_plural = "kostnader"
        ordering = ["id"]
        indexes = [models.Index(fields=["federation", "activity"], name="activitycost_fed_act")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_sek} kr"


class WorkflowStep(TenantModel):
    """One of the five steps of the NAD routine for an activity (SPEC §6), with owner, date
    and notes."""

    class Step(models.IntegerChoices):
        NEEDS = 1, "Behov beskrivs av Arbetsförmedlingen i samverkansgruppen"
        EXPLORE = 2, "Föreningssamordnaren undersöker föreningslivet"
        PLAN = 3, "Aktiviteten planeras med föreningen på dess villkor"
        SELECT = 4, "Arbetsförmedlingen väljer deltagare efter behov och intresse"
        FOLLOW_UP = 5, "Samverkansgruppen följer upp och kvalitetssäkrar"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField("steg", choices=Step.choices)
    owner = models.ForeignKey(
        "core.Membership",
        verbose_name="ansvarig",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_on = models.DateField("klart", null=True, blank=True)
    notes = LimitedTextField("anteckningar", blank=True)

    class Meta:
        verbose_name = "steg"
        verbose_name_plural = "steg"
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "activity", "step"], name="workflowstep_unique_step"
            )
        ]

    def __str__(self) -> str:
        return f"Steg {self.step}"

    @property
    def owner_role_hint(self) -> str:
        return STEP_OWNERS[self.step]


STEP_OWNERS = {
    1: "AF-handläggare",
    2: "Föreningssamordnare",
    3: "Föreningssamordnare och föreningen",
    4: "AF-handläggare",
    5: "Samverkansgruppen",
}


class Session(TenantModel):
    """One occasion (tillfälle) of an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField("datum")
    start_time = models.TimeField("börjar", null=True, blank=True)
    end_time = models.TimeField("slutar", null=True, blank=True)
    cancelled = models.BooleanField("inställt", default=False)
    note = models.CharField("anteckning", max_length=200, blank=True)

    class Meta:
        verbose_name = "tillfälle"
        verbose_name_plural = "tillfällen"
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["federation", "activity", "date"], name="session_fed_act")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"

    def is_held_by(self, day) -> bool:
        return not self.cancelled and self.date <= day

    def has_started(self, now=None) -> bool:
        """Begun by ``now`` (local time): an earlier day, or today at or after its start time
        (a session without a time counts from the start of its day)."""
        now = timezone.localtime(now)
        if self.date != now.date():
            return self.date < now.date()
        return self.start_time is None or self.start_time <= now.time()

    @staticmethod
    def started_q(now=None) -> models.Q:
        """``has_started`` as a query filter."""
        now = timezone.localtime(now)
        return models.Q(date__lt=now.date()) | models.Q(
            models.Q(start_time__isnull=True) | models.Q(start_time__lte=now.time()),
            date=now.date(),
        )


class ActivityEnrolment(TenantModel):
    """A participant's place in an activity: links an intervention enrolment to the activity."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Deltar"
        LEFT = "left", "Slutat"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="places")
    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="activity_places"
    )
    status = models.CharField("status", max_length=8, choices=Status.choices, default="active")
    start_date = models.DateField("från")
    end_date = models.DateField("till", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "plats i aktivitet"
        verbose_name_plural = "platser i aktiviteter"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "activity", "enrolment"], name="activityenrolment_unique"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "enrolment"], name="actenrol_fed_enrolment"),
        ]

    def __str__(self) -> str:
        return f"Plats {self.pk} i {self.activity_id}"


class Attendance(TenantModel):
    """Presence of one participant at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    place = models.ForeignKey(
        ActivityEnrolment, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField("närvarande", default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "närvaro"
        verbose_name_plural = "närvaro"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "session", "place"], name="attendance_unique"
            )
        ]
        indexes = [models.Index(fields=["federation", "place"], name="attendance_fed_place")]

    def __str__(self) -> str:
        return f"{'Närvarande' if self.present else 'Frånvarande'} {self.session_id}"


class Compensation(TenantModel):
    """The payment to an association for one activity: a fixed amount per participant who
    attended enough (SPEC §6; see ``activities.rules.counts_for_compensation``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        APPROVED = "approved", "Godkänd"
        PAID = "paid", "Utbetald"

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="compensations")
    association = models.ForeignKey(
        "core.Association", on_delete=models.PROTECT, related_name="compensations"
    )
    status = models.CharField("status", max_length=10, choices=Status.choices, default="draft")
    rate_sek = models.PositiveIntegerField("belopp per deltagare (kr)")
    min_attendance_share = models.DecimalField(
        "lägsta närvaroandel", max_digits=4, decimal_places=3
    )
    participant_count = models.PositiveIntegerField("deltagare som räknas")
    amount_sek = models.PositiveIntegerField("belopp (kr)")
    sessions_held = models.PositiveIntegerField("genomförda tillfällen")
    period_end = models.DateField("avser period till")
    # Per place: {"place": id, "present": n, "held": n, "counts": bool} – ids and counts only.
    basis = models.JSONField("underlag", default=list, blank=True)
    checks = models.JSONField("regelprövning", default=list, blank=True)
    computed_at = models.DateTimeField("beräknad", default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField("godkänd", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_on = models.DateField("utbetald", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payment_reference = models.CharField("verifikation", max_length=60, blank=True)

    class Meta:
        verbose_name = "ersättning"
        verbose_name_plural = "ersättningar"
        ordering = ["-period_end", "id"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "activity"], name="compensation_unique")
        ]
        indexes = [
            models.Index(
                fields=["federation", "association", "period_end"], name="comp_fed_assoc_period"
            ),
            models.Index(fields=["federation", "status"], name="comp_fed_status"),
        ]

    def __str__(self) -> str:
        return f"Ersättning {self.amount_sek} kr ({self.get_status_display()})"


class Placement(TenantModel):
    """An internship (praktik) or work-training place (arbetsträning) at an employer, on the
    federation's one shared list so places are not booked twice by different authorities."""

    class Kind(models.TextChoices):
        INTERNSHIP = "internship", "Praktik"
        WORK_TRAINING = "work_training", "Arbetsträning"

    kind = models.CharField("slag", max_length=14, choices=Kind.choices)
    employer = models.CharField("arbetsgivare", max_length=200)
    employer_orgnr = models.CharField("organisationsnummer", max_length=11, blank=True)
    title = models.CharField("uppgifter/yrke", max_length=160)
    description = LimitedTextField("beskrivning", blank=True)
    supervisor_name = models.CharField("handledare", max_length=120)
    supervisor_phone = models.CharField("handledarens telefon", max_length=40, blank=True)
    supervisor_email = models.EmailField("handledarens e-post", blank=True)
    municipality = models.CharField("kommun", max_length=80, blank=True)
    address = models.CharField("adress", max_length=200, blank=True)
    languages = models.JSONField("språk på arbetsplatsen", default=list, blank=True)
    start_date = models.DateField("från")
    end_date = models.DateField("till")
    capacity = models.PositiveSmallIntegerField("antal platser", default=1)
    offered_by = models.ForeignKey(
        "core.Authority",
        verbose_name="förmedlad av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
    )
    hub = models.ForeignKey(
        "core.Hub", verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    active = models.BooleanField("öppen", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "plats hos arbetsgivare"
        verbose_name_plural = "platser hos arbetsgivare"
        ordering = ["start_date", "employer", "id"]
        indexes = [models.Index(fields=["federation", "start_date"], name="placement_fed_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="placement_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}, {self.employer}"


class PlacementBooking(TenantModel):
    """One participant booked on a placement for a period, by a staff member of an authority."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="bookings")
    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="placement_bookings"
    )
    start_date = models.DateField("från")
    end_date = models.DateField("till")
    booked_by = models.ForeignKey(
        "core.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    authority = models.ForeignKey(
        "core.Authority", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_on = models.DateField("avbokad", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "bokning"
        verbose_name_plural = "bokningar"
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(fields=["federation", "placement"], name="booking_fed_placement"),
            models.Index(fields=["federation", "enrolment"], name="booking_fed_enrolment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="booking_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Bokning {self.start_date}–{self.end_date}"
