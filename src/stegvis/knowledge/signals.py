"""Every new federation starts with the default methods."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from stegvis.core.models import Federation


@receiver(post_save, sender=Federation, dispatch_uid="knowledge_default_methods")
def _default_methods(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from stegvis.knowledge.services import ensure_default_methods

        ensure_default_methods(instance)
