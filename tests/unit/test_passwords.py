"""argon2id hashing and the password policy."""

import pytest

from app.accounts import passwords
from app.errors import ValidationFailed


def test_hash_is_argon2id_and_verifies():
    hashed = passwords.hash_password("Correct-horse-9")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "Correct-horse-9")
    assert not passwords.verify_password(hashed, "Correct-horse-8")
    assert not passwords.verify_password("not-a-hash", "Correct-horse-9")


def test_default_profile_is_stronger_than_test_profile():
    passwords.configure("default")
    try:
        strong = passwords.hash_password("Correct-horse-9")
        assert "m=65536" in strong
    finally:
        passwords.configure("test")
    assert passwords.needs_rehash(strong)  # a hash from another profile is upgraded at next login


@pytest.mark.parametrize(
    ("password", "template"),
    [
        ("short1", "A password has at least {length} characters."),
        ("abcdefghijkl", "A password must mix letters with digits (or symbols)."),
        ("1234567890123", "A password must mix letters with digits (or symbols)."),
        ("xxwangwei123", "A password must not contain the username."),
    ],
)
def test_policy_refuses_weak_passwords(password, template):
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_policy(password, username="wangwei")
    assert refused.value.field == "password" and refused.value.message.template == template


def test_policy_accepts_a_decent_password():
    passwords.check_policy("Jiangcai2026!", username="admin")
