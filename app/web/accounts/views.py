"""Administrator screens: organisations, filings, users and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.accounts.services import (
    create_organisation,
    create_user,
    get_organisation,
    list_organisations,
    list_users,
    parse_scope_lines,
    set_evaluation_filing,
    set_user_active,
)
from app.audit.services import list_events
from app.database import utcnow
from app.extensions import db
from app.web.access import authenticated, current_actor, roles
from app.web.accounts.forms import FilingForm, OrganisationForm, ToggleForm, UserForm
from app.web.actions import attempt, form_status
from app.web.forms import choices

bp = Blueprint("accounts", __name__, url_prefix="/admin")


@bp.get("/organisations")
@authenticated
def organisations():
    """Organisations in the actor's scope."""
    kind = request.args.get("kind") or None
    orgs = list_organisations(db.session, actor=current_actor(), kind=kind)
    return render_template("accounts/organisations.html", organisations=orgs, kind=kind)


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_organisation():
    """Register an organisation."""
    form = OrganisationForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            org = create_organisation(
                db.session, actor=current_actor(), now=utcnow(), kind=form.kind.data, name=form.name.data,
                uscc=form.uscc.data, city_code=form.city_code.data, address=form.address.data,
                contact_phone=form.contact_phone.data,
            )
        if done:
            flash(_("Organisation registered."), "success")
            return redirect(url_for("accounts.organisation", organisation_id=org.id))
    return render_template("accounts/organisation_form.html", form=form), form_status(form)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@authenticated
def organisation(organisation_id: int):
    """One organisation; administrators may edit an evaluation organisation's filing here."""
    actor = current_actor()
    org = get_organisation(db.session, actor=actor, organisation_id=organisation_id)
    form = FilingForm(obj=org.filing) if org.filing and request.method == "GET" else FilingForm()
    if request.method == "GET" and org.filing:
        form.scopes.data = _scope_text(org.filing.scopes)
    if request.method == "POST":
        if not actor.has_role(Role.ADMIN):
            abort(403)
        if form.validate_on_submit():
            with attempt(form) as done:
                set_evaluation_filing(
                    db.session, actor=actor, now=utcnow(), organisation=org, org_type=form.org_type.data,
                    org_code=form.org_code.data, province_code=form.province_code.data,
                    site_code=form.site_code.data, filed_with=form.filed_with.data,
                    scopes=parse_scope_lines(form.scopes.data or ""),
                )
            if done:
                flash(_("Filing saved."), "success")
                return redirect(url_for("accounts.organisation", organisation_id=org.id))
    return render_template("accounts/organisation.html", org=org, form=form), form_status(form)


def _scope_text(scopes) -> str:
    by_code: dict[str, list[int]] = {}
    for scope in scopes:
        by_code.setdefault(scope.occupation_code, []).append(scope.level_digit)
    return "\n".join(f"{code} {','.join(str(d) for d in sorted(ds, reverse=True))}" for code, ds in by_code.items())


@bp.get("/users")
@authenticated
def users():
    """Logins in the actor's scope."""
    return render_template("accounts/users.html", users=list_users(db.session, actor=current_actor()),
                           toggle=ToggleForm())


@bp.route("/users/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_user():
    """Create a login."""
    form = UserForm()
    actor = current_actor()
    form.organisation_id.choices = choices((o.id, o.name) for o in list_organisations(db.session, actor=actor))
    if form.validate_on_submit():
        with attempt(form) as done:
            create_user(
                db.session, actor=actor, now=utcnow(), organisation_id=form.organisation_id.data,
                username=form.username.data, display_name=form.display_name.data,
                password=form.password.data, roles=form.roles.data,
            )
        if done:
            flash(_("User created."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form), form_status(form)


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def toggle_user(user_id: int):
    """Enable or disable a login."""
    form = ToggleForm()
    if form.validate_on_submit():
        with attempt():
            set_user_active(db.session, actor=current_actor(), now=utcnow(), user_id=user_id,
                            active=form.active.data == "1")
    return redirect(url_for("accounts.users"))


@bp.get("/audit")
@roles(Role.ADMIN)
def audit():
    """The latest audit events."""
    return render_template("accounts/audit.html", events=list_events(db.session, limit=300))
