"""Writes of the reports app: the federation's report settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from stegvis.core import audit
from stegvis.core.models import Federation


@transaction.atomic
def report_settings_update(*, actor, federation: Federation, small_cell_threshold: int) -> None:
    """Set below which count cells are hidden in reports for external use (SPEC §8)."""
    if not 1 <= small_cell_threshold <= 50:
        raise ValidationError({"small_cell_threshold": "Ange ett tal mellan 1 och 50."})
    before = federation.setting("small_cell_threshold")
    federation.settings = {**federation.settings, "small_cell_threshold": small_cell_threshold}
    federation.save(update_fields=["settings"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=federation,
        federation=federation,
        detail={"small_cell_threshold": [before, small_cell_threshold]},
    )
