"""Public verification pages: check by number and name, QR landing page, share-link page, printable PDF."""

from __future__ import annotations

import io

from flask import abort, make_response, render_template, request, send_file, url_for

from app.database import utcnow
from app.extensions import db
from app.verification.checks import FOUND, LEGACY, MALFORMED, CheckOutcome, check_number, check_token
from app.verification.fastpath import check_transaction
from app.verification.printing import result_pdf
from app.verification.sharing import open_share_link
from app.web.access import public
from app.web.templating import datetime_local
from app.web.verify.blueprint import bp, keyring, public_limit, requesting_organisation
from app.web.verify.chrome import render_public
from app.web.verify.forms import CheckForm

SITE_NAME = "匠才"


def _page(outcome: CheckOutcome, *, channel: str, pdf_url: str | None = None, form: CheckForm | None = None):
    """The verdict page: a found certificate (200, linking `pdf_url`; a QR mismatch shows the registered record),
    a legacy number (200), a malformed number (400, the expected format) or the one answer every miss gets (404)."""
    if outcome.result == FOUND:
        body = render_public("verify/result.html", outcome=outcome, facts=outcome.facts, channel=channel,
                             pdf_url=pdf_url, form=form,
                             checked_at=datetime_local(outcome.checked_at, "%Y-%m-%d %H:%M:%S"))
        status = 200
    elif outcome.result == LEGACY:
        body, status = render_public("verify/legacy.html", outcome=outcome), 200
    else:
        verdict = outcome.verdict
        body, status = render_public("verify/miss.html", verdict=verdict), 400 if verdict == MALFORMED else 404
    response = make_response(body, status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _pdf(outcome: CheckOutcome, channel: str):
    if outcome.result != FOUND:
        return _page(outcome, channel=channel)
    data = result_pdf(outcome, channel=channel, site=SITE_NAME)
    stamp = outcome.checked_at.strftime("%Y%m%d%H%M%S")
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"verification-{outcome.facts.number}-{stamp}.pdf", max_age=0)


def _query() -> dict[str, list[str]]:
    return request.args.to_dict(flat=False)


@bp.get("/verify")
@public
@public_limit
def check_form():
    """The public check form."""
    return render_template("verify/check.html", form=CheckForm(formdata=None))


def _checked(form: CheckForm) -> CheckOutcome:
    with check_transaction(db.engine, db.session) as checks:
        return check_number(checks, number=form.number.data, name=form.name.data, now=utcnow(),
                            channel="public", organisation_id=requesting_organisation())


@bp.post("/verify", endpoint="check", defaults={"pdf": False})
@bp.post("/verify/pdf", endpoint="check_pdf", defaults={"pdf": True})
@public
@public_limit
def check(pdf: bool):
    """Check a number and name; only a match shows the certificate, on the page or as a one-page PDF."""
    form = CheckForm()
    if not form.validate_on_submit():
        if pdf:
            abort(400)
        return render_template("verify/check.html", form=form), 400
    outcome = _checked(form)
    return _pdf(outcome, "public") if pdf else _page(outcome, channel="public", form=form)


def _token_outcome(token: str) -> CheckOutcome:
    with check_transaction(db.engine, db.session) as checks:
        return check_token(checks, token=token, query=_query(), keyring=keyring(), now=utcnow(),
                           channel="qr", organisation_id=requesting_organisation())


@bp.get("/v/<token>")
@public
@public_limit
def qr(token: str):
    """The page a certificate's QR code opens: the certificate and whether the QR signature verifies."""
    query = request.query_string.decode("ascii", "replace")  # the PDF checks the same signed query again
    pdf_url = url_for("verify.qr_pdf", token=token) + (f"?{query}" if query else "")
    return _page(_token_outcome(token), channel="qr", pdf_url=pdf_url)


@bp.get("/v/<token>/pdf")
@public
@public_limit
def qr_pdf(token: str):
    """The QR check as a printable PDF."""
    return _pdf(_token_outcome(token), "qr")


def _share_outcome(token: str) -> CheckOutcome:
    with check_transaction(db.engine, db.session, direct=False) as session:
        return open_share_link(session, token=token, now=utcnow())


@bp.get("/s/<token>")
@public
@public_limit
def share(token: str):
    """A share link's page; every view is counted."""
    return _page(_share_outcome(token), channel="share", pdf_url=url_for("verify.share_pdf", token=token))


@bp.get("/s/<token>/pdf")
@public
@public_limit
def share_pdf(token: str):
    """A share link's result as a printable PDF."""
    return _pdf(_share_outcome(token), "share")
