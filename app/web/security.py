"""Security headers on every response and error pages without tracebacks."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask_babel import format_date, format_time, format_timedelta, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from app.web.access import is_logged_in
from app.web.limits import Breach, breach
from app.web.verify.blueprint import ORG_SCOPE, PUBLIC_SCOPE
from app.web.verify.manage import BULK_ROLES

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint not in ("static", "bootstrap.static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


ERROR_TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("You do not have permission to view this page"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Someone else changed this meanwhile; reload and try again"),
    413: _l("The upload is too large"),
    422: _l("This cannot be done"),
    429: _l("Too many requests, please try again later"),
    500: _l("Something went wrong on our side"),
}


def render_error(code: int, detail: str | None = None):
    """The error page in the app's layout (JSON under /api); it never fails itself (see _fallback_page)."""
    try:
        title = str(ERROR_TITLES.get(code, _l("Error")))
    except Exception:  # no translations to be had: the page still answers
        title = "Error"
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return jsonify({"error": title, "detail": detail, "status": code}), code
    try:
        return render_template("errors/error.html", code=code, title=title, detail=detail), code
    except Exception:
        log.exception("the error page for %s failed; answering with the plain layout", code)
        return _fallback_page(code, title, detail), code


def _fallback_page(code: int, title: str, detail: str | None) -> str:
    """The error page without the signed-in user's menu: what failed may be the user's own record (a
    detached or expired ORM object after a rollback), so the layout is drawn as for a visitor."""
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the database itself may be what failed
        log.warning("rollback before the fallback error page failed", exc_info=True)
    try:
        return render_template("errors/error.html", code=code, title=title, detail=detail,
                               current_user=AnonymousUserMixin())
    except Exception:
        log.exception("the fallback error page failed too; answering with plain HTML")
        home = escape(current_app.config.get("APPLICATION_ROOT") or "/")
        return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{code}</title></head>'
                f'<body><main><h1>{code}</h1><p>{escape(title)}</p><p><a href="{home}">Jiangcai</a></p>'
                "</main></body></html>")


def _too_large() -> str:
    """What a refused oversized upload may be instead (the request never reached its form)."""
    return _("Files of at most %(limit)s MB can be uploaded; make the file smaller or split it, and upload it "
             "again.", limit=current_app.config["MAX_UPLOAD_MB"])


def wait_words(seconds: int) -> str:
    """A wait in the request's language: "25 seconds", "3 minutes" / "25秒", "3分钟"."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.5)


def breach_words(breach: Breach) -> dict[str, str]:
    """The limit a request ran into and when to try again, in the request's language."""
    words = {"retry": _("Please try again at %(time)s (in about %(wait)s).", time=_local_moment(breach),
                        wait=wait_words(breach.retry_after))}
    if breach.amount and breach.window_seconds:
        per = {"count": breach.amount, "window": format_timedelta(timedelta(seconds=breach.window_seconds))}
        if breach.scope == PUBLIC_SCOPE:
            words["limit"] = _("Checks from one network address are limited to %(count)s per %(window)s.", **per)
        elif breach.scope == ORG_SCOPE:
            words["limit"] = _("Checks by your organisation are limited to %(count)s per %(window)s, shared by all "
                               "its users and API tokens.", **per)
    return words


def rate_limit_message(words: dict[str, str]) -> str:
    """The whole refusal in one line (API bodies)."""
    return " ".join([words.get("limit") or str(ERROR_TITLES[429]), words["retry"]])


def _local_moment(breach: Breach) -> str:
    local = to_user_timezone(breach.reset_at)
    today = to_user_timezone(breach.reset_at - timedelta(seconds=breach.retry_after)).date()
    clock = format_time(local, "HH:mm:ss")
    return clock if local.date() == today else f"{format_date(local, 'yyyy-MM-dd')} {clock}"


def _bulk_link() -> str | None:
    """On the verification pages: bulk checking, for those who may use it or may sign in to it."""
    if request.blueprint != "verify":
        return None
    if is_logged_in() and not current_user.has_role(*BULK_ROLES):
        return None
    return url_for("verify.bulk")


def _rate_limited(_error: RateLimitExceeded):
    """429: which limit, when to try again (page and Retry-After header) and, on the verification pages, the
    way to check many certificates at once."""
    found = breach()
    words = breach_words(found)
    if request.blueprint == "api" or request.path.startswith("/api/"):  # the API's own handler answers its routes
        body = jsonify({"error": rate_limit_message(words), "code": "rate_limited", "field": None,
                        "retry_after": found.retry_after, "status": 429})
    else:
        title = str(ERROR_TITLES[429])
        try:
            body = render_template("errors/429.html", code=429, title=title, words=words, bulk_url=_bulk_link(),
                                   signed_in=is_logged_in())
        except Exception:
            log.exception("the rate-limit page failed; answering with the plain error page")
            body = _fallback_page(429, title, words["retry"])
    response = current_app.make_response((body, 429))
    response.headers["Retry-After"] = str(found.retry_after)
    return response


def init_security(app: Flask) -> None:
    """Register response headers and error handlers."""
    app.after_request(_headers)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, _("The form expired or was not sent from this site; please try again."))

    app.register_error_handler(RateLimitExceeded, _rate_limited)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        body, code = render_error(error.code or 500, _too_large() if error.code == 413 else getattr(error, "detail", None))
        response = app.make_response((body, code))
        # Keep headers the exception carries (Retry-After on 429, Allow on 405, WWW-Authenticate).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Logged with its traceback for operators; the user sees a plain page. The transaction is ended first:
        # the page must not read through a session the failure left broken.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        try:
            from app.extensions import db

            db.session.rollback()
        except Exception:
            app.logger.warning("rollback after an unhandled error failed", exc_info=True)
        return render_error(500)
