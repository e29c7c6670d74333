"""Password hashing with argon2id and the password policy."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

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
MIN_CLASSES = 2  # of letters, digits and other characters
COMMON_PASSWORDS_FILE = Path(__file__).resolve().with_name("common_passwords.txt")
MIN_COMMON_STEM = 4  # "monkey" + "2026!" is refused; "abc" + "…" is judged by the other rules
_TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\W\d_]+$")
_refused_extra: frozenset[str] = frozenset()


def configure(profile: str, refused_extra: Iterable[str] = ()) -> None:
    """Select the hashing cost profile and the site's own refused passwords (called once by create_app)."""
    global _hasher, _refused_extra
    _hasher = PasswordHasher.from_parameters(_PROFILES[profile])
    assert _hasher.type is Type.ID
    _refused_extra = frozenset(_fold(p) for p in refused_extra if p.strip())


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


def _fold(password: str) -> str:
    return password.strip().lower()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and published passwords, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in (raw.strip() for raw in lines) if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """True for a listed password, one of the site's refused ones, or a listed one followed by digits/symbols."""
    folded = _fold(password)
    refused = common_passwords() | _refused_extra
    if folded in refused:
        return True
    stem = _TRAILING_DIGITS_AND_SYMBOLS.sub("", folded)
    return len(stem) >= MIN_COMMON_STEM and stem != folded and stem in refused


def character_classes(password: str) -> int:
    """How many of letters, digits and other characters (symbols, inner spaces) the password uses."""
    return (any(c.isalpha() for c in password) + any(c.isdigit() for c in password)
            + any(not c.isalnum() for c in password))


def check_policy(password: str, *, username: str = "", field: str = "password") -> None:
    """Refuse passwords that are short (leading and trailing spaces do not count), use one character class,
    contain the username, or are common or published."""
    trimmed = password.strip()
    if len(trimmed) < MIN_LENGTH:
        raise ValidationFailed(N_("A password has at least {length} characters.", length=MIN_LENGTH), field=field)
    if character_classes(trimmed) < MIN_CLASSES:
        raise ValidationFailed(N_("A password must mix letters with digits (or symbols)."), field=field)
    if username and username.lower() in trimmed.lower():
        raise ValidationFailed(N_("A password must not contain the username."), field=field)
    if is_common(trimmed):
        raise ValidationFailed(N_("This password is on a list of common or published passwords; choose another."),
                               field=field)
