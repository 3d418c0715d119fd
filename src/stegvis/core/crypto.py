"""Encryption at rest and keyed look-up hashes for personal identity numbers (SPEC §3).

* ``encrypt_text`` / ``decrypt_text`` use Fernet with ``settings.FIELD_ENCRYPTION_KEY``. The
  setting may hold several comma-separated keys for rotation: the first encrypts, all are tried
  when decrypting. Rotate by putting a new key first and re-encrypting at leisure.
* ``lookup_hash`` is an HMAC-SHA256 over the canonical ``number12`` keyed by
  ``settings.LOOKUP_HMAC_KEY``. Encrypted values cannot be searched (every token is different),
  so duplicate detection and look-ups compare these hashes instead.

The key objects are cached per key string, so bulk paths pay for key parsing once, while a
changed setting (tests, rotation) takes effect on the next call.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from stegvis.core.personnummer import PersonalNumber, parse_personal_number


class DecryptionError(ValueError):
    """A stored value could not be decrypted with any configured key."""


def encrypt_text(value: str) -> str:
    """A Fernet token (URL-safe ASCII) for ``value``; a new random IV every time."""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        plain = _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise DecryptionError(
            "Det gick inte att dekryptera värdet: ingen nyckel i FIELD_ENCRYPTION_KEY passar, "
            "eller så är värdet skadat."
        ) from exc
    return plain.decode()


def lookup_hash(value: str | PersonalNumber) -> str:
    """Hex HMAC-SHA256 of the canonical ``number12``, whatever form the number was typed in.

    A string is parsed first and may raise
    :class:`~stegvis.core.personnummer.PersonalNumberError`. Changing ``LOOKUP_HMAC_KEY``
    changes every hash, so stored hashes must then be recomputed from the decrypted numbers.
    """
    number = value if isinstance(value, PersonalNumber) else parse_personal_number(value)
    mac = _hmac(settings.LOOKUP_HMAC_KEY).copy()
    mac.update(number.number12.encode("ascii"))
    return mac.hexdigest()


@functools.lru_cache(maxsize=8)
def _fernet(keys: str) -> MultiFernet:
    parts = [part.strip() for part in (keys or "").split(",") if part.strip()]
    if not parts:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY är tom.")
    try:
        return MultiFernet([Fernet(part) for part in parts])
    except ValueError as exc:
        # Our own message: the key must never end up in a log.
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY ska vara en eller flera Fernet-nycklar (32 byte, URL-säker "
            "base64), åtskilda med kommatecken."
        ) from exc


@functools.lru_cache(maxsize=8)
def _hmac(key: str) -> hmac.HMAC:
    # Copying a keyed HMAC skips hashing the key again for every value.
    if not key:
        raise ImproperlyConfigured("LOOKUP_HMAC_KEY är tom.")
    return hmac.new(key.encode(), digestmod=hashlib.sha256)
