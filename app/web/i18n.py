"""Language selection: Simplified Chinese by default, English on request."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, request
from flask_babel import get_locale

from app.extensions import babel
from app.web.access import public
from app.web.redirects import safe_next

bp = Blueprint("i18n", __name__)
COOKIE = "jiangcai_lang"


def select_locale() -> str:
    """The language for this request: explicit cookie choice, else the default (Chinese)."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    if request.path.startswith("/api/"):  # API clients choose with Accept-Language; browsers use the switch
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/lang/<code>")
@public
def switch(code: str):
    """Remember the chosen language in a cookie and go back."""
    response = redirect(safe_next(request.args.get("next")))
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
        return {"current_locale": str(get_locale()), "safe_next": safe_next}
