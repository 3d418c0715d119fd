"""Matching runs and their proposals: which participant the engine proposes for which activity,
why, and what staff decided (SPEC §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.tenancy import TenantModel


class MatchRun(TenantModel):
    """One proposal round: participants without a place against activities with room."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    membership = models.ForeignKey(
        "core.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hub = models.ForeignKey(
        "core.Hub", verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    weights = models.JSONField("vikter", default=dict, blank=True)
    participant_count = models.PositiveIntegerField("deltagare", default=0)
    activity_count = models.PositiveIntegerField("aktiviteter", default=0)
    total_score = models.FloatField("sammanlagd poäng", default=0)

    class Meta:
        verbose_name = "matchning"
        verbose_name_plural = "matchningar"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["federation", "created_at"], name="matchrun_fed_created")]

    def __str__(self) -> str:
        return f"Matchning {self.created_at:%Y-%m-%d %H:%M}"


class Proposal(TenantModel):
    """The engine's proposal for one participant, with its explanation and the decision."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Föreslagen"
        ACCEPTED = "accepted", "Accepterad"
        REJECTED = "rejected", "Avböjd"
        OVERRIDDEN = "overridden", "Ändrad"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="match_proposals"
    )

    class Kind(models.TextChoices):
        ACTIVITY = "activity", "Aktivitet"
        PLACEMENT = "placement", "Praktik eller arbetsträning"
        MENTOR = "mentor", "Mentor"

    kind = models.CharField("slag", max_length=10, choices=Kind.choices, default=Kind.ACTIVITY)
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_proposals",
    )
    placement = models.ForeignKey(
        "activities.Placement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_proposals",
    )
    mentor = models.ForeignKey(
        "activities.Mentor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_proposals",
    )
    booking = models.ForeignKey(
        "activities.PlacementBooking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.FloatField("poäng")
    # The factors that made the score, in Swedish ("Samma kommun (+1,5)").
    explanation = models.JSONField("förklaring", default=list, blank=True)
    status = models.CharField(
        "beslut", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decided_at = models.DateTimeField("beslutad", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="placerad i stället i",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("anteckning", max_length=300, blank=True)
    place = models.ForeignKey(
        "activities.ActivityEnrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )

    class Meta:
        verbose_name = "förslag"
        verbose_name_plural = "förslag"
        ordering = ["-score", "id"]
        indexes = [
            models.Index(fields=["federation", "run"], name="proposal_fed_run"),
            models.Index(fields=["federation", "enrolment"], name="proposal_fed_enrolment"),
        ]

    def __str__(self) -> str:
        return f"Förslag {self.enrolment_id} → {self.target} ({self.score})"

    @property
    def target(self):
        """What is proposed: the activity, the placement or the mentor."""
        return self.activity or self.placement or self.mentor

    @property
    def target_title(self) -> str:
        if self.kind == self.Kind.PLACEMENT:
            return f"{self.placement.title}, {self.placement.employer}"
        if self.kind == self.Kind.MENTOR:
            return str(self.mentor)
        return self.activity.title
