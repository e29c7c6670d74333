"""Sessions and staffing pages: rooms per component, candidates, assessors with their hard blocks, confirmation."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.plans import get_plan
from app.assessment.rooms import delete_session, move_candidate, scored_cells, update_session
from app.assessment.scope import local_datetime
from app.assessment.staffing import (
    add_candidate,
    assign_assessor,
    confirm_session,
    create_session,
    list_sessions,
    mode_of,
    remove_candidate,
    session_for_staff,
    session_problems,
    unassign_assessor,
    unplaced_registrations,
)
from app.assessment.suggestions import assessor_options, external_options, staffing_gaps
from app.assessment.supervisor_models import SUPERVISOR_REQUEST_STATUSES
from app.assessment.supervisors import appointed_supervisors, plan_requests
from app.assessment.vocabulary import ASSIGNMENT_ROLES, MODE_ROLES, PLAN_STATUSES, SESSION_STATUSES
from app.catalog.models import COMPONENT_LABELS
from app.clock import LOCAL_ZONE
from app.database import utcnow
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import form_status, one_click, render_form, submit
from app.web.assessment.blueprint import bp
from app.web.assessment.forms import (
    AssignForm,
    CandidateForm,
    ConfirmForm,
    MoveForm,
    RoomForm,
    SessionForm,
    SupervisorRequestForm,
)
from app.web.forms import choices

STAFF = Role.EVALUATION_STAFF


def _sessions_page(plan, form):
    sittings = list_sessions(db.session, plan_id=plan.id)
    unplaced = {c.component: len(unplaced_registrations(db.session, plan_id=plan.id, plan_component_id=c.id))
                for c in plan.components}
    request_form = SupervisorRequestForm(formdata=None)
    request_form.sitting_ids.choices = choices((s.id, f"{COMPONENT_LABELS[s.component]} · {s.room}") for s in sittings
                                               if s.status == "planning")
    return render_template("assessment/sessions.html", plan=plan, sittings=sittings, form=form, unplaced=unplaced,
                           problems={s.id: session_problems(s) for s in sittings}, statuses=SESSION_STATUSES,
                           labels=COMPONENT_LABELS, roles=ASSIGNMENT_ROLES, plan_statuses=PLAN_STATUSES,
                           request_form=request_form, confirm_form=ConfirmForm(formdata=None),
                           supervisor_requests=plan_requests(db.session, plan.id),
                           request_statuses=SUPERVISOR_REQUEST_STATUSES,
                           appointed=appointed_supervisors(db.session, plan.id)), form_status(form)


def _components(plan):
    return choices((c.component, COMPONENT_LABELS[c.component]) for c in plan.components)


@bp.route("/plans/<int:plan_id>/sessions", methods=["GET", "POST"])
@roles(STAFF)
def sessions(plan_id: int):
    """A plan's rooms with their staffing status; the form opens a room for a component's unplaced candidates."""
    plan = get_plan(db.session, actor=current_actor(), plan_id=plan_id)
    form = SessionForm()
    form.component.choices = _components(plan)
    return submit(form, create_session, fields=("component", "room", "duration_minutes", "max_candidates", "capacity"),
                  form_extra=lambda f: {"starts_at": local_datetime(f.day.data, f.start.data)}, plan_id=plan_id,
                  success=lambda sitting: _("Room opened with %(n)s candidates.", n=len(sitting.candidates)),
                  then=lambda sitting: _room_url(sitting.id)) \
        or _sessions_page(plan, form)


def _sitting(sitting_id: int):
    return session_for_staff(db.session, actor=current_actor(), sitting_id=sitting_id)


def _session_page(sitting_id: int, assign_form=None, candidate_form=None):
    sitting = _sitting(sitting_id)
    mode = mode_of(sitting)
    options = assessor_options(db.session, sitting=sitting)
    externals = external_options(db.session, sitting=sitting)
    shown_assign = assign_form or AssignForm(formdata=None)
    shown_assign.user_id.choices = choices((o.user.id, o.user.display_name) for o in options if o.available)
    shown_assign.role.choices = _roles(mode)
    shown_candidate = candidate_form or CandidateForm(formdata=None)
    unplaced = unplaced_registrations(db.session, plan_id=sitting.plan_id, plan_component_id=sitting.plan_component_id)
    shown_candidate.registration_id.choices = choices((r.id, f"{r.ticket_number or '—'} {r.person.name}") for r in unplaced)
    targets = [s for s in list_sessions(db.session, plan_id=sitting.plan_id) if s.id != sitting.id
               and s.plan_component_id == sitting.plan_component_id and s.status == "planning"]
    return render_template(
        "assessment/session.html", sitting=sitting, targets=targets, plan=sitting.plan, options=options, assign_form=shown_assign,
        candidate_form=shown_candidate, confirm_form=ConfirmForm(formdata=None), problems=session_problems(sitting),
        externals=externals, gaps=staffing_gaps(db.session, sitting=sitting),
        roles=ASSIGNMENT_ROLES, labels=COMPONENT_LABELS, statuses=SESSION_STATUSES, mode=mode,
        marking=mode != "invigilated",
    ), form_status(assign_form, candidate_form)


def _roles(mode: str):
    return choices((r, ASSIGNMENT_ROLES[r]) for r in MODE_ROLES[mode])


@bp.get("/sessions/<int:sitting_id>")
@roles(STAFF)
def session_page(sitting_id: int):
    """One room: candidates, assigned staff, the assessors' blocks, and what still stops confirmation."""
    return _session_page(sitting_id)


