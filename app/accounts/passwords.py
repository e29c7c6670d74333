"""Password hashing with argon2id and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import ValidationFailed
from app.translation import N_

# RFC 9106 low-memory profile in production; a cheap (still argon2id) profile keeps tests fast.
_PROFILES = {
    "default": profiles.RFC_9106_LOW_MEMORY,
    "test": profiles.CHEAPEST,
}
_hasher = PasswordHasher.from_parameters(_PROFILES["default"])
MIN_LENGTH = 10


def configure(profile: str) -> None:
    """Select the hashing cost profile (called once by create_app)."""
    global _hasher
    _hasher = PasswordHasher.from_parameters(_PROFILES[profile])
    assert _hasher.type is Type.ID


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its hash without raising."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current profile."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# Verifying against this when the user does not exist keeps response times alike.
_DUMMY_HASH: str | None = None


def burn_time(password: str) -> None:
    """Spend about the time of one verification, for unknown usernames."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("dummy-password-for-timing")
    verify_password(_DUMMY_HASH, password)


def check_policy(password: str, *, username: str = "", field: str = "password") -> None:
    """Refuse passwords that are short, single-class or contain the username."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(N_("A password has at least {length} characters.", length=MIN_LENGTH), field=field)
    if password.isdigit() or password.isalpha():
        raise ValidationFailed(N_("A password must mix letters with digits (or symbols)."), field=field)
    if username and username.lower() in password.lower():
        raise ValidationFailed(N_("A password must not contain the username."), field=field)
