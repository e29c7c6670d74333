"""Activating a worker's own account: name + ID number, then the code sent to the phone on record."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.accounts.services import open_login_session
from app.database import utcnow
from app.extensions import db, limiter
from app.people.worker_accounts import activate_account, count_wrong_code, send_activation_code
from app.web.access import login_lifetime, public
from app.web.actions import attempt, form_status
from app.web.portal.blueprint import bp, sms_sender
from app.web.portal.forms import ActivateForm, ActivationCodeForm

PENDING = "jiangcai_activation"  # {person_id, phone} in the signed session between the two steps


def _activation_limit():
    return limiter.limit(lambda: current_app.config["ACTIVATION_LIMIT"], methods=["POST"], scope="activation",
                         deduct_when=lambda response: response.status_code != 302)


@bp.route("/activate", methods=["GET", "POST"])
@public
@_activation_limit()
def activate():
    """Step 1: name and ID number as on record; a code goes to the phone on record."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = ActivateForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            sent = send_activation_code(db.session, now=utcnow(), name=form.name.data, id_type=form.id_type.data,
                                        id_number=form.id_number.data, sms=sms_sender())
        if done:
            session[PENDING] = {"person_id": sent.person_id, "phone": sent.phone_masked}
            return redirect(url_for("portal.activate_code"))
    return render_template("portal/activate.html", form=form), form_status(form)


@bp.route("/activate/code", methods=["GET", "POST"])
@public
@_activation_limit()
def activate_code():
    """Step 2: the code from the text message, a username and a password; then you are logged in."""
    pending = session.get(PENDING)
    if pending is None:
        return redirect(url_for("portal.activate"))
    form = ActivationCodeForm()
    if form.validate_on_submit():
        now = utcnow()
        with attempt(form) as done:
            user = activate_account(db.session, now=now, person_id=pending["person_id"], code=form.code.data,
                                    username=form.username.data, password=form.password.data)
            open_login_session(db.session, user=user, now=now, lifetime=login_lifetime())
        if done:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            session.permanent = True
            flash(_("Your account is active. Welcome!"), "success")
            return redirect(url_for("portal.home"))
        if form.code.errors:
            count_wrong_code(db.session, now=now, person_id=pending["person_id"])
            db.session.commit()
    return render_template("portal/activate_code.html", form=form, phone=pending["phone"]), form_status(form)
