"""The verification blueprint and the public rate limit shared by every public verification route."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from flask import Blueprint, current_app
from flask_login import current_user

from app.certification.signing import KeyRing, keyring_from_config
from app.database import write_intent
from app.extensions import db, limiter
from app.verification.checks import Checks
from app.verification.direct import direct_connection
from app.web.access import is_logged_in

bp = Blueprint("verify", __name__)


def _public_limit() -> str:
    return current_app.config["PUBLIC_LIMIT"]


# One budget per address over all public verification routes (pages and API), in the limiter's storage
# (Redis in production), so the limit holds across workers and hosts.
_shared_public_limit = limiter.shared_limit(_public_limit, scope="public-verify")


def public_limit(view: Callable) -> Callable:
    """Put a public verification route under the shared per-address limit.

    With rate limiting switched off (RATELIMIT_ENABLED=0, benchmarks only) the view is called directly:
    Flask-Limiter's decorator would otherwise still work out, on every request, that there is nothing to check.
    """
    limited = _shared_public_limit(view)

    @wraps(view)
    def dispatch(*args, **kwargs):
        if current_app.config["RATELIMIT_ENABLED"]:
            return limited(*args, **kwargs)
        return view(*args, **kwargs)

    return dispatch


def keyring() -> KeyRing:
    """The configured key ring (built once per application)."""
    ring = current_app.extensions.get("jiangcai_keyring")
    if ring is None:
        ring = keyring_from_config(current_app.config["CERT_SIGNING_KEYS"], current_app.config["CERT_VERIFY_ONLY_KEYS"])
        current_app.extensions["jiangcai_keyring"] = ring
    return ring


def requesting_organisation() -> int | None:
    """The organisation of a logged-in checker, for the log; None for the public."""
    return current_user.organisation_id if is_logged_in() else None


@contextmanager
def check_transaction(*, direct: bool = True) -> Iterator[Checks]:
    """Where one check runs and commits its log row: yields what to pass to `check_number` / `check_token`.

    On PostgreSQL a check is one statement, run straight on a connection of its own in autocommit mode (no BEGIN
    or COMMIT round trips, no ORM session bookkeeping; see `app.verification.direct`). Share-link checks
    (``direct=False``) need the ORM and run in the session, still in autocommit mode. When the request's
    session already holds a transaction, or on SQLite, the check runs in the session (on SQLite as one
    IMMEDIATE transaction, since it writes) and is committed here.
    """
    # registry.has(): a public check should not even create the request's session when nothing else did.
    if db.engine.dialect.name == "postgresql" and not (db.session.registry.has() and db.session().in_transaction()):
        if direct:
            with direct_connection(db.engine) as connection:
                yield connection
            return
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield db.session
        finally:
            db.session.commit()
        return
    with write_intent():
        yield db.session
        db.session.commit()
