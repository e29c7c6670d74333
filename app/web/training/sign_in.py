"""Trainee self sign-in: the QR page staff show in the classroom, its live count, and the phone's page.

The phone's pages are public (nobody logs in on a trainee's phone) and rate-limited per address; the QR page,
its image and its count are for the staff of the institution that runs the class.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.roles import Role
from app.certification.rendering import qr_png
from app.clock import LOCAL_ZONE
from app.database import utcnow
from app.extensions import db, limiter
from app.training.own_sign_in import sign_in_own
from app.training.sign_in import (
    current_token,
    derive_key,
    open_sign_in,
    public_session,
    seconds_to_next_code,
    sign_in_count,
    sign_in_session,
    sign_in_trainee,
    sign_in_window,
    window_state,
)
from app.web.access import current_actor, is_logged_in, public, roles
from app.web.actions import attempt, render_form, submit
from app.web.limits import when_limiting
from app.web.training.sign_in_forms import AccountSignInForm, SignInForm

bp = Blueprint("sign_in", __name__)
REFUSED = 422

# One budget per address for every sign-in request, and a smaller one for refused sign-ins (guessing a last
# four); a classroom's phones often share one address, hence the generous first figure.
_all_requests = limiter.shared_limit(lambda: current_app.config["SIGN_IN_LIMIT"], scope="self-sign-in")
_refusals = limiter.shared_limit(lambda: current_app.config["SIGN_IN_REFUSED_LIMIT"], scope="self-sign-in-refused",
                                 deduct_when=lambda response: response.status_code == REFUSED)


def sign_in_limit(view: Callable) -> Callable:
    """Put a public sign-in route under the per-address limits (skipped when rate limiting is off)."""
    return when_limiting(view, _all_requests(_refusals(view)))


def sign_in_key() -> bytes:
    """The key the session codes and form passes are made with (derived from SECRET_KEY once)."""
    key = current_app.extensions.get("jiangcai_sign_in_key")
    if key is None:
        key = current_app.extensions["jiangcai_sign_in_key"] = derive_key(current_app.config["SECRET_KEY"])
    return key


def scan_url(session_id: int) -> str:
    """The address the QR code holds right now (absolute: it is opened on a phone)."""
    path = url_for("sign_in.sign_in", session_id=session_id, token=current_token(sign_in_key(), session_id, utcnow()))
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


@bp.get("/classes/sessions/<int:session_id>/sign-in")
@roles(Role.INSTITUTION_STAFF)
def qr_page(session_id: int):
    """The code to show in the classroom, changing every 30 seconds, with the count of who signed in."""
    row = sign_in_session(db.session, actor=current_actor(), session_id=session_id)
    now = utcnow()
    opens, closes = sign_in_window(row)
    return render_template("training/sign_in_qr.html", session_row=row, state=window_state(row, now), opens=opens,
                           closes=closes, count=sign_in_count(db.session, actor=current_actor(), session_id=row.id),
                           next_in=seconds_to_next_code(now), scan_url=scan_url(row.id))


@bp.get("/classes/sessions/<int:session_id>/sign-in/qr.png")
@roles(Role.INSTITUTION_STAFF)
def qr_image(session_id: int):
    """The current code as a PNG (one pixel per module; the page scales it up sharply)."""
    row = sign_in_session(db.session, actor=current_actor(), session_id=session_id)
    if window_state(row, utcnow()) != "open":
        return Response(status=404)
    return Response(qr_png(scan_url(row.id)), mimetype="image/png")


@bp.get("/classes/sessions/<int:session_id>/sign-in/count")
@roles(Role.INSTITUTION_STAFF)
def count(session_id: int):
    """The live figure for the QR page: signed in, expected, the window's state, seconds to the next code."""
    row = sign_in_session(db.session, actor=current_actor(), session_id=session_id)
    now = utcnow()
    figure = sign_in_count(db.session, actor=current_actor(), session_id=row.id)
    return jsonify(signed=figure.signed, expected=figure.expected, state=window_state(row, now),
                   next_in=seconds_to_next_code(now))


@bp.route("/sign-in/<int:session_id>/<token>", methods=["GET", "POST"])
@public
@sign_in_limit
def sign_in(session_id: int, token: str):
    """The page a scan opens on the trainee's phone: name and the ID number's last four, then confirm; a trainee
    signed in to their own account only confirms (the account's person signs in)."""
    own = is_logged_in() and current_user.has_role(Role.WORKER)
    form = AccountSignInForm() if own else SignInForm()
    if not form.is_submitted():
        with attempt(commit=False) as opened:  # a read: nothing to commit, nothing to expire
            row, form_pass = open_sign_in(db.session, now=utcnow(), key=sign_in_key(), session_id=session_id,
                                          token=token)
        if not opened:
            return render_template("training/sign_in.html", session_row=public_session(db.session, session_id),
                                   form=None), REFUSED
        form.form_pass.data = form_pass
        return render_template("training/sign_in.html", session_row=row, form=form)
    if own:
        return submit(form, lambda: sign_in_own(
            db.session, actor=current_actor(), now=utcnow(), key=sign_in_key(), session_id=session_id,
            form_pass=form.form_pass.data),
            success=signed_in_message, then=url_for("sign_in.done", session_id=session_id)) \
            or render_form("training/sign_in.html", form, session_row=public_session(db.session, session_id))
    return submit(form, lambda: sign_in_trainee(
        db.session, now=utcnow(), key=sign_in_key(), session_id=session_id, form_pass=form.form_pass.data,
        name=form.name.data, id_last4=form.id_last4.data),
        success=signed_in_message, then=url_for("sign_in.done", session_id=session_id)) \
        or render_form("training/sign_in.html", form, session_row=public_session(db.session, session_id))


def signed_in_message(result) -> str:
    """What a trainee is told after signing in: who, when, and whether it was a repeat."""
    when = result.at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    if result.already:
        return _("Already signed in · %(name)s · %(when)s", name=result.name, when=when)
    return _("Signed in · %(name)s · %(when)s", name=result.name, when=when)


@bp.get("/sign-in/<int:session_id>/done")
@public
@sign_in_limit
def done(session_id: int):
    """Where a sign-in lands: the flashed result and the session it was for."""
    return render_template("training/sign_in.html", session_row=public_session(db.session, session_id), form=None)
