"""Methods, their links to interventions and activities, published results, good examples and
the start checklist (SPEC §2, §9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.tenancy import TenantLink, TenantModel


class Method(TenantModel):
    """A working method (arbetsmetod), e.g. motivational interviewing or tripartite meetings."""

    code = models.CharField(
        "kod", max_length=40, help_text="Kort och stabil, t.ex. MI. Används i rapporter och API."
    )
    name = models.CharField("namn", max_length=200)
    description = LimitedTextField("beskrivning", blank=True)
    target_group = LimitedTextField("målgrupp", blank=True)
    staff_demands = LimitedTextField("krav på personalen", blank=True)
    references = LimitedTextField(
        "externa referenser", blank=True, help_text="En källa eller länk per rad."
    )
    interventions = models.ManyToManyField(
        "interventions.Intervention",
        verbose_name="insatser",
        blank=True,
        related_name="methods",
        through="knowledge.MethodIntervention",
    )
    activities = models.ManyToManyField(
        "activities.Activity",
        verbose_name="aktiviteter",
        blank=True,
        related_name="methods",
        through="knowledge.MethodActivity",
    )

    class Meta:
        verbose_name = "metod"
        verbose_name_plural = "metoder"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "code"], name="method_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    def reference_lines(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]


class MethodIntervention(TenantLink):
    """An intervention works with a method."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE)
    intervention = models.ForeignKey("interventions.Intervention", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "metod i insats"
        verbose_name_plural = "metoder i insatser"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "method", "intervention"], name="methodintervention_unique"
            )
        ]


class MethodActivity(TenantLink):
    """An activity (e.g. language training at the workplace) works with a method."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE)
    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "metod i aktivitet"
        verbose_name_plural = "metoder i aktiviteter"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "method", "activity"], name="methodactivity_unique"
            )
        ]


class MethodPublication(TenantModel):
    """A federation's decision to show a method's aggregated results to other federations.

    ``results`` is the figures as they stood at the decision, small cells already hidden: no
    personal data leaves the federation. Withdrawing keeps the row (the decision is history).
    """

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="publications")
    # The method's code and name as published: other federations match on the code.
    code = models.CharField("kod", max_length=40)
    name = models.CharField("namn", max_length=200)
    results = models.JSONField("resultat", default=dict)
    published_at = models.DateTimeField("publicerad", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("återkallad", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "publicerat metodresultat"
        verbose_name_plural = "publicerade metodresultat"
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "method"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="methodpublication_one_active",
            )
        ]
        indexes = [models.Index(fields=["federation", "code"], name="methodpub_fed_code")]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class GoodExample(TenantModel):
    """An intervention the federation holds up as a good example, with a short text."""

    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="good_examples"
    )
    text = LimitedTextField(
        "beskrivning", help_text="Vad som gjorde insatsen framgångsrik, med egna ord."
    )
    marked_at = models.DateTimeField("markerad", default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "gott exempel"
        verbose_name_plural = "goda exempel"
        ordering = ["intervention__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "intervention"], name="goodexample_one_per_intervention"
            )
        ]


class StartChecklist(TenantModel):
    """The questions to settle before an intervention starts (the good-examples report's
    "inför projektstart"). Measurable result goals are the intervention's ResultGoal rows."""

    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="start_checklists"
    )
    eligibility = LimitedTextField(
        "målgrupp och villkor för deltagande",
        blank=True,
        help_text="Vilka insatsen är till för och hur de anvisas.",
    )
    authority_roles = LimitedTextField(
        "huvudmännens roller och resurser",
        blank=True,
        help_text="Vad varje huvudman bidrar med: personal, lokaler, pengar, beslut.",
    )
    followup_plan = LimitedTextField(
        "uppföljning och jämförelsegrupp",
        blank=True,
        help_text="Hur resultat och effekter följs upp, och mot vilken jämförelsegrupp.",
    )
    comparison_group = LimitedTextField(
        "jämförelsegrupp",
        blank=True,
        help_text="Vilka deltagarna jämförs med, t.ex. anvisade som inte fick plats.",
    )
    implementation_plan = LimitedTextField(
        "plan för implementering",
        blank=True,
        help_text="Hur arbetssättet blir ordinarie verksamhet om det fungerar.",
    )
    started_at = models.DateTimeField("startad", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the intervention started with points still open (empty when nothing was missing).
    start_reason = models.CharField("skäl att starta ändå", max_length=500, blank=True)
    start_missing = models.JSONField("öppet vid start", default=list, blank=True)
    updated_at = models.DateTimeField("ändrad", default=timezone.now)

    class Meta:
        verbose_name = "startlista"
        verbose_name_plural = "startlistor"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "intervention"], name="startchecklist_one_per_intervention"
            )
        ]
