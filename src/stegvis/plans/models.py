"""The shared individual plan (SIP-like), its versions, and meetings, SPEC §5."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantLink, TenantModel


class PlanTemplate(TenantModel):
    """A federation's starting point for plans, e.g. the seeds' five-step path.

    ``goals`` is a list of {"title", "description", "weeks", "actions": [{"what", "weeks",
    "who"}]}: ``weeks`` counts from the day the plan is made, ``who`` is "participant",
    "main_contact" or "".
    """

    key = models.SlugField("nyckel", max_length=40)
    name = models.CharField("namn", max_length=120)
    description = LimitedTextField("beskrivning", blank=True)
    goals = models.JSONField("mål och åtgärder", default=list, blank=True)
    active = models.BooleanField("används", default=True)
    position = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "planmall"
        verbose_name_plural = "planmallar"
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "key"], name="plantemplate_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class Plan(TenantModel):
    """One shared plan per enrolment: goals, actions and the participant's own words."""

    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="plans"
    )
    participant_words = LimitedTextField(
        "med deltagarens egna ord",
        blank=True,
        help_text="Hur personen själv beskriver sin situation och vad som är viktigt.",
    )
    participant_goals = LimitedTextField(
        "deltagarens egna mål", blank=True, help_text="Vad personen själv vill uppnå."
    )
    agreed_on = models.DateField("överenskommen", null=True, blank=True)
    next_follow_up = models.DateField("nästa uppföljning", null=True, blank=True)
    template_key = models.CharField("mall", max_length=40, blank=True)
    version = models.PositiveIntegerField("version", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "plan"
        verbose_name_plural = "planer"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "enrolment"], name="plan_one_per_enrolment"
            )
        ]
        indexes = [models.Index(fields=["federation", "next_follow_up"], name="plan_fed_follow_up")]

    def __str__(self) -> str:
        return f"Plan för deltagande {self.enrolment_id}"


class PlanGoal(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Inte påbörjat"
        IN_PROGRESS = "in_progress", "Pågår"
        ACHIEVED = "achieved", "Uppnått"
        DROPPED = "dropped", "Avbrutet"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField("ordning", default=0)
    title = models.CharField("mål", max_length=200)
    description = LimitedTextField("beskrivning", blank=True)
    target_date = models.DateField("klart senast", null=True, blank=True)
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["federation", "plan"], name="plangoal_fed_plan")]

    def __str__(self) -> str:
        return self.title


class PlanAction(TenantModel):
    """Who (organisation and person) does what, and by when."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planerad"
        IN_PROGRESS = "in_progress", "Pågår"
        DONE = "done", "Klar"
        CANCELLED = "cancelled", "Struken"

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        PlanGoal,
        verbose_name="hör till mål",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    position = models.PositiveIntegerField("ordning", default=0)
    what = models.CharField("vad", max_length=300)
    authority = models.ForeignKey(
        "core.Authority",
        verbose_name="organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible = models.ForeignKey(
        "core.Membership",
        verbose_name="ansvarig",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions",
    )
    by_participant = models.BooleanField("deltagaren gör själv", default=False)
    responsible_other = models.CharField(
        "annan ansvarig",
        max_length=120,
        blank=True,
        help_text="Om den som ansvarar inte finns i stegvis, t.ex. en handläggare på FK.",
    )
    due_date = models.DateField("senast", null=True, blank=True)
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField("klar datum", null=True, blank=True)

    class Meta:
        verbose_name = "åtgärd"
        verbose_name_plural = "åtgärder"
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["federation", "plan"], name="planaction_fed_plan"),
            models.Index(
                fields=["federation", "responsible", "status", "due_date"],
                name="planaction_fed_resp_due",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def who(self, *, participant_word: str = "Deltagaren") -> str:
        """ "Organisation – person" in plain words."""
        parts = []
        if self.by_participant:
            parts.append(participant_word)
        if self.authority_id:
            parts.append(self.authority.name)
        if self.responsible_id:
            parts.append(self.responsible.user.display_name())
        if self.responsible_other:
            parts.append(self.responsible_other)
        return " – ".join(parts) or "–"


class PlanVersion(TenantModel):
    """A snapshot of the whole plan after a change: nothing is ever lost."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    snapshot = models.JSONField("innehåll")
    reason = models.CharField("ändring", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "planversion"
        verbose_name_plural = "planversioner"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "plan", "number"], name="planversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class Meeting(TenantModel):
    """A three-party meeting (trepartssamtal) or a larger follow-up. A meeting with a date in
    the future is planned; notes and decisions are written when it has taken place."""

    class Kind(models.TextChoices):
        TRIPARTITE = "tripartite", "Trepartssamtal"
        FOLLOW_UP = "follow_up", "Uppföljningsmöte"
        SIP = "sip", "SIP-möte"
        OTHER = "other", "Annat möte"

    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField("typ av möte", max_length=12, choices=Kind.choices)
    held_on = models.DateField("datum")
    participant_present = models.BooleanField("deltagaren var med", default=True)
    attendees = models.ManyToManyField(
        "core.Membership",
        verbose_name="deltagare från stegvis",
        blank=True,
        related_name="+",
        through="plans.MeetingAttendee",
    )
    authorities = models.ManyToManyField(
        "core.Authority",
        verbose_name="myndigheter och organisationer",
        blank=True,
        related_name="+",
        through="plans.MeetingAuthority",
    )
    other_attendees = models.CharField(
        "övriga deltagare", max_length=300, blank=True, help_text="T.ex. tolk, anhörig, handledare."
    )
    notes = LimitedTextField("anteckningar", blank=True)
    decisions = LimitedTextField("beslut", blank=True)
    next_follow_up = models.DateField("nästa uppföljning", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "möte"
        verbose_name_plural = "möten"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["federation", "enrolment"], name="meeting_fed_enrolment"),
            models.Index(fields=["federation", "held_on"], name="meeting_fed_held_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class MeetingAttendee(TenantLink):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
    membership = models.ForeignKey("core.Membership", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "deltagare i möte"
        verbose_name_plural = "deltagare i möte"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "meeting", "membership"], name="meetingattendee_unique"
            )
        ]


class MeetingAuthority(TenantLink):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
    authority = models.ForeignKey("core.Authority", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "myndighet i möte"
        verbose_name_plural = "myndigheter i möte"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "meeting", "authority"], name="meetingauthority_unique"
            )
        ]
