"""Personal data at rest: AES-GCM encryption of ID and phone numbers, and keyed blind indexes for lookups.

Flask-free low module. The edge calls configure() once with keys from configuration; services then call
encrypt / decrypt / blind_index. Ciphertexts carry a version prefix (``v1:``) so that keys can be rotated
later: a new key gets a new prefix and old values stay readable until they are re-encrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.idnumbers import normalize_text

VERSION = "v1"
_NONCE_BYTES = 12
_KEY_BYTES = 32
_MIN_HASH_KEY_BYTES = 16
# Binds every ciphertext to this application and format, so a value from elsewhere never decrypts.
_AAD = b"jiangcai-pii-v1"


class PiiKeyError(RuntimeError):
    """The configured keys are missing or malformed, or none has been configured."""


class PiiDecryptError(ValueError):
    """A stored value is not a ciphertext this application can read."""


@dataclass(frozen=True)
class _Keys:
    cipher: AESGCM
    hash_key: bytes


_keys: _Keys | None = None


def decode_key(encryption_key: str) -> bytes:
    """Decode a base64 encryption key and require exactly 32 bytes (AES-256)."""
    try:
        raw = base64.b64decode(encryption_key or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PiiKeyError("PII_ENCRYPTION_KEY is not valid base64") from exc
    if len(raw) != _KEY_BYTES:
        raise PiiKeyError(f"PII_ENCRYPTION_KEY must decode to {_KEY_BYTES} bytes, got {len(raw)}")
    return raw


def configure(encryption_key: str, hash_key: str) -> None:
    """Set the process-wide keys: base64 of 32 bytes for AES-GCM, and a secret string for blind indexes."""
    global _keys
    raw = decode_key(encryption_key)
    hash_bytes = (hash_key or "").encode("utf-8")
    if len(hash_bytes) < _MIN_HASH_KEY_BYTES:
        raise PiiKeyError(f"PII_HASH_KEY must be at least {_MIN_HASH_KEY_BYTES} bytes")
    _keys = _Keys(AESGCM(raw), hash_bytes)


def is_configured() -> bool:
    """Whether configure() has been called in this process."""
    return _keys is not None


def _current() -> _Keys:
    if _keys is None:
        raise PiiKeyError("personal-data keys are not configured; call app.pii.configure() first")
    return _keys


def encrypt(value: str) -> str:
    """Encrypt a string; the result is ``v1:<base64(nonce | ciphertext+tag)>``, new nonce every call."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _current().cipher.encrypt(nonce, value.encode("utf-8"), _AAD)
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(stored: str) -> str:
    """Decrypt a value produced by encrypt()."""
    version, sep, body = (stored or "").partition(":")
    if not sep or version != VERSION:
        raise PiiDecryptError(f"unknown personal-data ciphertext version {version!r}")
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PiiDecryptError("personal-data ciphertext is not valid base64") from exc
    if len(blob) <= _NONCE_BYTES:
        raise PiiDecryptError("personal-data ciphertext is too short")
    try:
        plain = _current().cipher.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _AAD)
    except InvalidTag as exc:
        raise PiiDecryptError("personal-data ciphertext does not match the key (tampered or wrong key)") from exc
    return plain.decode("utf-8")


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 of ``kind:normalised value`` as hex: equal inputs match, the value cannot be read back."""
    message = f"{kind}:{normalize_text(value)}".encode()
    return hmac.new(_current().hash_key, message, hashlib.sha256).hexdigest()


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's bytes (an upload kept between two steps): nonce | ciphertext+tag, new nonce every call."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + _current().cipher.encrypt(nonce, data, _AAD + b":file")


def decrypt_bytes(sealed: bytes) -> bytes:
    """Decrypt bytes produced by encrypt_bytes()."""
    try:
        return _current().cipher.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _AAD + b":file")
    except (InvalidTag, ValueError) as exc:
        raise PiiDecryptError("sealed file does not match the key (tampered or wrong key)") from exc
