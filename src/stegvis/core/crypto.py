"""Encryption at rest and keyed look-up hashes for personal identifiers (ARCHITECTURE: Data).

``STEGVIS_FIELD_ENCRYPTION_KEY`` may hold several comma-separated Fernet keys: the first
encrypts, all decrypt (key rotation).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(ValueError):
    pass


@lru_cache(maxsize=8)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


@lru_cache(maxsize=8)
def _hmac_key(key: str) -> bytes:
    return key.encode()


def encrypt_text(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "Uppgiften kan inte dekrypteras: fel krypteringsnyckel (STEGVIS_FIELD_ENCRYPTION_KEY)."
        ) from exc


def lookup_hash(canonical: str) -> str:
    """HMAC-SHA256 of a canonical identifier (``YYYYMMDDNNNN``) for exact look-up."""
    return hmac.new(
        _hmac_key(settings.LOOKUP_HMAC_KEY), canonical.encode(), hashlib.sha256
    ).hexdigest()