def _room_url(sitting_id: int) -> str:
    return url_for("assessment.session_page", sitting_id=sitting_id)


@bp.post("/sessions/<int:sitting_id>/assign")
@roles(STAFF)
def assign(sitting_id: int):
    """Assign an assessor (or an appointed department supervisor as external supervisor); refusals (level,
    recusal, time clash, roles filled, not appointed) come back on the form."""
    form = AssignForm()
    form.role.choices = _roles(mode_of(_sitting(sitting_id)))
    return submit(form, assign_assessor, fields=("user_id", "role", "external"), sitting_id=sitting_id,
                  success=_("Assessor assigned."), then=_room_url(sitting_id)) \
        or _session_page(sitting_id, assign_form=form)


@bp.post("/sessions/<int:sitting_id>/assign-external")
@roles(STAFF)
def assign_external(sitting_id: int):
    """Make a department supervisor appointed to the plan the room's external quality supervisor."""
    form = AssignForm()
    form.role.choices = _roles(mode_of(_sitting(sitting_id)))
    return submit(form, assign_assessor, fields=("user_id",), sitting_id=sitting_id, role="supervisor", external=True,
                  success=_("Assessor assigned."), then=_room_url(sitting_id)) \
        or _session_page(sitting_id, assign_form=form)


@bp.post("/sessions/<int:sitting_id>/candidates")
@roles(STAFF)
def add_session_candidate(sitting_id: int):
    """Place a candidate in the room; refused when an assigned assessor must recuse."""
    _sitting(sitting_id)
    form = CandidateForm()
    return submit(form, add_candidate, fields=("registration_id",), sitting_id=sitting_id,
                  success=_("Candidate added."), then=_room_url(sitting_id)) \
        or _session_page(sitting_id, candidate_form=form)


def _confirmed_step(sitting_id: int, call, success: str, /, **kwargs):
    """A one-click step on a room (after its confirmation); a refusal is flashed, then back to the room."""
    _sitting(sitting_id)
    return one_click(ConfirmForm(), lambda: call(db.session, actor=current_actor(), now=utcnow(), **kwargs),
                     success=success, then=_room_url(sitting_id))


@bp.post("/sessions/<int:sitting_id>/assignments/<int:assignment_id>/remove")
@roles(STAFF)
def unassign(sitting_id: int, assignment_id: int):
    """Take an assessor off a room that is still being arranged."""
    return _confirmed_step(sitting_id, unassign_assessor, _("Assessor removed."), assignment_id=assignment_id)


@bp.post("/sessions/<int:sitting_id>/candidates/<int:registration_id>/remove")
@roles(STAFF)
def remove_session_candidate(sitting_id: int, registration_id: int):
    """Take a candidate out of the room."""
    return _confirmed_step(sitting_id, remove_candidate, _("Candidate removed."), sitting_id=sitting_id,
                           registration_id=registration_id)


@bp.post("/sessions/<int:sitting_id>/confirm")
@roles(STAFF)
def confirm(sitting_id: int):
    """Lock the room for the exam: ratios and recusal are checked once more."""
    return _confirmed_step(sitting_id, confirm_session, _("Room confirmed; score sheets are open."),
                           sitting_id=sitting_id)


@bp.route("/sessions/<int:sitting_id>/edit", methods=["GET", "POST"])
@roles(STAFF)
def edit_session(sitting_id: int):
    """Correct the room's place, date, time, length and seats; once it has scores, only with a written reason."""
    sitting = _sitting(sitting_id)
    local = sitting.starts_at.astimezone(LOCAL_ZONE)
    form = RoomForm(data={"room": sitting.room, "day": local.date(), "start": local.time().replace(tzinfo=None),
                          "duration_minutes": sitting.duration_minutes, "capacity": sitting.capacity})
    return submit(form, update_session, fields=("room", "duration_minutes", "capacity", "reason"),
                  form_extra=lambda f: {"starts_at": local_datetime(f.day.data, f.start.data)}, sitting_id=sitting_id,
                  success=_("Room saved."), then=_room_url(sitting_id)) \
        or render_form("assessment/session_form.html", form, sitting=sitting, plan=sitting.plan,
                       labels=COMPONENT_LABELS, scored=scored_cells(db.session, sitting_id=sitting.id) > 0)


@bp.post("/sessions/<int:sitting_id>/delete")
@roles(STAFF)
def delete_room(sitting_id: int):
    """Delete a room without candidates (after the confirmation step)."""
    plan_id = _sitting(sitting_id).plan_id
    return one_click(ConfirmForm(), delete_session, sitting_id=sitting_id, success=_("Room deleted."),
                     then=url_for("assessment.sessions", plan_id=plan_id), back=_room_url(sitting_id))


@bp.post("/sessions/<int:sitting_id>/candidates/<int:registration_id>/move")
@roles(STAFF)
def move_session_candidate(sitting_id: int, registration_id: int):
    """Move a candidate without scores to another room of the same component that is still being arranged."""
    _sitting(sitting_id)
    return one_click(MoveForm(), move_candidate, fields=("to_sitting_id",), sitting_id=sitting_id,
                     registration_id=registration_id, success=_("Candidate moved."), then=_room_url(sitting_id))
