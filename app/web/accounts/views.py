"""Administrator screens: organisations, filings, users and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
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
from app.audit.actions import ACTION_LABELS, OBJECT_TYPE_LABELS, object_type_label
from app.audit.changes import changes, mask_personal
from app.audit.services import EXPORT_LIMIT, Cursor, count_events, filtered_events, page_events
from app.audit.workbooks import export_events_workbook
from app.database import utcnow
from app.extensions import db
from app.web.access import authenticated, current_actor, roles
from app.web.accounts.audit_log import filter_args, history_link, read_filter
from app.web.accounts.audit_vocabulary import field_vocabularies
from app.web.accounts.forms import FilingForm, OrganisationForm, ToggleForm, UserForm
from app.web.actions import localize, one_click, render_form, submit
from app.web.downloads import send_workbook
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
    return submit(form, create_organisation,
                  fields=("kind", "name", "uscc", "city_code", "address", "contact_phone"),
                  success=_("Organisation registered."),
                  then=lambda org: url_for("accounts.organisation", organisation_id=org.id)) \
        or render_form("accounts/organisation_form.html", form)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@authenticated
def organisation(organisation_id: int):
    """One organisation; administrators may edit an evaluation organisation's filing here."""
    actor = current_actor()
    org = get_organisation(db.session, actor=actor, organisation_id=organisation_id)
    form = FilingForm(obj=org.filing) if org.filing and request.method == "GET" else FilingForm()
    if request.method == "GET" and org.filing:
        form.scopes.data = _scope_text(org.filing.scopes)
    if request.method == "POST" and not actor.has_role(Role.ADMIN):
        abort(403)
    return submit(form, lambda: set_evaluation_filing(
        db.session, actor=actor, now=utcnow(), organisation=org, org_type=form.org_type.data,
        org_code=form.org_code.data, province_code=form.province_code.data, site_code=form.site_code.data,
        filed_with=form.filed_with.data, scopes=parse_scope_lines(form.scopes.data or ""),
    ), success=_("Filing saved."), then=url_for("accounts.organisation", organisation_id=org.id)) \
        or render_form("accounts/organisation.html", form, org=org)


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
    return submit(form, lambda: create_user(
        db.session, actor=actor, now=utcnow(), organisation_id=form.organisation_id.data,
        username=form.username.data, display_name=form.display_name.data, password=form.password.data,
        roles=form.roles.data,
    ), success=_("User created."), then=url_for("accounts.users")) or render_form("accounts/user_form.html", form)


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def toggle_user(user_id: int):
    """Enable or disable a login."""
    form = ToggleForm()
    return one_click(form, set_user_active, user_id=user_id, active=form.active.data == "1", success=None,
                     then=url_for("accounts.users"))


@bp.get("/audit")
@roles(Role.ADMIN)
def audit():
    """The audit log, newest first, filtered, one page at a time (keyset cursors in the links)."""
    filters, problems = read_filter(request.args)
    page = page_events(db.session, filters=filters, after=Cursor.parse(request.args.get("after")),
                       before=Cursor.parse(request.args.get("before")))
    organisations = list_organisations(db.session, actor=current_actor())
    actions = sorted(ACTION_LABELS.items(), key=lambda item: localize(item[1]))
    object_types = sorted(OBJECT_TYPE_LABELS.items(), key=lambda item: localize(item[1]))
    return render_template("accounts/audit.html", page=page, filters=filters, problems=problems,
                           query=filter_args(filters),
                           changes=lambda e: changes(e.old_value, e.new_value, _, field_vocabularies(e.object_type)), organisations=organisations,
                           organisation_names={o.id: o.name for o in organisations},
                           users=list_users(db.session, actor=current_actor()), actions=actions,
                           object_types=object_types)


@bp.get("/audit/export.xlsx")
@roles(Role.ADMIN)
def audit_export():
    """The events of the audit log's filter as Excel (at most the newest EXPORT_LIMIT)."""
    filters, _problems = read_filter(request.args)
    names = {o.id: o.name for o in list_organisations(db.session, actor=current_actor())}
    cut_short = count_events(db.session, filters=filters) > EXPORT_LIMIT
    data = export_events_workbook(filtered_events(db.session, filters=filters), organisation_names=names,
                                  translate=_, cut_short=cut_short, vocabularies=field_vocabularies)
    return send_workbook(data, _("audit-log.xlsx"))


bp.add_app_template_global(history_link, "audit_history_link")
bp.add_app_template_global(object_type_label, "audit_object_type_label")
bp.add_app_template_global(mask_personal, "mask_personal")
