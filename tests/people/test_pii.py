"""app.pii: AES-GCM at rest with a versioned format, keyed blind indexes, strict key checks."""

import base64

import pytest

from app import pii
from config import TestConfig

KEY_32 = base64.b64encode(bytes(range(32))).decode()
HASH_KEY = "a-hash-key-of-enough-length"


@pytest.fixture
def restore_keys(pii_keys):
    """Tests here reconfigure the module; put the suite's keys back afterwards."""
    yield
    pii.configure(TestConfig.PII_ENCRYPTION_KEY, TestConfig.PII_HASH_KEY)


def test_configured_keys_are_usable():
    assert len(pii.decode_key(TestConfig.PII_ENCRYPTION_KEY)) == 32


def test_round_trip_with_a_fresh_nonce_each_time():
    first, second = pii.encrypt("11010519491231002X"), pii.encrypt("11010519491231002X")
    assert first != second and first.startswith("v1:") and second.startswith("v1:")
    assert pii.decrypt(first) == pii.decrypt(second) == "11010519491231002X"
    assert "11010519491231002X" not in first
    assert len(base64.b64decode(first[3:])) == 12 + 18 + 16  # nonce, ciphertext, tag


def test_tampered_or_foreign_values_do_not_decrypt():
    stored = pii.encrypt("13812345678")
    blob = bytearray(base64.b64decode(stored[3:]))
    blob[-1] ^= 1
    with pytest.raises(pii.PiiDecryptError, match="tampered"):
        pii.decrypt("v1:" + base64.b64encode(bytes(blob)).decode())
    with pytest.raises(pii.PiiDecryptError, match="version"):
        pii.decrypt("v9:" + stored[3:])
    with pytest.raises(pii.PiiDecryptError, match="base64"):
        pii.decrypt("v1:not base64!")
    with pytest.raises(pii.PiiDecryptError):
        pii.decrypt("13812345678")


def test_another_key_cannot_read_values(restore_keys):
    stored = pii.encrypt("13812345678")
    pii.configure(KEY_32, HASH_KEY)
    with pytest.raises(pii.PiiDecryptError):
        pii.decrypt(stored)


def test_blind_index_is_keyed_normalised_and_separated_by_kind(restore_keys):
    value = pii.blind_index("id", "11010519491231002X")
    assert len(value) == 64 and int(value, 16) >= 0
    assert pii.blind_index("id", " １１０１０５１９４９１２３１００２ｘ ") == value
    assert pii.blind_index("phone", "11010519491231002X") != value
    pii.configure(KEY_32, HASH_KEY)
    assert pii.blind_index("id", "11010519491231002X") != value


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (base64.b64encode(b"x" * 31).decode(), "32 bytes, got 31"),
        (base64.b64encode(b"x" * 16).decode(), "32 bytes, got 16"),
        ("not base64 at all!", "not valid base64"),
        ("", "32 bytes, got 0"),
    ],
)
def test_configure_refuses_bad_encryption_keys(restore_keys, key, message):
    with pytest.raises(pii.PiiKeyError, match=message):
        pii.configure(key, HASH_KEY)


def test_configure_refuses_a_short_hash_key(restore_keys):
    with pytest.raises(pii.PiiKeyError, match="PII_HASH_KEY"):
        pii.configure(KEY_32, "short")


def test_unconfigured_module_refuses_to_work(restore_keys, monkeypatch):
    monkeypatch.setattr(pii, "_keys", None)
    with pytest.raises(pii.PiiKeyError, match="not configured"):
        pii.encrypt("x")
