"""Application configuration: the only module that reads os.environ."""

from __future__ import annotations

import base64
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("JIANGCAI_INSTANCE_DIR", BASE_DIR / "instance"))

# Keys that ship in this repository; production must never run with them.
DEV_SECRET_KEY = "jiangcai-development-secret-key-not-for-production-use"
DEV_PII_KEY = "ZGV2LW9ubHktcGlpLWtleS1kby1ub3QtdXNlLTMyYiE="  # base64 of a 32-byte dev key
DEV_PII_HASH_KEY = "dev-only-pii-hash-key-do-not-use-in-production"
DEV_SIGNING_KEYS = "dev1:7FdXcYbPl1I9h4SOpo1qb4BzBrvdl8YY1dBk3gxl3m8"
# The demo logins' password (app/demo/accounts.py), published in the README: refused for real accounts in production.
DEMO_PASSWORD = "Jiangcai2026!"
KNOWN_DEFAULT_SECRETS = frozenset(
    {DEV_SECRET_KEY, "dev", "secret", "changeme", "change-me", "development", "test-secret-key"}
)


class ConfigError(RuntimeError):
    """Raised when a configuration cannot be used safely."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_list(name: str) -> tuple[str, ...]:
    """A comma-separated environment value as a tuple of its non-empty items."""
    return tuple(item for item in (_env(name) or "").split(",") if item.strip())


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Config:
    """Development defaults: embedded SQLite in instance/, demo-friendly."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", _sqlite_url(INSTANCE_DIR / "jiangcai.db"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = _env("REDIS_URL")
    FILE_STORAGE_DIR = Path(_env("FILE_STORAGE_DIR", str(INSTANCE_DIR / "files")))

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "jiangcai_session"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    REMEMBER_COOKIE_HTTPONLY = True

    # Forms
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # A file may be 20 MB (app/spreadsheets/reading.py refuses a larger sheet on its form, keeping what was typed);
    # the request gets 1 MB more for the form's other fields, and beyond that a page that names the 20 MB.
    MAX_UPLOAD_MB = 20
    MAX_CONTENT_LENGTH = (MAX_UPLOAD_MB + 1) * 1024 * 1024

    # UI
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")
    BOOTSTRAP_SERVE_LOCAL = True

    # Rate limits: shared Redis storage when REDIS_URL is set
    # Switched off only for benchmarks (RATELIMIT_ENABLED=0); public verification relies on it.
    RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") not in ("0", "false", "False")
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # If Redis goes away, count in each process's memory until it is back rather than fail requests.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = _env("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "5 per minute;20 per hour")
    LOGIN_LIMIT_PER_ADDRESS = _env("LOGIN_LIMIT_PER_ADDRESS", "30 per minute")
    PUBLIC_LIMIT = _env("PUBLIC_LIMIT", "30 per minute")  # per address, over all public verification routes
    # Checks by signed-in users and API tokens, per organisation (all its users and tokens together), over the same
    # routes; the empty check form does not count. Instead of PUBLIC_LIMIT, not on top of it.
    ORG_VERIFY_LIMIT = _env("ORG_VERIFY_LIMIT", "600 per hour")
    # Trainee self sign-in, per address: every request (a classroom's phones may share one address), and refusals
    # (a wrong name or ID ending), which stop guessing
    SIGN_IN_LIMIT = _env("SIGN_IN_LIMIT", "300 per minute")
    SIGN_IN_REFUSED_LIMIT = _env("SIGN_IN_REFUSED_LIMIT", "20 per minute")
    SHARE_LINK_DEFAULT_DAYS = 30

    # Passwords refused besides app/accounts/common_passwords.txt (comma-separated), e.g. the organisation's name
    # with a year. Production adds the demo password, which is published in the README and printed by demo load.
    PASSWORD_REFUSED_EXTRA = _env_list("PASSWORD_REFUSED_EXTRA")
    # API tokens: lifetime given to a new token unless its owner chooses one, and the longest allowed (days)
    API_TOKEN_DAYS = int(_env("API_TOKEN_DAYS", "90"))
    API_TOKEN_MAX_DAYS = int(_env("API_TOKEN_MAX_DAYS", "365"))

    # Personal data protection (ID and phone numbers)
    PII_ENCRYPTION_KEY = _env("PII_ENCRYPTION_KEY", DEV_PII_KEY)
    PII_HASH_KEY = _env("PII_HASH_KEY", DEV_PII_HASH_KEY)

    # Certificate QR signatures: "kid:seed[,kid:seed...]"; the first is the active key
    CERT_SIGNING_KEYS = _env("CERT_SIGNING_KEYS", DEV_SIGNING_KEYS)
    CERT_VERIFY_ONLY_KEYS = _env("CERT_VERIFY_ONLY_KEYS", "")
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers are trusted (0: none) …
    PROXY_HOPS = int(_env("PROXY_HOPS", "0"))
    # … and only on requests whose direct peer (REMOTE_ADDR) is one of these addresses or CIDRs (the nginx hosts)
    TRUSTED_PROXIES = _env("TRUSTED_PROXIES", "127.0.0.0/8,::1")
    # /metrics answers requests made straight from a loopback address (not through a proxy), or with
    # "Authorization: Bearer <METRICS_TOKEN>"
    METRICS_TOKEN = _env("METRICS_TOKEN")

    # Task queue: huey on SQLite by default, Redis in production
    HUEY_IMMEDIATE = _env("HUEY_IMMEDIATE", "0") == "1"
    # Assessment rules that change by year and city (DOMAIN.md: keep them as settings)
    ASSESSMENT_NOTICE_WORKING_DAYS = int(_env("ASSESSMENT_NOTICE_WORKING_DAYS", "5"))
    ASSESSMENT_RETAKE_MONTHS = int(_env("ASSESSMENT_RETAKE_MONTHS", "12"))
    APPOINTMENT_QUOTA_PERCENT = int(_env("APPOINTMENT_QUOTA_PERCENT", "5"))

    # Employment outcome of a class (DOMAIN.md §1): window in months (2 or 6) and subsidy tiers as
    # "rate at least %:pays %" pairs, e.g. 0 % below 50 %, 60 % at ≥50 %, 80 % at ≥65 %, 100 % at ≥80 %.
    EMPLOYMENT_WINDOW_MONTHS = int(_env("EMPLOYMENT_WINDOW_MONTHS", "6"))
    EMPLOYMENT_SUBSIDY_TIERS = _env("EMPLOYMENT_SUBSIDY_TIERS", "80:100,65:80,50:60,0:0")

    # The funnel report reads precomputed per-class figures (issue 8): huey rebuilds them every
    # FUNNEL_FACTS_REFRESH_MINUTES, and a report request rebuilds them first when they are older than
    # FUNNEL_FACTS_MAX_AGE_SECONDS (0: on every request).
    FUNNEL_FACTS_REFRESH_MINUTES = int(_env("FUNNEL_FACTS_REFRESH_MINUTES", "10"))
    FUNNEL_FACTS_MAX_AGE_SECONDS = int(_env("FUNNEL_FACTS_MAX_AGE_SECONDS", "900"))

    # Processes rendering certificate PDFs in a batch (rendering is CPU-bound; one per core).
    CERT_RENDER_PROCESSES = int(_env("CERT_RENDER_PROCESSES", "2"))
    # A running batch writes a heartbeat at every step; one silent for this long is taken as dead (its worker
    # was killed) and resumed by the next worker's recovery check, which runs every minute.
    CERT_JOB_LEASE_SECONDS = int(_env("CERT_JOB_LEASE_SECONDS", "300"))
    # A batch still waiting this long was never picked up (the queue was unreachable when it was started, or its
    # task was lost): the same recovery check queues it again. Two tasks for one batch are harmless: the first
    # to start it claims it (compare-and-set), the other finds it taken and stops.
    CERT_JOB_REQUEUE_SECONDS = int(_env("CERT_JOB_REQUEUE_SECONDS", "120"))

    # A people import of more data rows than this runs on the task queue, with a progress page (issue 16);
    # smaller ones run inside the request. A running import silent for PEOPLE_IMPORT_LEASE_SECONDS lost its
    # worker and is run again by the next worker's recovery check (it wrote nothing: all rows or none).
    PEOPLE_IMPORT_INTERACTIVE_ROWS = int(_env("PEOPLE_IMPORT_INTERACTIVE_ROWS", "1000"))
    PEOPLE_IMPORT_LEASE_SECONDS = int(_env("PEOPLE_IMPORT_LEASE_SECONDS", "600"))

    # Texts to people: workers' activation codes (app/sms.py) and labour notices (app/labour/notices.py) go out
    # through this backend; "console" logs them, "" switches labour texts off. Activation is limited per address
    # as login is.
    SMS_BACKEND = _env("SMS_BACKEND", "console")
    ACTIVATION_LIMIT = _env("ACTIVATION_LIMIT", "10 per minute;40 per hour")

    @classmethod
    def validate(cls) -> None:
        """Accept any development configuration."""


class TestConfig(Config):
    """Test runs: database chosen by TEST_DATABASE_URL, memory rate-limit storage."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    HUEY_IMMEDIATE = True
    PROXY_HOPS = 0
    TRUSTED_PROXIES = "127.0.0.0/8,::1"
    METRICS_TOKEN = None
    # Redis for the multi-process deployment test (its own database number; the test empties it)
    TEST_REDIS_URL = _env("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    DOC_SCREENSHOTS_DIR = _env("DOC_SCREENSHOTS_DIR")  # set by `make docs-screenshots` to refresh docs/images
    CERT_RENDER_PROCESSES = 0
    FUNNEL_FACTS_MAX_AGE_SECONDS = 0  # figures exact on every request
    PUBLIC_BASE_URL = "http://localhost"
    # argon2 at full cost makes hundreds of logins slow; tests use a cheap but valid profile
    PASSWORD_HASH_PROFILE = "test"


class ProductionConfig(Config):
    """Production: refuses to start with unsafe settings."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    SECRET_KEY = _env("SECRET_KEY")
    PII_ENCRYPTION_KEY = _env("PII_ENCRYPTION_KEY")
    PII_HASH_KEY = _env("PII_HASH_KEY")
    CERT_SIGNING_KEYS = _env("CERT_SIGNING_KEYS")
    DEBUG = _env("FLASK_DEBUG", "0") not in ("0", "false", "False")
    # One reverse proxy (nginx) in front of gunicorn by default
    PROXY_HOPS = int(_env("PROXY_HOPS", "1"))
    PASSWORD_REFUSED_EXTRA = (DEMO_PASSWORD, *_env_list("PASSWORD_REFUSED_EXTRA"))
    # Connections that died while idle (database restart, failover) are replaced, not handed to a request
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    @classmethod
    def validate(cls) -> None:
        """Refuse missing, short or known-default secrets and debug mode."""
        key = cls.SECRET_KEY
        if not key:
            raise ConfigError("SECRET_KEY is not set")
        if len(key.encode()) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 bytes")
        if key in KNOWN_DEFAULT_SECRETS:
            raise ConfigError("SECRET_KEY is a known default; generate a new one")
        if cls.DEBUG:
            raise ConfigError("debug mode must be off in production")
        for name, dev_value in (
            ("PII_ENCRYPTION_KEY", DEV_PII_KEY),
            ("PII_HASH_KEY", DEV_PII_HASH_KEY),
            ("CERT_SIGNING_KEYS", DEV_SIGNING_KEYS),
        ):
            value = getattr(cls, name)
            if not value or value == dev_value:
                raise ConfigError(f"{name} must be set to a production value")
        try:
            key_length = len(base64.b64decode(cls.PII_ENCRYPTION_KEY, validate=True))
        except ValueError as exc:
            raise ConfigError("PII_ENCRYPTION_KEY must be base64") from exc
        if key_length != 32:
            raise ConfigError(f"PII_ENCRYPTION_KEY must decode to 32 bytes, not {key_length}")


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> type[Config]:
    """Return the configuration class named by the argument or JIANGCAI_CONFIG."""
    name = name or _env("JIANGCAI_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise ConfigError(f"unknown configuration {name!r}; use one of {sorted(CONFIGS)}") from exc
