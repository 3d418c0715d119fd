"""Interventions (insatser), SPEC §2."""

from __future__ import annotations

from django.db import models

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
    target_group = models.TextField("målgrupp", blank=True)
    description = models.TextField("beskrivning", blank=True)
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
