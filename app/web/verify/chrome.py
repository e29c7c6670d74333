"""The frame and the words of the public verification result pages, worked out once per language.

The web half of the verification fast path (the figures that justify it are in `app.verification.fastpath`).
A QR scan is the busiest page of the application. Its frame (stylesheets, brand, language switch, footer)
and its labels (certificate kinds included) do not change between requests, so they are translated and their
URLs built once per language and application instead of through ~25 gettext and url_for calls per page.
Anonymous visitors get a lean frame without the logged-in navigation; logged-in users keep the full one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.certification.models import KIND_LABELS, STATUS_LABELS
from app.extensions import bootstrap
from app.verification.checks import (
    ISSUER_LABELS,
    NUMBER_FORMAT_HINT,
    VERDICT_HEADLINES,
    VERDICT_SIGNS,
    VERDICT_WORDS,
)
from app.web.access import is_logged_in
from app.web.actions import localize

LEAN_BASE = "verify/_public_base.html"
FULL_BASE = "base.html"

LABELS = {
    "title": _l("Verification result"),
    "replaced_by": _l("Replaced by the corrected certificate"),
    "revocation": _l("Revoked on %(d)s. Reason: %(r)s"),
    "signature_valid": _l("The QR code's digital signature verifies and matches this certificate."),
    "signature_invalid": _l("The QR code's signed data does not verify or does not match the register. The record "
                            "below is what the register holds for this certificate's code: compare it with the "
                            "paper, but do not accept the paper."),
    "record": _l("Registered record"),
    "record_compare": _l("Registered record (for comparison only; the paper certificate does not match it)"),
    "status": _l("Status in the register"),
    "signature_absent": _l("The link carried no QR signature; the certificate was found by its token only."),
    "certificate": _l("Certificate"),
    "number": _l("Certificate number"),
    "holder": _l("Holder"),
    "id_number": _l("ID number"),
    "occupation": _l("Occupation"),
    "variant": _l("Sub-trade / direction"),
    "level": _l("Level"),
    "issue_date": _l("Issue date"),
    "checked_at": _l("Checked at"),
    "print": _l("Print / save as PDF"),
    "check_another": _l("Check another certificate"),
    "no_match": _l("No matching certificate."),
    "no_match_detail": _l("No certificate issued here matches these details. Check the number and the name as "
                          "printed on the certificate, or the link you were given."),
    "not_issued_here": _l("Not issued here."),
    "legacy_detail": _l("This is a 16-digit vocational qualification certificate number from before 2020. Such "
                        "certificates were not issued through this system; check it on the national query site "
                        "jndj.osta.org.cn with the holder's name and ID number."),
    # the lean frame
    "site": _l("Jiangcai skills tracker"),
    "tagline": _l("Skills tracker"),
    "footer": _l("Jiangcai · Liaoning skills training, assessment, certification and placement"),
}


def _build(locale: str) -> dict:
    # Translations are our own catalogue, trusted like the `_()` of a template (which marks them safe too).
    words = {key: Markup(str(text)) for key, text in LABELS.items()}
    words["kinds"] = {kind: Markup(localize(label)) for kind, label in KIND_LABELS.items()}
    words["issuers"] = {kind: Markup(localize(label)) for kind, label in ISSUER_LABELS.items()}
    words["statuses"] = {status: Markup(localize(label)) for status, label in STATUS_LABELS.items()}
    words["verdicts"] = {verdict: Markup(localize(word)) for verdict, word in VERDICT_WORDS.items()}
    words["headlines"] = {verdict: Markup(localize(text)) for verdict, text in VERDICT_HEADLINES.items()}
    words["number_format"] = Markup(localize(NUMBER_FORMAT_HINT))
    words["signs"] = VERDICT_SIGNS
    english = locale.startswith("en")
    other = "zh" if english else "en"
    css = Markup("\n  ").join([bootstrap.load_css(),
                               Markup('<link rel="stylesheet" href="{}">').format(
                                   url_for("static", filename="css/app.css"))])
    frame = {
        "lang": "en" if english else "zh-CN",
        "css": css,
        "js": bootstrap.load_js(),
        "home": url_for("home.index"),
        "switch": url_for("i18n.switch", code=other),
        "switch_label": "中文" if english else "English",
        "check": url_for("verify.check_form"),
        "verify_css": Markup('<link rel="stylesheet" href="{}">').format(url_for("static", filename="css/verify.css")),
    }
    return {"words": words, "frame": frame}


def page_chrome() -> dict:
    """The translated words and the frame of the public result pages for the current language."""
    locale = str(get_locale())
    cache = current_app.extensions.setdefault("jiangcai_verify_chrome", {})
    key = (locale, request.script_root)
    chrome = cache.get(key)
    if chrome is None:
        chrome = cache[key] = _build(locale)
    return chrome


def render_public(template: str, **context) -> str:
    """Render a public verification page in the lean frame (anonymous) or the full one (logged in).

    The lean frame and the result templates use only their own variables and the environment's globals
    (``_``, ``url_for``, ``csrf_token``, ``get_flashed_messages``), so anonymous pages skip Flask's context
    processors, which work out the locale, labels and user for templates that never show them.
    """
    chrome = page_chrome()
    if is_logged_in():
        return render_template(template, t=chrome["words"], frame=chrome["frame"], base=FULL_BASE, switch_url=None,
                               **context)
    switch_url = chrome["frame"]["switch"] + "?" + urlencode({"next": request.full_path})
    return current_app.jinja_env.get_template(template).render(
        t=chrome["words"], frame=chrome["frame"], base=LEAN_BASE, switch_url=switch_url, **context)
