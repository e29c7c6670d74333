"""Verification for logged-in users: bulk checks, share links, national-check records, check statistics."""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.database import utcnow
from app.extensions import db
from app.verification.bulk import MAX_ROWS, check_workbook, template
from app.verification.models import CHANNEL_LABELS, CHANNELS, NATIONAL_RESULT_LABELS
from app.verification.national import (
    NATIONAL_SITE,
    get_national_check,
    list_national_checks,
    record_national_check,
)
from app.verification.sharing import (
    SHARE_ROLES,
    create_share_link,
    link_state,
    list_share_links,
    withdraw_share_link,
)
from app.verification.statistics import check_counts
from app.web.access import current_actor, roles
from app.web.actions import attempt, localize, render_form, submit
from app.web.downloads import XLSX, send_workbook, stash_download, storage_dir, stored_file
from app.web.redirects import safe_next
from app.web.verify.blueprint import bp
from app.web.verify.forms import BulkForm, NationalCheckForm, ShareForm, WithdrawForm

BULK_ROLES = (Role.ENTERPRISE_HR, Role.ADMIN)
STATS_ROLES = (Role.ADMIN, Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF)


@bp.route("/verify/bulk", methods=["GET", "POST"])
@roles(*BULK_ROLES)
def bulk():
    """Upload a sheet of (certificate number, name); get it back with a status column."""
    form = BulkForm()
    result, download = None, None
    if form.validate_on_submit():
        upload = form.file.data
        with attempt(form) as done:
            result = check_workbook(db.session, data=upload.read(), filename=upload.filename or "", now=utcnow(),
                                    organisation_id=current_actor().organisation_id, translate=localize)
        if done:
            stem = Path(upload.filename or "sheet").stem[:60]
            download = stash_download(result.workbook, _("%(name)s-verification-results.xlsx", name=stem), XLSX)
    return render_form("verify/bulk.html", form, result=result, download=download, max_rows=MAX_ROWS)


@bp.get("/verify/bulk/template.xlsx")
@roles(*BULK_ROLES)
def bulk_template():
    """The bulk-check sheet: certificate number (formatted as text) and holder's name."""
    return send_workbook(template(_), _("verification-template.xlsx"))


def _back() -> str:
    return safe_next(request.referrer, url_for("certificates.index"))


@bp.post("/verify/shares")
@roles(*SHARE_ROLES)
def create_share():
    """Create a share link; its address is shown once (only a hash is kept)."""
    form = ShareForm()
    if not form.validate_on_submit():
        flash(_("The share link needs a validity of 1 to 90 days."), "danger")
        return redirect(_back())
    with attempt() as done:
        link, token = create_share_link(db.session, actor=current_actor(), now=utcnow(),
                                        certificate_id=form.certificate_id.data, days=form.days.data,
                                        note=form.note.data)
    if not done:
        return redirect(_back())
    url = url_for("verify.share", token=token, _external=True)
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        url = base.rstrip("/") + url_for("verify.share", token=token)
    return render_template("verify/share_created.html", link=link, url=url)


@bp.post("/verify/shares/<int:link_id>/withdraw")
@roles(*SHARE_ROLES)
def withdraw_share(link_id: int):
    """Withdraw a share link at once."""
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        certificate_id = withdraw_share_link(db.session, actor=current_actor(), now=utcnow(),
                                             link_id=link_id).certificate_id
    if not done:
        return redirect(_back())
    flash(_("Share link withdrawn."), "success")
    return redirect(url_for("certificates.show", certificate_id=certificate_id))


@bp.app_template_global("share_panel")
def share_panel(certificate_id: int) -> dict | None:
    """What the certificate page's share card needs, or None when the user may not share."""
    actor = current_actor()
    if not actor.is_authenticated or not actor.has_role(*SHARE_ROLES):
        return None
    now = utcnow()
    links = [(link, link_state(link, now)) for link in list_share_links(db.session, actor=actor,
                                                                          certificate_id=certificate_id)]
    return {"form": ShareForm(formdata=None, certificate_id=certificate_id,
                              days=current_app.config["SHARE_LINK_DEFAULT_DAYS"]),
            "withdraw_form": WithdrawForm(formdata=None), "links": links}


@bp.route("/verify/national", methods=["GET", "POST"])
@roles(*BULK_ROLES)
def national():
    """Record checks made on the national query site, with a screenshot; list earlier ones."""
    form = NationalCheckForm()
    return submit(form, lambda: record_national_check(
        db.session, actor=current_actor(), now=utcnow(), number=form.number.data, name=form.name.data,
        checked_on=form.checked_on.data, result=form.result.data, screenshot=form.screenshot.data.read(),
        storage_dir=storage_dir(), note=form.note.data,
    ), success=_("The national check was recorded."), then=url_for("verify.national")) \
        or render_form("verify/national.html", form, site=NATIONAL_SITE, labels=NATIONAL_RESULT_LABELS,
                       checks=list_national_checks(db.session, actor=current_actor()))


@bp.get("/verify/national/<int:check_id>/screenshot")
@roles(*BULK_ROLES)
def national_screenshot(check_id: int):
    """The screenshot kept as evidence of a national check."""
    record = get_national_check(db.session, actor=current_actor(), check_id=check_id)
    path = stored_file(record.screenshot_path)
    mimetype = "image/png" if path.suffix == ".png" else "image/jpeg"
    return send_file(io.BytesIO(path.read_bytes()), mimetype=mimetype, max_age=0)


@bp.get("/verify/stats")
@roles(*STATS_ROLES)
def stats():
    """How often the organisation's certificates were checked, by channel."""
    totals, rows = check_counts(db.session, actor=current_actor())
    return render_template("verify/stats.html", totals=totals, rows=rows, channels=CHANNELS, labels=CHANNEL_LABELS)
