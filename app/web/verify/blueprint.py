"""The verification blueprint and the rate limits shared by every public verification route.

Two budgets, both in the limiter's storage (Redis in production) so that they hold across workers and hosts:

- the public's: one per network address over all public verification routes, pages and API (`PUBLIC_LIMIT`);
- a signed-in user's or API token's: one per organisation, shared by all its users and tokens
  (`ORG_VERIFY_LIMIT`), so that an HR office checking candidates one by one is not held to what an anonymous
  address may do. Loading the empty check form costs a signed-in user nothing: only checks count.

Each request is under exactly one of the two (`exempt_when`); who asks is worked out once per request.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from app.certification.signing import KeyRing, keyring_from_config
from app.extensions import limiter
from app.web.access import bearer_organisation, is_logged_in
from app.web.limits import when_limiting

bp = Blueprint("verify", __name__)

PUBLIC_SCOPE = "public-verify"
ORG_SCOPE = "org-verify"
# Pages that check nothing (the empty form): free for a signed-in organisation, under the address limit otherwise.
FORM_ENDPOINTS = frozenset({"verify.check_form"})


def _public_limit() -> str:
    return current_app.config["PUBLIC_LIMIT"]


def _org_limit() -> str:
    return current_app.config["ORG_VERIFY_LIMIT"]


def limiting_organisation() -> int | None:
    """The organisation whose budget this request spends: a signed-in user's on the pages, a valid bearer
    token's on the API; None for the public (and for a token that is not valid, which the view then refuses
    with 401 after the request has been counted against its address)."""
    if "jiangcai_limit_org" not in g:
        organisation_id = None
        if request.blueprint == "api":  # the API knows callers by token only, never by a browser session
            if "Authorization" in request.headers:
                try:
                    organisation_id = bearer_organisation()
                except Unauthorized:
                    organisation_id = None
        elif is_logged_in():
            organisation_id = current_user.organisation_id
        g.jiangcai_limit_org = organisation_id
    return g.jiangcai_limit_org


def _organisation_key() -> str:
    return f"org:{limiting_organisation()}"


def _public_exempt() -> bool:
    return limiting_organisation() is not None


def _org_exempt() -> bool:
    return limiting_organisation() is None or request.endpoint in FORM_ENDPOINTS


_shared_public_limit = limiter.shared_limit(_public_limit, scope=PUBLIC_SCOPE, exempt_when=_public_exempt)
_shared_org_limit = limiter.shared_limit(_org_limit, scope=ORG_SCOPE, key_func=_organisation_key,
                                         exempt_when=_org_exempt)


def public_limit(view: Callable) -> Callable:
    """Put a public verification route under the shared limits: the address's for the public, the
    organisation's for a signed-in user or an API token.

    With rate limiting switched off (RATELIMIT_ENABLED=0, benchmarks only) the view is called directly:
    Flask-Limiter's decorator would otherwise still work out, on every request, that there is nothing to check.
    """
    return when_limiting(view, _shared_org_limit(_shared_public_limit(view)))


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
