"""The base of every web form: Flask-WTF's form with WTForms' own messages translated from a per-process cache.

Flask-WTF loads WTForms' message catalogue from disk once per request that builds a form (about a
millisecond; see bench/sign_in.py); the catalogue never changes while the process runs, so it is loaded once
per language here.
"""

from __future__ import annotations

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

_catalogues: dict[str, support.Translations] = {}


def _catalogue() -> support.Translations | None:
    if not has_request_context() or "babel" not in current_app.extensions:
        return None
    locale = get_locale()
    key = str(locale)
    found = _catalogues.get(key)
    if found is None:
        found = _catalogues[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return found


class _CachedTranslations:
    """WTForms' translations interface over the cached catalogue of the request's language."""

    def gettext(self, string: str) -> str:
        catalogue = _catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = _catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


_translations = _CachedTranslations()


class Form(FlaskForm):
    """Every form of the web edge derives from this one."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _translations
