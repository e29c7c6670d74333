"""Placement pages: record a start of work, evidence, follow-ups, reminders and due lists."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.roles import Role
from app.clock import local_date
from app.database import utcnow
from app.demand.services import list_demands
from app.extensions import db
from app.people.access import visible_clause
from app.people.models import Person
from app.placement.exports import follow_ups_workbook, placements_workbook
from app.placement.followups import due_follow_ups, record_follow_up
from app.placement.models import PlacementEvidence
from app.placement.placements import (
    PlacementDetails,
    add_evidence,
    list_placements,
    record_leaving,
    record_placement,
    registration_reminders,
)
from app.placement.scope import get_placement, get_placement_to_maintain, may_maintain
from app.web.access import current_actor, roles
from app.web.actions import form_status, render_form, submit
from app.web.downloads import storage_dir, stored_file, workbook_download
from app.web.forms import blank_first, offer_enterprises
from app.web.page_forms import PageForm, submit_page_form
from app.web.placement.forms import EvidenceForm, FollowUpForm, LeaveForm, PlacementForm
from app.web.query import query_integer

bp = Blueprint("placement", __name__, url_prefix="/placements")


def _dashboard_counts() -> dict:
    """Registration reminders and follow-ups due for the logged-in user's dashboard card."""
    actor, today = current_actor(), local_date(utcnow())
    reminders = registration_reminders(db.session, actor=actor, today=today)
    due = due_follow_ups(db.session, actor=actor, today=today)
    return {"registrations": len(reminders), "registrations_overdue": sum(r.overdue for r in reminders),
            "due": len(due), "overdue": sum(d.overdue for d in due)}


bp.record_once(lambda state: state.app.add_template_global(_dashboard_counts, "placement_dashboard_counts"))
USERS = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF)


def _placement(placement_id: int):
    return get_placement(db.session, actor=current_actor(), placement_id=placement_id)


@bp.get("")
@roles(*USERS)
def index():
    """Placements in scope, with the employment-registration reminders and follow-ups due."""
    actor, today = current_actor(), local_date(utcnow())
    status = request.args.get("status") or None
    placements = list_placements(db.session, actor=actor, status=status)
    if request.args.get("export") == "xlsx":
        return workbook_download(placements_workbook(placements, _), "placements.xlsx")
    return render_template("placement/index.html", placements=placements, status=status or "", today=today,
                           reminders=registration_reminders(db.session, actor=actor, today=today),
                           due=due_follow_ups(db.session, actor=actor, today=today, limit=10))


def _prepare(form: PlacementForm) -> PlacementForm:
    actor, today = current_actor(), local_date(utcnow())
    people = db.session.execute(select(Person.id, Person.name, Person.id_masked).where(visible_clause(actor))
                                .order_by(Person.id.desc()).limit(500)).all()
    form.person_id.choices = blank_first((p.id, f"{p.name} {p.id_masked}") for p in people)
    offer_enterprises(form, actor.has_role(Role.ADMIN) or not actor.has_role(Role.ENTERPRISE_HR))
    if actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        open_demands = list_demands(db.session, actor=actor, today=today, status="open")
        form.demand_id.choices = blank_first((d.id, d.title + _(" (%(detail)s)", detail=d.enterprise.name))
                                             for d in open_demands)
    else:
        del form.demand_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles(*USERS)
def new():
    """Record a start of work; a refused form keeps what was typed."""
    form = _prepare(PlacementForm())
    if request.method == "GET":
        form.person_id.data = query_integer("person_id")
        if form.demand_id is not None:
            form.demand_id.data = query_integer("demand_id")
        form.start_date.data, form.contract_months.data = local_date(utcnow()), 12
    return submit(form, lambda: record_placement(db.session, actor=current_actor(), now=utcnow(),
                                                 details=_details(form)),
                  success=_("Placement recorded; follow-ups are scheduled at 3, 6 and 12 months."),
                  then=_shown) or render_form("placement/form.html", form)


