"""Login, logout and password change."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.accounts.services import (
    authenticate,
    change_password,
    close_login_session,
    create_api_token,
    list_api_tokens,
    open_login_session,
    revoke_api_token,
)
from app.database import utcnow
from app.extensions import db, limiter
from app.web.access import authenticated, current_actor, login_lifetime, open_to_workers, public
from app.web.actions import attempt, form_status, one_click
from app.web.auth.forms import ApiTokenForm, LoginForm, LogoutForm, PasswordForm, RevokeForm
from app.web.redirects import safe_next

bp = Blueprint("auth", __name__)


def _account_and_address() -> str:
    # Throttle per (account, address): an attacker elsewhere cannot lock the owner out.
    username = (request.form.get("username") or "").strip().lower()[:60]
    return f"login:{username}:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
    key_func=_account_and_address, methods=["POST"], deduct_when=_failed, scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"], deduct_when=_failed, scope="login-address",
)
def login():
    """Show the login form and start a session on success."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, username=form.username.data, password=form.password.data)
        if user is not None:
            open_login_session(db.session, user=user, now=utcnow(), lifetime=login_lifetime())
            db.session.commit()
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")))
        db.session.rollback()
        form.password.errors = [_("Wrong username or password.")]
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
@authenticated
@open_to_workers
def logout():
    """End the login session server-side, so the old cookie stops working."""
    form = LogoutForm()
    if form.validate_on_submit():
        close_login_session(db.session, token=current_user.login_token, now=utcnow())
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@authenticated
@open_to_workers
def password():
    """Change one's own password; every other session of the user ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_actor()
        with attempt(form) as done:
            change_password(
                db.session, actor=user, now=utcnow(), current_password=form.current_password.data,
                new_password=form.new_password.data, lifetime=login_lifetime(),
            )
        if done:
            session.clear()
            login_user(user)
            session.permanent = True
            flash(_("Your password has been changed; other sessions were logged out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), form_status(form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@authenticated
@open_to_workers
def tokens():
    """The user's API tokens; a new token is shown once."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        with attempt(form) as done:
            _row, new_token = create_api_token(
                db.session, actor=current_actor(), now=utcnow(), name=form.name.data, days=form.days.data,
                default_days=current_app.config["API_TOKEN_DAYS"], max_days=current_app.config["API_TOKEN_MAX_DAYS"])
        if done:
            form = ApiTokenForm(formdata=None)
    if form.days.data is None:
        form.days.data = current_app.config["API_TOKEN_DAYS"]
    return render_template("auth/tokens.html", form=form, new_token=new_token, revoke=RevokeForm(), now=utcnow(),
                           tokens=list_api_tokens(db.session, actor=current_actor())), form_status(form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@authenticated
@open_to_workers
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    return one_click(RevokeForm(), revoke_api_token, token_id=token_id, success=_("Token revoked."),
                     then=url_for("auth.tokens"))
