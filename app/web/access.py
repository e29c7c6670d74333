"""Who may use each route: every view declares a rule and one hook enforces it (fail closed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.services import check_api_token, user_for_token
from app.database import reset_write_intent, set_write_intent, utcnow
from app.extensions import db, login_manager
from app.translation import N_, render

PUBLIC = "public"
AUTHENTICATED = "authenticated"
# Endpoints registered by Flask and extensions, which serve only static files.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def public(view: Callable) -> Callable:
    """Anyone may use this route, logged in or not."""
    view.access_rule = (PUBLIC, frozenset())
    return view


def authenticated(view: Callable) -> Callable:
    """Any logged-in user may use this route; data scoping happens in the service."""
    view.access_rule = (AUTHENTICATED, frozenset())
    return view


def roles(*allowed: str) -> Callable[[Callable], Callable]:
    """Only users holding one of these roles may use this route."""

    def decorate(view: Callable) -> Callable:
        view.access_rule = ("roles", frozenset(allowed))
        return view

    return decorate


def open_to_workers(view: Callable) -> Callable:
    """A worker's own account may use this route too (every other route refuses it: fail closed)."""
    view.worker_ok = True
    return view


def workers_only(view: Callable) -> Callable:
    """Only a worker's own account may use this route (the worker's side, app/web/portal)."""
    return open_to_workers(roles(Role.WORKER)(view))


def access_rule_for(app: Flask, endpoint: str) -> tuple[str, frozenset[str]] | None:
    """The declared rule of an endpoint, or None if it has none."""
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return (PUBLIC, frozenset())
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def current_actor() -> User:
    """The logged-in user as a domain object, for passing to services as `actor`."""
    return current_user._get_current_object()


def is_logged_in() -> bool:
    """`current_user.is_authenticated`, without loading anyone when the request cannot carry a login.

    Logins live only in the session (no remember-me cookie, and bearer tokens are read only on non-public
    API routes, which set ``g._login_user``), so a session without ``_user_id`` is anonymous. Public pages
    ask this on every QR scan; Flask-Login's loader would hash the address and user agent each time.
    """
    if "_login_user" not in g and "_user_id" not in session:
        return False
    return current_user.is_authenticated


def login_lifetime() -> timedelta:
    """How long a login session lives."""
    return timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])


def _enforce() -> object | None:
    g.write_intent_token = set_write_intent(request.method not in ("GET", "HEAD", "OPTIONS"))
    if request.endpoint is None:
        return None  # 404 / 405 are produced by Flask itself
    rule = access_rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule; refusing", request.endpoint)
        abort(403)
    kind, allowed = rule
    if kind == PUBLIC:
        return None
    if request.blueprint == "api":
        _authenticate_api_request()
    if not current_user.is_authenticated:
        if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    if kind == "roles" and not current_user.has_role(*allowed):
        abort(403)
    if current_user.has_role(Role.WORKER) and not getattr(current_app.view_functions[request.endpoint], "worker_ok",
                                                          False):
        abort(403)  # a worker's account sees only its own pages, never a staff page that scopes by organisation
    return None


def _authenticate_api_request() -> None:
    # The API authenticates by bearer token only, never by the browser session, so it needs no CSRF token.
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer":
        check = check_api_token(db.session, token=token.strip(), now=utcnow())
        user, refusal = check.user, check.refusal
    else:
        user, refusal = None, N_("Send an API token: Authorization: Bearer <token>.")
    if user is None:
        refused = Unauthorized(www_authenticate=WWWAuthenticate("bearer", {"realm": "jiangcai"}))
        refused.detail = render(refusal, gettext)  # shown in the JSON body (see app/web/security.py)
        raise refused
    g._login_user = user  # Flask-Login's slot for current_user


def bearer_organisation() -> int | None:
    """On a public API route: the organisation behind the request's bearer token, None without one.

    Public routes need no token, but a caller that sends one is identified (for the verification log) and a
    token that is not valid is refused with 401, as on every other API route. The token is looked up once per
    request (the verification rate limit asks before the view does); a refused one is asked about again, so the
    view still answers 401.
    """
    if "Authorization" not in request.headers:
        return None
    if "jiangcai_bearer_checked" not in g:
        _authenticate_api_request()
        g.jiangcai_bearer_checked = True
    return g._login_user.organisation_id


def _load_user(token: str) -> User | None:
    return user_for_token(db.session, token=token, now=utcnow())


def init_access(app: Flask) -> None:
    """Install the login loader and the access hook."""
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    app.before_request(_enforce)

    @app.teardown_request
    def _end_write_intent(_exc) -> None:
        token = g.pop("write_intent_token", None)
        if token is not None:
            reset_write_intent(token)

    @app.context_processor
    def _inject_access() -> dict:
        # The proxy, not Flask-Login's processor, which loads the user for every template, even on public
        # pages that never look at it.
        return {"current_user": current_user,
                "user_has_role": lambda *r: current_user.is_authenticated and current_user.has_role(*r)}

