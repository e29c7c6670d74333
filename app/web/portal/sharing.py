"""Sharing my certificates: links I make, list, watch and withdraw; the text and QR code for a CV."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.catalog.ladder import chinese_level_label
from app.certification.own_records import own_certificates
from app.certification.rendering import qr_png
from app.database import utcnow
from app.extensions import db
from app.verification.own_sharing import (
    create_own_share_link,
    own_share_link,
    own_share_links,
    share_link_views,
    withdraw_own_share_link,
)
from app.verification.sharing import link_state
from app.web.access import current_actor, workers_only
from app.web.actions import attempt, form_status
from app.web.portal.blueprint import bp
from app.web.portal.forms import OwnShareForm, PlainForm
from app.web.portal.records import me


def _share_url(token: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    path = url_for("verify.share", token=token)
    return base.rstrip("/") + path if base else url_for("verify.share", token=token, _external=True)


def _png_data_uri(data: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _share_form(form: OwnShareForm | None = None) -> OwnShareForm:
    form = form or OwnShareForm()
    form.certificate_id.choices = [
        (c.id, f"{c.occupation_name} {chinese_level_label(c.level_digit) if c.level_digit else ''} · {c.number}")
        for c in own_certificates(db.session, person_id=me().id) if c.status == "valid"]
    return form


@bp.route("/shares", methods=["GET", "POST"])
@workers_only
def shares():
    """My share links, and a new one: the address, a QR code and a line for my CV are shown once."""
    form = _share_form()
    if form.validate_on_submit():
        with attempt(form) as done:
            link, token = create_own_share_link(
                db.session, actor=current_actor(), now=utcnow(), certificate_id=form.certificate_id.data,
                days=form.days.data, hide_id_number=form.hide_id_number.data, note=form.note.data)
        if done:
            url = _share_url(token)
            certificate = link.certificate
            profile = _("%(occupation)s %(level)s vocational skill level certificate, No. %(number)s, issued %(date)s "
                        "by %(issuer)s. Check it: %(url)s", occupation=certificate.occupation_name,
                        level=chinese_level_label(certificate.level_digit) if certificate.level_digit else "",
                        number=certificate.number, date=certificate.issue_date.isoformat(),
                        issuer=certificate.issuer_name, url=url)
            return render_template("portal/share_created.html", link=link, url=url, profile=profile,
                                   qr=_png_data_uri(qr_png(url)))
    return render_template("portal/shares.html", form=form, now=utcnow(), link_state=link_state,
                           links=own_share_links(db.session, actor=current_actor())), form_status(form)


@bp.get("/shares/<int:link_id>")
@workers_only
def share(link_id: int):
    """One of my links: its state and every view of it."""
    actor = current_actor()
    link = own_share_link(db.session, actor=actor, link_id=link_id)
    return render_template("portal/share.html", link=link, state=link_state(link, utcnow()), form=PlainForm(),
                           views=share_link_views(db.session, actor=actor, link_id=link.id))


@bp.post("/shares/<int:link_id>/withdraw")
@workers_only
def withdraw_share(link_id: int):
    """Withdraw one of my links; it stops working at once."""
    form = PlainForm()
    if form.validate_on_submit():
        with attempt() as done:
            withdraw_own_share_link(db.session, actor=current_actor(), now=utcnow(), link_id=link_id)
        if done:
            flash(_("Share link withdrawn."), "success")
    return redirect(url_for("portal.share", link_id=link_id))
