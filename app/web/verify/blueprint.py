"""The verification blueprint and the public rate limit shared by every public verification route."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, current_app
from flask_login import current_user

from app.certification.signing import KeyRing, keyring_from_config
from app.database import write_intent
from app.extensions import db, limiter

bp = Blueprint("verify", __name__)


def _public_limit() -> str:
    return current_app.config["PUBLIC_LIMIT"]


# One budget per address over all public verification routes (pages and API), in the limiter's storage
# (Redis in production), so the limit holds across workers and hosts.
public_limit = limiter.shared_limit(_public_limit, scope="public-verify")


def keyring() -> KeyRing:
    """The configured key ring (built once per application)."""
    ring = current_app.extensions.get("jiangcai_keyring")
    if ring is None:
        ring = keyring_from_config(current_app.config["CERT_SIGNING_KEYS"], current_app.config["CERT_VERIFY_ONLY_KEYS"])
        current_app.extensions["jiangcai_keyring"] = ring
    return ring


def requesting_organisation() -> int | None:
    """The organisation of a logged-in checker, for the log; None for the public."""
    return current_user.organisation_id if current_user.is_authenticated else None


@contextmanager
def check_transaction() -> Iterator[None]:
    """Run one check and commit its log row.

    On PostgreSQL the check runs in autocommit mode: a lookup and a log insert need no BEGIN or COMMIT round
    trips, which are most of a check's cost. On SQLite it is one IMMEDIATE transaction (it writes).
    """
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield
        finally:
            db.session.commit()
        return
    with write_intent():
        yield
        db.session.commit()
