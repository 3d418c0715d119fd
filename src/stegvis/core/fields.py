from __future__ import annotations

from django.db import models

from stegvis.core.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python code sees the clear text. Not searchable: look people up
    by their HMAC column instead."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_text(value)
