"""The demo data set with issued certificates, for tests that need a realistic database (API contract, screenshots)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_api_token
from app.database import utcnow
from app.demo import load_demo
from app.demo.certificates import issue_demo_certificates
from app.extensions import db
from app.tasks import issuing_context


def load_demo_world(app: Flask) -> dict[str, int]:
    """Load the demo data and issue the certificates of every finalised plan; returns the demo counts."""
    with app.app_context():
        now = utcnow()
        counts = load_demo(db.session, now=now)
        db.session.commit()
        issued = issue_demo_certificates(db.session, now=now, ctx=issuing_context(app))
        db.session.commit()
        counts["certificates"] = len(issued)
        db.session.remove()
    return counts


def api_tokens(app: Flask, usernames: list[str]) -> dict[str, str]:
    """A fresh bearer token for each named demo user."""
    tokens = {}
    with app.app_context():
        for username in usernames:
            user = db.session.scalar(select(User).where(User.username == username))
            _row, tokens[username] = create_api_token(db.session, actor=user, now=utcnow(), name="contract test")
        db.session.commit()
        db.session.remove()
    return tokens


def open_app(migrated_database: str, directory, **settings):
    """An application on a fresh copy of the migrated database (SQLite) or the test database (PostgreSQL)."""
    import shutil
    from pathlib import Path

    from app import create_app
    from tests.conftest import IS_POSTGRES, make_config

    if IS_POSTGRES:
        uri = migrated_database
    else:
        target = Path(directory) / "test.db"
        shutil.copyfile(Path(migrated_database.removeprefix("sqlite:///")), target)
        uri = f"sqlite:///{target}"
    config = type("ModuleTestConfig", (make_config(uri, Path(directory)),), settings)
    return create_app(config)


def close_app(app: Flask) -> None:
    """Empty the PostgreSQL test database (SQLite copies are thrown away) and release connections."""
    from sqlalchemy import text

    from tests.conftest import IS_POSTGRES

    with app.app_context():
        db.session.remove()
        if IS_POSTGRES:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()
