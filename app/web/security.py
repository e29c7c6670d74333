"""Security headers on every response and error pages without tracebacks."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
    title = str(ERROR_TITLES.get(code, _l("Error")))
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return jsonify({"error": title, "detail": detail, "status": code}), code
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def _too_large() -> str:
    """What a refused oversized upload may be instead (the request never reached its form)."""
    return _("Files of at most %(limit)s MB can be uploaded; make the file smaller or split it, and upload it "
             "again.", limit=current_app.config["MAX_UPLOAD_MB"])


def init_security(app: Flask) -> None:
    """Register response headers and error handlers."""
    app.after_request(_headers)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, _("The form expired or was not sent from this site; please try again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        body, code = render_error(error.code or 500, _too_large() if error.code == 413 else None)
        response = app.make_response((body, code))
        # Keep headers the exception carries (Retry-After on 429, Allow on 405, WWW-Authenticate).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Logged with its traceback for operators; the user sees a plain page.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
