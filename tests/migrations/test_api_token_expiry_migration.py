"""The migration that makes API tokens expire gives tokens issued before it 90 days from the upgrade."""

from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from tests.conftest import IS_POSTGRES
from tests.migrations.test_migrations import fresh_app

BEFORE, EXPIRY = "c3a9e5d17f20", "e4b7c1a9d2f6"
STAMP = datetime(2026, 1, 5, 8, 0)  # naive UTC, written as SQL on both backends


def _columns(uri: str, table: str) -> set[str]:
    engine = create_engine(uri)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_existing_tokens_get_ninety_days_and_the_column_becomes_required(tmp_path):
    app, uri = fresh_app(tmp_path)
    try:
        with app.app_context():
            downgrade(revision="base") if IS_POSTGRES else None
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO organisations (id, kind, name, uscc, created_at) "
                                  "VALUES (1, 'hrss', '人社厅', '112100000000123458', :at)"), {"at": STAMP})
                conn.execute(text("INSERT INTO users (id, organisation_id, username, display_name, password_hash, "
                                  "active, created_at, password_changed_at) VALUES (1, 1, 'old', 'Old', 'x', :yes, "
                                  ":at, :at)"), {"at": STAMP, "yes": True})
                conn.execute(text("INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) "
                                  "VALUES (1, 1, 'legacy', :hash, 'jc_legacy', :at)"), {"hash": "a" * 64, "at": STAMP})
            assert "expires_at" not in _columns(uri, "api_tokens")
            upgrade(revision=EXPIRY)
            with db.engine.connect() as conn:
                expires = conn.execute(text("SELECT expires_at FROM api_tokens WHERE id = 1")).scalar_one()
            expires = datetime.fromisoformat(expires) if isinstance(expires, str) else expires
            expires = expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires
            assert abs(expires - (datetime.now(UTC) + timedelta(days=90))) < timedelta(minutes=5)
            nullable = {c["name"]: c["nullable"] for c in inspect(db.engine).get_columns("api_tokens")}
            assert nullable["expires_at"] is False
            downgrade(revision=BEFORE)
            assert "expires_at" not in _columns(uri, "api_tokens")
    finally:
        with app.app_context():
            if IS_POSTGRES:
                downgrade(revision="base")  # leave the shared test database at head, empty, for the other tests
                upgrade()
            db.engine.dispose()
