"""Encryption at rest and keyed look-up hashes for personal identity numbers (SPEC §3).

* ``encrypt_text`` / ``decrypt_text`` use AES-256-GCM with a random 96-bit nonce, under a key
  derived (HKDF-SHA256) from each Fernet key in ``settings.FIELD_ENCRYPTION_KEY``. A token is
  ``v2:`` and the URL-safe base64 of nonce, ciphertext and tag. Values written as Fernet tokens
  by earlier versions are still read. The setting may hold several comma-separated keys for
  rotation: the first encrypts, all are tried when decrypting. Rotate by putting a new key first
  and re-encrypting at leisure. (GCM rather than Fernet because a bulk import of 100 000
  people spent a fifth of its time in Fernet's per-value set-up.)
* ``lookup_hash`` is an HMAC-SHA256 over the canonical ``number12`` keyed by
  ``settings.LOOKUP_HMAC_KEY``. Encrypted values cannot be searched (every token is different),
  so duplicate detection and look-ups compare these hashes instead.
* ``pseudonym`` is a stable keyed pseudonym for exports and other copies that leave the
  system: an HMAC under a key derived from ``LOOKUP_HMAC_KEY`` for one named purpose, so it is
  never the look-up hash itself (which would let a copy be matched against the database) and
  pseudonyms for different purposes (federations) cannot be linked.

The key objects are cached per key string, so bulk paths pay for key parsing once, while a
changed setting (tests, rotation) takes effect on the next call.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Callable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from stegvis.core.personnummer import PersonalNumber, parse_personal_number


class DecryptionError(ValueError):
    """A stored value could not be decrypted with any configured key."""


PREFIX = "v2:"
_AAD = b"stegvis-field-v2"


def encrypt_text(value: str) -> str:
    """A token (ASCII) for ``value``; a new random nonce every time."""
    nonce = os.urandom(12)
    sealed = _ciphers(settings.FIELD_ENCRYPTION_KEY)[0].encrypt(nonce, value.encode(), _AAD)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def encrypt_texts(values: Sequence[str]) -> list[str]:
    """``encrypt_text`` for many values at once (imports): the key is looked up once and the
    random nonces are drawn in one call, each value still under a nonce of its own."""
    cipher = _ciphers(settings.FIELD_ENCRYPTION_KEY)[0]
    nonces = os.urandom(12 * len(values))
    encode, seal = base64.urlsafe_b64encode, cipher.encrypt
    tokens = []
    for i, value in enumerate(values):
        nonce = nonces[12 * i : 12 * i + 12]
        tokens.append(PREFIX + encode(nonce + seal(nonce, value.encode(), _AAD)).decode("ascii"))
    return tokens


def decrypt_text(token: str) -> str:
    keys = settings.FIELD_ENCRYPTION_KEY
    try:
        if token.startswith(PREFIX):
            raw = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
            for cipher in _ciphers(keys):
                try:
                    return cipher.decrypt(raw[:12], raw[12:], _AAD).decode()
                except InvalidTag:
                    continue
            raise InvalidToken
        return _fernet(keys).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError(
            "Det gick inte att dekryptera värdet: ingen nyckel i FIELD_ENCRYPTION_KEY passar, "
            "eller så är värdet skadat."
        ) from exc


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


def lookup_hasher() -> Callable[[PersonalNumber], str]:
    """``lookup_hash`` for parsed numbers in a loop (imports): the key is read once, and the
    HMAC's inner and outer hashes start from states that have already taken in the padded
    key (RFC 2104), so each number costs two short hashes instead of four."""
    key = settings.LOOKUP_HMAC_KEY
    _hmac(key)  # the same check of the key as lookup_hash
    raw = key.encode()
    if len(raw) > _BLOCK:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(_BLOCK, b"\0")
    inner_start = hashlib.sha256(raw.translate(_INNER_PAD))
    outer_start = hashlib.sha256(raw.translate(_OUTER_PAD))

    def hash_number(number: PersonalNumber) -> str:
        inner = inner_start.copy()
        inner.update(number.number12.encode("ascii"))
        outer = outer_start.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    return hash_number


_BLOCK = hashlib.sha256().block_size
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))


def pseudonym(value: str | PersonalNumber, *, purpose: str) -> str:
    """``P-`` and 24 hex digits: the same person (whatever form the number was typed in) gets
    the same pseudonym for the same ``purpose``; a value that is no valid number is keyed as
    it stands."""
    if isinstance(value, PersonalNumber):
        canonical = value.number12
    else:
        try:
            canonical = parse_personal_number(value).number12
        except ValueError:
            canonical = value.strip()
    mac = hmac.new(_pseudonym_key(settings.LOOKUP_HMAC_KEY, purpose), digestmod=hashlib.sha256)
    mac.update(canonical.encode())
    return "P-" + mac.hexdigest()[:24]


@functools.lru_cache(maxsize=32)
def _pseudonym_key(key: str, purpose: str) -> bytes:
    """A key of its own per purpose, derived from the look-up key (HMAC as the derivation)."""
    if not key:
        raise ImproperlyConfigured("LOOKUP_HMAC_KEY är tom.")
    return hmac.new(key.encode(), f"stegvis-pseudonym-v1:{purpose}".encode(), "sha256").digest()


@functools.lru_cache(maxsize=8)
def _ciphers(keys: str) -> tuple[AESGCM, ...]:
    """One AES-256-GCM cipher per configured key, the encrypting key first."""
    return tuple(
        AESGCM(
            HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AAD).derive(
                base64.urlsafe_b64decode(part)
            )
        )
        for part in _key_parts(keys)
    )


@functools.lru_cache(maxsize=8)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(part) for part in _key_parts(keys)])


@functools.lru_cache(maxsize=8)
def _key_parts(keys: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in (keys or "").split(",") if part.strip())
    if not parts:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY är tom.")
    try:
        for part in parts:
            Fernet(part)  # 32 bytes of URL-safe base64: the format checked here
        return parts
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
