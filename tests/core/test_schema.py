"""Every tenant table carries a non-null federation key, led indexes and tenant-wide uniqueness.

This keeps the door open to distributing tables by ``federation_id`` (docs/scaling.md).
"""

import pytest
from django.apps import apps

from stegvis.core.tenancy import TenantLink, TenantManager, TenantModel

# Tables that are not owned by one federation, and why.
GLOBAL_MODELS = {
    "core.user": "a person may work in several federations",
    "core.federation": "the tenant itself",
    "core.loginfailure": "throttling happens before anyone is known",
    "core.loginaddress": "throttling happens before any federation is chosen",
    "core.apitoken": "belongs to a user; the user's memberships scope every request",
}

TENANT_MODELS = [
    m
    for m in apps.get_models()
    if m._meta.app_label
    in {c.label for c in apps.get_app_configs() if c.name.startswith("stegvis.")}
    and m._meta.label_lower not in GLOBAL_MODELS
]


def test_there_are_tenant_models():
    assert len(TENANT_MODELS) >= 6


def test_no_link_table_is_created_automatically():
    """Django's automatic many-to-many tables have no federation column: every many-to-many
    field between tenant models goes through a ``TenantLink`` model instead."""
    automatic = [m._meta.db_table for m in TENANT_MODELS if m._meta.auto_created]
    assert automatic == []
    links = {
        m2m.remote_field.through
        for model in TENANT_MODELS
        for m2m in model._meta.local_many_to_many
    }
    assert len(links) >= 5
    for link in links:
        assert issubclass(link, TenantLink), link._meta.label


@pytest.mark.django_db
def test_link_rows_take_the_active_federation(federation, admin, other_intervention):
    from stegvis.core.models import MembershipIntervention
    from stegvis.core.tenancy import federation_scope

    with federation_scope(federation):
        admin.interventions.add(other_intervention)
        link = MembershipIntervention.objects.get(membership=admin, intervention=other_intervention)
    assert link.federation_id == federation.pk


def test_link_rows_outside_a_federation_scope_are_refused():
    from stegvis.core.models import MembershipIntervention
    from stegvis.core.tenancy import TenantScopeError

    with pytest.raises(TenantScopeError):
        MembershipIntervention(membership_id=1, intervention_id=1)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label)
def test_tenant_model_has_non_null_federation(model):
    assert issubclass(model, TenantModel), f"{model._meta.label} ärver inte TenantModel"
    field = model._meta.get_field("federation")
    assert not field.null
    assert isinstance(model._default_manager, TenantManager)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label)
def test_unique_constraints_include_federation(model):
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields:
            assert "federation" in fields, f"{model._meta.label}: {constraint.name}"
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key:
            pytest.fail(f"{model._meta.label}.{field.name} är unikt utan federation")


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label)
def test_composite_indexes_start_with_federation(model):
    for index in model._meta.indexes:
        fields = [f.lstrip("-") for f in index.fields]
        if len(fields) > 1:
            assert fields[0] == "federation", f"{model._meta.label}: {index.name}"
