"""No free text without a limit: every text field of every form and model has a maximum length,
and saving past it is refused whatever the path (web, API, import)."""

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.db import models

import stegvis
from stegvis.core.fields import EncryptedTextField
from tests.participants.conftest import register, scope  # noqa: F401  (shared fixtures)

# Machine-held text, never typed by a user: an uploaded file's content and the encrypted
# personnummer (validated as a personnummer before it is stored).
EXEMPT_MODEL_FIELDS = {("imports", "importjob", "content")}


def _form_classes():
    for module_info in pkgutil.walk_packages(stegvis.__path__, "stegvis."):
        name = module_info.name
        if not (name.endswith(".forms") or name.endswith("_forms")):
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_form_text_field_has_a_maximum_length():
    missing = [
        f"{cls.__module__}.{cls.__name__}.{field_name}"
        for cls in _form_classes()
        for field_name, field in cls.base_fields.items()
        if type(field) in (forms.CharField, forms.EmailField, forms.URLField)
        and field.max_length is None
    ]
    assert not missing, "\n".join(missing)


def test_every_model_text_field_has_a_maximum_length():
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_app_config("core").apps.get_models()
        if model.__module__.startswith("stegvis.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField | models.CharField)
        and not isinstance(field, EncryptedTextField)
        and field.max_length is None
        and (model._meta.app_label, model._meta.model_name, field.name) not in EXEMPT_MODEL_FIELDS
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_a_referral_reason_past_the_limit_is_refused_with_a_swedish_message(
    scope,  # noqa: F811
    admin,
    intervention,
    register,  # noqa: F811
):
    from django.core.exceptions import ValidationError

    from stegvis.participants import services

    person = register(intervention)
    with pytest.raises(ValidationError) as exc:
        services.referral_create(
            actor=admin.user,
            membership=admin,
            participant=person,
            intervention=intervention,
            reason="x" * 95_000,
            referred_on=date(2026, 1, 12),
        )
    assert "högst 5\u202f000 tecken" in exc.value.message_dict["reason"][0]
    services.referral_create(
        actor=admin.user,
        membership=admin,
        participant=person,
        intervention=intervention,
        reason="x" * 5_000,
        referred_on=date(2026, 1, 12),
    )
