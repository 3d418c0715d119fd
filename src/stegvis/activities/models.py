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


class ActivityKind(models.TextChoices):
    """What kind of activity it is; the rules, approval and compensation follow the kind."""

    NAD = "nad", "NAD-aktivitet"
    GROUP = "group", "Egen gruppaktivitet"
    STUDY_VISIT = "study_visit", "Studiebesök"
    MENTORSHIP = "mentorship", "Mentorskap"
    PLACEMENT = "placement", "Arbetsplatsförlagd praktik"


# Only NAD activities are compensated (to their association).
COMPENSATED_KINDS = frozenset({ActivityKind.NAD})
# Kinds run by an association; the others are run by the federation itself, a mentor or an
# employer.
ASSOCIATION_KINDS = frozenset({ActivityKind.NAD})


class Mentor(TenantModel):
    """A volunteer or municipal mentor (or guide) who meets one participant at a time."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", "Volontär"
        MUNICIPAL = "municipal", "Kommunal"

    name = models.CharField("namn", max_length=120)
    kind = models.CharField("slag", max_length=10, choices=Kind.choices)
    phone = models.CharField("telefon", max_length=40, blank=True)
    email = models.EmailField("e-post", blank=True)
    municipality = models.CharField("kommun", max_length=80, blank=True)
    hub = models.ForeignKey(
        "core.Hub", verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    languages = models.JSONField("språk", default=list, blank=True)
    interests = models.JSONField(
        "intressen", default=list, blank=True, help_text="Kategorier, som för aktiviteter."
    )
    # Weekdays the mentor can meet: 0 = måndag … 6 = söndag.
    availability = models.JSONField("kan träffas", default=list, blank=True)
    max_mentees = models.PositiveSmallIntegerField("deltagare samtidigt", default=1)
    active = models.BooleanField("aktiv", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "mentor"
        verbose_name_plural = "mentorer"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["federation", "active"], name="mentor_fed_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()} mentor)"


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

    kind = models.CharField(
        "slag", max_length=12, choices=ActivityKind.choices, default=ActivityKind.NAD
    )
    association = models.ForeignKey(
        "core.Association",
        verbose_name="förening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name="mentor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mentorships",
    )
    placement = models.ForeignKey(
        "activities.Placement",
        verbose_name="arbetsplats",
        null=True,
        blank=True,
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
            models.Index(fields=["federation", "kind"], name="activity_fed_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_nad(self) -> bool:
        return self.kind == ActivityKind.NAD

    @property
    def is_compensated(self) -> bool:
        return self.kind in COMPENSATED_KINDS

    @property
    def organiser(self) -> str:
        """Who runs it: the association, the mentor, the employer, or the federation itself."""
        if self.association_id:
            return self.association.name
        if self.mentor_id:
            return str(self.mentor)
        if self.placement_id:
            return self.placement.employer
        return "Förbundet (egen regi)"

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
    # When the mark was made on the device (a phone may send it later, after being offline);
    # of two marks for the same person and session, the later one by this time wins.
    marked_at = models.DateTimeField("markerad", null=True, blank=True)

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


class AttendanceMark(TenantModel):
    """Every mark sent from a leader's phone, applied or not: two devices marking the same
    person leave both marks here, and the later one (by the device's clock) is the attendance."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Sparad"
        OLDER = "older", "Äldre än en annan markering"
        REFUSED = "refused", "Avvisad"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(ActivityEnrolment, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField("närvarande")
    marked_at = models.DateTimeField("markerad på enheten")
    device = models.CharField("enhet", max_length=40, blank=True)
    received_at = models.DateTimeField("mottagen", default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField("utfall", max_length=8, choices=Outcome.choices)
    message = models.CharField("meddelande", max_length=300, blank=True)

    class Meta:
        verbose_name = "närvaromarkering"
        verbose_name_plural = "närvaromarkeringar"
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["federation", "session"], name="attmark_fed_session")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.marked_at:%Y-%m-%d %H:%M}"


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

    @property
    def is_frozen(self) -> bool:
        """Approved or paid: the attendance and places it counts may change only by correction."""
        return self.status in (self.Status.APPROVED, self.Status.PAID)


class CompensationCorrection(TenantModel):
    """A change to attendance that an approved or paid compensation counts (SPEC §6).

    Approval freezes the attendance behind a compensation; a later change is made only through
    a correction, which records who changed what and why and the difference in money. The
    difference is paid (debit, positive) or claimed back (credit, negative) on the next payout
    file; the compensation's own amount stays what was approved and paid."""

    compensation = models.ForeignKey(
        Compensation, on_delete=models.PROTECT, related_name="corrections"
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(ActivityEnrolment, on_delete=models.PROTECT, related_name="+")
    present_before = models.BooleanField("närvaro före", null=True)
    present_after = models.BooleanField("närvaro efter")
    reason = models.CharField("skäl", max_length=500)
    participants_before = models.PositiveIntegerField("deltagare som räknades före")
    participants_after = models.PositiveIntegerField("deltagare som räknas efter")
    amount_sek = models.IntegerField(
        "skillnad (kr)", help_text="Positivt: betalas till föreningen. Negativt: krävs tillbaka."
    )
    # The compensation's basis after the change (ids and counts only, as Compensation.basis).
    basis = models.JSONField("underlag efter rättelsen", default=list, blank=True)
    created_at = models.DateTimeField("rättad", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settled_on = models.DateField("reglerad", null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settlement_reference = models.CharField("verifikation", max_length=60, blank=True)

    class Meta:
        verbose_name = "rättelse av ersättning"
        verbose_name_plural = "rättelser av ersättningar"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["federation", "compensation"], name="correction_fed_comp"),
            models.Index(fields=["federation", "settled_on"], name="correction_fed_settled"),
        ]

    def __str__(self) -> str:
        return f"Rättelse {self.amount_sek:+d} kr"

    @property
    def entry(self) -> str:
        """Debit (paid to the association) or credit (claimed back), as on the payout file."""
        if self.amount_sek > 0:
            return "Debet"
        if self.amount_sek < 0:
            return "Kredit"
        return "Ingen skillnad"


class Sector(models.TextChoices):
    """The employer's line of business, matched against the participant's interests."""

    RETAIL = "retail", "Handel"
    CARE = "care", "Vård och omsorg"
    RESTAURANT = "restaurant", "Hotell och restaurang"
    CONSTRUCTION = "construction", "Bygg"
    INDUSTRY = "industry", "Industri"
    TRANSPORT = "transport", "Transport och lager"
    GREEN = "green", "Park, skog och jordbruk"
    CLEANING = "cleaning", "Lokalvård och fastighet"
    EDUCATION = "education", "Skola och barnomsorg"
    OFFICE = "office", "Kontor och service"
    OTHER = "other", "Annat"


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
    sector = models.CharField("bransch", max_length=16, choices=Sector.choices, blank=True)
    requirements = models.JSONField(
        "krav", default=list, blank=True, help_text="T.ex. körkort B, arbetsskor, svenska A2."
    )
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
