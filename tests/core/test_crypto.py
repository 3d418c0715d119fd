import base64
import hashlib
import hmac
from datetime import date
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from stegvis.core.crypto import DecryptionError, decrypt_text, encrypt_text, lookup_hash
from stegvis.core.fields import EncryptedTextField
from stegvis.core.personnummer import PersonalNumberError, parse_personal_number

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    settings.LOOKUP_HMAC_KEY = "en-hemlig-nyckel-for-uppslag"
    return settings


def test_encrypt_then_decrypt_returns_the_text(keys):
    assert decrypt_text(encrypt_text("19811218-9876")) == "19811218-9876"


def test_non_ascii_text_round_trips(keys):
    assert decrypt_text(encrypt_text("Åsa Öberg, Malmö")) == "Åsa Öberg, Malmö"


def test_the_same_text_encrypts_differently_every_time(keys):
    assert encrypt_text("19811218-9876") != encrypt_text("19811218-9876")


def test_token_does_not_contain_the_plaintext(keys):
    assert "9876" not in encrypt_text("19811218-9876")


def test_key_rotation_decrypts_tokens_made_with_the_old_key(keys):
    keys.FIELD_ENCRYPTION_KEY = OLD_KEY
    old_token = encrypt_text("19811218-9876")
    keys.FIELD_ENCRYPTION_KEY = f"{NEW_KEY}, {OLD_KEY}"
    assert decrypt_text(old_token) == "19811218-9876"


def test_key_rotation_encrypts_with_the_first_key(keys):
    keys.FIELD_ENCRYPTION_KEY = f"{NEW_KEY},{OLD_KEY}"
    token = encrypt_text("19811218-9876")
    keys.FIELD_ENCRYPTION_KEY = NEW_KEY
    assert decrypt_text(token) == "19811218-9876"


def test_wrong_key_raises_a_clear_error(keys):
    token = encrypt_text("19811218-9876")
    keys.FIELD_ENCRYPTION_KEY = OTHER_KEY
    with pytest.raises(DecryptionError, match="ingen nyckel i FIELD_ENCRYPTION_KEY passar"):
        decrypt_text(token)


@pytest.mark.parametrize("token", ["inte-en-token", "", "åäö"])
def test_garbage_token_raises_a_clear_error(keys, token):
    with pytest.raises(DecryptionError):
        decrypt_text(token)


@pytest.mark.parametrize(
    "setting",
    ["", " , ", "inte-en-fernet-nyckel", f"{NEW_KEY},kort"],
    ids=["empty", "commas", "not-a-key", "one-good-one-short"],
)
def test_malformed_key_setting_is_a_configuration_error(keys, setting):
    keys.FIELD_ENCRYPTION_KEY = setting
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        encrypt_text("x")


@pytest.mark.parametrize(
    "typed",
    [
        "811218-9876",
        "8112189876",
        "19811218-9876",
        "198112189876",
        "  811218-9876 ",
    ],
)
def test_lookup_hash_is_the_same_whichever_format_was_typed(keys, typed):
    expected = hmac.new(
        b"en-hemlig-nyckel-for-uppslag", b"198112189876", hashlib.sha256
    ).hexdigest()
    assert lookup_hash(typed) == expected


def test_lookup_hash_accepts_a_parsed_number(keys):
    parsed = parse_personal_number("811218-9876")
    assert lookup_hash(parsed) == lookup_hash("198112189876")


def test_lookup_hash_tells_people_a_century_apart(keys):
    today = date(2026, 11, 23)
    young = parse_personal_number("261123-1230", today=today)
    old = parse_personal_number("261123+1230", today=today)
    assert lookup_hash(young) != lookup_hash(old)


def test_lookup_hash_depends_on_the_key(keys):
    before = lookup_hash("811218-9876")
    keys.LOOKUP_HMAC_KEY = "en-annan-nyckel"
    assert lookup_hash("811218-9876") != before


def test_lookup_hash_rejects_an_invalid_number(keys):
    with pytest.raises(PersonalNumberError):
        lookup_hash("811218-9875")


def test_lookup_hash_refuses_an_empty_key(keys):
    keys.LOOKUP_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="LOOKUP_HMAC_KEY"):
        lookup_hash("811218-9876")


# --- EncryptedTextField ----------------------------------------------------------------------


def test_field_stores_a_token_and_reads_back_the_text(keys):
    field = EncryptedTextField()
    stored = field.get_prep_value("19811218-9876")
    assert stored != "19811218-9876"
    assert field.from_db_value(stored, None, None) == "19811218-9876"


@pytest.mark.parametrize("value", [None, ""])
def test_field_stores_empty_values_as_they_are(keys, value):
    field = EncryptedTextField()
    assert field.get_prep_value(value) == value
    assert field.from_db_value(value, None, None) == value


def test_field_cannot_be_filtered_on_except_isnull():
    field = EncryptedTextField()
    assert field.get_lookup("exact") is None
    assert field.get_lookup("icontains") is None
    assert field.get_lookup("isnull") is not None


def test_tokens_are_aes_gcm_of_version_two(keys):
    token = encrypt_text("19811218-9876")
    assert token.startswith("v2:")
    assert len(base64.urlsafe_b64decode(token[3:])) == 12 + len("19811218-9876") + 16


def test_fernet_tokens_written_by_earlier_versions_are_still_read(keys):
    keys.FIELD_ENCRYPTION_KEY = f"{NEW_KEY},{OLD_KEY}"
    legacy = Fernet(OLD_KEY).encrypt(b"19811218-9876").decode()
    assert decrypt_text(legacy) == "19811218-9876"


@pytest.mark.parametrize("position", [3, 20, -1])
def test_a_changed_character_in_a_token_is_refused(keys, position):
    token = encrypt_text("19811218-9876")
    chars = list(token)
    chars[position] = "A" if chars[position] != "A" else "B"
    with pytest.raises(DecryptionError):
        decrypt_text("".join(chars))


def test_encrypting_many_values_at_once_reads_back_each_under_its_own_nonce(keys):
    from stegvis.core.crypto import encrypt_texts

    values = ["19811218-9876", "19811218-9876", "Åsa"]
    tokens = encrypt_texts(values)
    assert [decrypt_text(t) for t in tokens] == values
    assert len(set(tokens)) == 3  # equal values, different tokens
    assert len({base64.urlsafe_b64decode(t[3:])[:12] for t in tokens}) == 3
    assert encrypt_texts([]) == []


def test_the_prepared_look_up_hash_equals_lookup_hash(keys):
    from stegvis.core.crypto import lookup_hasher

    number = parse_personal_number("811218-9876", date(2026, 1, 1))
    assert lookup_hasher()(number) == lookup_hash(number)
    keys.LOOKUP_HMAC_KEY = "en-annan-nyckel"
    assert lookup_hasher()(number) == lookup_hash(number)
    keys.LOOKUP_HMAC_KEY = "å" * 40  # longer than SHA-256's block once encoded: hashed first
    assert lookup_hasher()(number) == lookup_hash(number)
    keys.LOOKUP_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        lookup_hasher()


@given(key=st.text(min_size=1, max_size=100), number12=st.from_regex(r"\A[0-9]{12}\Z"))
def test_the_prepared_look_up_hash_is_hmac_sha256(key, number12):
    from stegvis.core.crypto import lookup_hasher

    with override_settings(LOOKUP_HMAC_KEY=key):
        prepared = lookup_hasher()(SimpleNamespace(number12=number12))
    assert prepared == hmac.new(key.encode(), number12.encode(), hashlib.sha256).hexdigest()
