"""Language selection: Simplified Chinese by default, English on request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_babel import get_locale

from app.extensions import babel
from app.web.access import public

bp = Blueprint("i18n", __name__)
COOKIE = "jiangcai_lang"


def select_locale() -> str:
    """The language for this request: explicit cookie choice, else the default (Chinese)."""
    chosen = request.cookies.get(COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.get("/lang/<code>")
@public
def switch(code: str):
    """Remember the chosen language in a cookie and go back."""
    response = redirect(_safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def init_i18n(app: Flask) -> None:
    """Wire Flask-Babel and the language switch."""
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.context_processor
    def _inject_locale() -> dict:
        return {"current_locale": str(get_locale()), "safe_next": _safe_next}
