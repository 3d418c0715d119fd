"""Spreadsheet imports through the web: upload, check every row, then write all or nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import EncryptedJSONField, EncryptedTextField
from stegvis.core.tenancy import TenantModel


class ImportJob(TenantModel):
    class Status(models.TextChoices):
        VALIDATING = "validating", "Kontrolleras"
        INVALID = "invalid", "Fel i filen"
        VALID = "valid", "Klar att importera"
        IMPORTING = "importing", "Importeras"
        DONE = "done", "Importerad"
        FAILED = "failed", "Misslyckades"

    kind = models.CharField("typ", max_length=30)
    options = models.JSONField(default=dict, blank=True)
    file_name = models.CharField("fil", max_length=200)
    # The file as CSV text and its first rows while the job runs; both hold personal data, so
    # they are encrypted at rest like other personal data and cleared when the job ends or,
    # never imported, by `stegvis cleanup` within a day.
    content = EncryptedTextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = EncryptedJSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "importer"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["federation", "created_at"], name="importjob_fed_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @staticmethod
    def unscoped_federation(job_id: int):
        """The job's federation, for background work that starts without a request."""
        from stegvis.core.models import Federation

        federation_id = (
            ImportJob._base_manager.filter(pk=job_id).values_list("federation_id", flat=True).get()
        )
        return Federation.objects.get(pk=federation_id)

    @property
    def running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.IMPORTING)