def _details(form: PlacementForm) -> PlacementDetails:
    return PlacementDetails(
        person_id=form.person_id.data, start_date=form.start_date.data, contract_months=form.contract_months.data,
        monthly_wage=form.monthly_wage.data, enterprise_id=form.enterprise_id.data if form.enterprise_id else None,
        demand_id=form.demand_id.data if form.demand_id else None, job_title=form.job_title.data, note=form.note.data)


def _shown(placement) -> str:
    return url_for("placement.show", placement_id=placement.id)


def _upload(form) -> dict:
    """The optional evidence file of a form, as the services take it."""
    upload = form.file.data
    return {"data": upload.read() if upload else None, "filename": upload.filename if upload else None}


def _show(placement, *, evidence_form=None, follow_up_form=None, leave_form=None):
    today = local_date(utcnow())
    if evidence_form is None:
        evidence_form = EvidenceForm(formdata=None)
        evidence_form.dated_on.data = today
    if follow_up_form is None:
        follow_up_form = FollowUpForm(formdata=None)
        follow_up_form.checked_on.data = today
    maintainable = may_maintain(db.session, actor=current_actor(), placement=placement)
    return render_template("placement/show.html", placement=placement, today=today, evidence_form=evidence_form,
                           follow_up_form=follow_up_form, leave_form=leave_form or LeaveForm(formdata=None),
                           maintainable=maintainable), \
        form_status(evidence_form, follow_up_form, leave_form)


@bp.get("/<int:placement_id>")
@roles(*USERS)
def show(placement_id: int):
    """A placement with its evidence and follow-ups."""
    return _show(_placement(placement_id))


_REPORTS = {  # the kind is also the form's name on the page: f"{kind}_form"
    "evidence": PageForm(EvidenceForm, add_evidence, ("kind", "dated_on", "reference"), _l("Evidence added."),
                         extra=_upload),
    "follow_up": PageForm(FollowUpForm, record_follow_up, ("months", "outcome", "checked_on", "reference", "note"),
                          _l("Follow-up recorded."),
                          extra=lambda form: {"evidence_kind": form.evidence_kind.data or None, **_upload(form)}),
}


@bp.post("/<int:placement_id>/evidence", endpoint="evidence", defaults={"kind": "evidence"})
@bp.post("/<int:placement_id>/follow-up", endpoint="follow_up", defaults={"kind": "follow_up"})
@roles(*USERS)
def report(placement_id: int, kind: str):
    """Attach evidence (file or reference number), or record a follow-up's outcome (maintainers only: 403)."""
    placement = get_placement_to_maintain(db.session, actor=current_actor(), placement_id=placement_id)
    return submit_page_form(_REPORTS[kind], placement_id=placement.id, storage_dir=storage_dir(),
                            then=lambda _anchor: _shown(placement),
                            page=lambda form: _show(placement, **{f"{kind}_form": form}))


@bp.post("/<int:placement_id>/leave")
@roles(*USERS)
def leave(placement_id: int):
    """Record that the person left (maintainers only: 403)."""
    placement = get_placement_to_maintain(db.session, actor=current_actor(), placement_id=placement_id)
    form = LeaveForm()
    return submit(form, record_leaving, fields=("left_on",), placement_id=placement.id,
                  success=_("Leaving recorded."), then=_shown(placement)) or _show(placement, leave_form=form)


@bp.get("/<int:placement_id>/evidence/<int:evidence_id>")
@roles(*USERS)
def evidence_file(placement_id: int, evidence_id: int):
    """Download an evidence file of a placement in scope."""
    placement = _placement(placement_id)
    row = db.session.get(PlacementEvidence, evidence_id)
    if row is None or row.placement_id != placement.id or not row.file_path:
        abort(404)
    return send_file(stored_file(row.file_path), as_attachment=True,
                     download_name=row.file_name or Path(row.file_path).name)


@bp.get("/follow-ups")
@roles(*USERS)
def follow_ups():
    """Follow-ups due in the next 30 days or overdue, for the institution's trainees or the enterprise's hires."""
    today = local_date(utcnow())
    due = due_follow_ups(db.session, actor=current_actor(), today=today)
    if request.args.get("export") == "xlsx":
        return workbook_download(follow_ups_workbook(due, _), "follow-ups.xlsx")
    return render_template("placement/follow_ups.html", due=due, today=today)
