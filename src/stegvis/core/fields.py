"""Model fields shared by the apps."""

from __future__ import annotations

import json

from django.db import models

from stegvis.core.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Text stored encrypted (AES-256-GCM, see :mod:`stegvis.core.crypto`), plain in Python.

    ``None`` and ``""`` are stored as they are, so "not given" stays visible without a key.
    Every save produces a different token, so the column cannot be filtered on: only
    ``isnull`` is allowed. Store a :func:`~stegvis.core.crypto.lookup_hash` beside it to search.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_lookup(self, lookup_name):
        # An exact match against a fresh token would silently find nothing.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """JSON (lists, dicts, text, numbers) stored encrypted like :class:`EncryptedTextField`."""

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return json.loads(decrypt_text(value))

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


TEXT_LIMIT = 5000


class LimitedTextField(models.TextField):
    """Free text with a maximum length (5 000 characters unless given), checked on every save,
    so the web, the API and imports share the limit; forms get it as ``maxlength``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", TEXT_LIMIT)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        from django.core.exceptions import ValidationError

        value = super().pre_save(model_instance, add)
        if value and len(value) > self.max_length:
            raise ValidationError(
                {
                    self.name: f"{str(self.verbose_name).capitalize()}: högst "
                    f"{self.max_length:,} tecken ({len(value):,} angivna).".replace(",", "\u202f")
                }
            )
        return value
