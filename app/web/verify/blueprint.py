"""The verification blueprint and the public rate limit shared by every public verification route."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app
from flask_login import current_user

from app.certification.signing import KeyRing, keyring_from_config
from app.extensions import limiter
from app.web.access import is_logged_in
from app.web.limits import when_limiting

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
    return when_limiting(view, _shared_public_limit(view))


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
