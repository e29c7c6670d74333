"""ProductionConfig refuses unsafe settings."""

import pytest

from config import DEV_PII_KEY, DEV_SECRET_KEY, ConfigError, ProductionConfig, load_config

GOOD = {
    "SECRET_KEY": "k" * 16 + "9f3a1c77e0b24d5e8a6c1b2d3e4f5a6b",
    "DEBUG": False,
    "PII_ENCRYPTION_KEY": "cHJvZC1waWkta2V5LTMyLWJ5dGVzLWxvbmctLS0tLS0=",
    "PII_HASH_KEY": "prod-hash-key-0123456789abcdef",
    "CERT_SIGNING_KEYS": "p1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
}


def production(**overrides):
    return type("P", (ProductionConfig,), {**GOOD, **overrides})


def test_good_production_config_is_accepted():
    production().validate()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "not set"),
        ({"SECRET_KEY": ""}, "not set"),
        ({"SECRET_KEY": "short-key"}, "32 bytes"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "known default"),
        ({"DEBUG": True}, "debug"),
        ({"PII_ENCRYPTION_KEY": DEV_PII_KEY}, "PII_ENCRYPTION_KEY"),
        ({"PII_HASH_KEY": None}, "PII_HASH_KEY"),
        ({"PII_ENCRYPTION_KEY": "c2hvcnQ="}, "32 bytes"),
    ],
)
def test_unsafe_production_config_is_refused(overrides, message):
    with pytest.raises(ConfigError, match=message):
        production(**overrides).validate()


def test_create_app_refuses_unsafe_production_config():
    from app import create_app

    with pytest.raises(ConfigError):
        create_app(production(SECRET_KEY="too-short"))


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


def test_unknown_config_name_is_refused():
    with pytest.raises(ConfigError, match="unknown configuration"):
        load_config("staging")
