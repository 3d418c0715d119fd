"""Moving a many-to-many field from Django's automatic link table to a link model that carries
the federation (``TenantLink``). Used by migrations; keep it independent of the current models.
"""

from __future__ import annotations

from django.db import migrations


def move_links(owner: str, field: str, link: str, source: str, target: str):
    """A ``RunPython`` copying the rows of ``owner.field``'s automatic link table into ``link``
    (``"app.Model"``), each with its owner's federation; and back when migrating backwards.
    ``source`` and ``target`` name the link model's two foreign keys."""

    def models_of(apps):
        owner_model = apps.get_model(owner)
        m2m = owner_model._meta.get_field(field)
        return owner_model, m2m.remote_field.through, m2m, apps.get_model(link)

    def forward(apps, schema_editor):
        owner_model, automatic, m2m, link_model = models_of(apps)
        federation_of = dict(owner_model._base_manager.values_list("pk", "federation_id"))
        pairs = automatic._base_manager.values_list(
            f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        )
        link_model._base_manager.bulk_create(
            [
                link_model(federation_id=federation_of[a], **{f"{source}_id": a, f"{target}_id": b})
                for a, b in pairs.iterator()
            ],
            batch_size=1000,
        )

    def backward(apps, schema_editor):
        _, automatic, m2m, link_model = models_of(apps)
        pairs = link_model._base_manager.values_list(f"{source}_id", f"{target}_id")
        automatic._base_manager.bulk_create(
            [
                automatic(
                    **{
                        f"{m2m.m2m_field_name()}_id": a,
                        f"{m2m.m2m_reverse_field_name()}_id": b,
                    }
                )
                for a, b in pairs.iterator()
            ],
            batch_size=1000,
        )

    return migrations.RunPython(forward, backward)
