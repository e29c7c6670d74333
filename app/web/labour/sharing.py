"""Shared-employment and weekend-engineer pages (on the labour blueprint)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.validators import ValidationError

from app.accounts.roles import Role
from app.clock import local_date
from app.database import utcnow
from app.demand.services import enterprises
from app.extensions import db
from app.labour.experts import (
    add_allowance_rule,
    assign_expert,
    confirm_visit,
    get_request,
    list_experts,
    list_requests,
    record_visit,
    register_expert,
    request_expert,
    service_record,
)
from app.labour.sharing import (
    AgreementTerms,
    LentWorker,
    create_agreement,
    get_agreement,
    list_agreements,
    list_posts,
    post_staffing,
    suggest_pairs,
)
from app.labour.sharing_models import AllowanceRule, ExpertVisit
from app.labour.vocabulary import AGREEMENT_STATUSES, POST_KINDS, REQUEST_STATUSES
from app.people.access import visible_clause
from app.people.models import Person
from app.web.access import current_actor, roles
from app.web.actions import form_status, one_click, submit
from app.web.forms import blank_first, choices
from app.web.labour.forms import (
    AgreementForm,
    AllowanceRuleForm,
    AssignForm,
    ConfirmForm,
    ExpertForm,
    PostForm,
    RequestForm,
    VisitForm,
)
from app.web.labour.views import STAFF, USERS, bp


def parse_lent_workers(text: str) -> list[LentWorker]:
    """Lines "person number, wage, social insurance, YYYY-MM-DD, method" (commas or spaces)."""
    workers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace("，", ",").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 5 or not parts[0].isdigit():
            raise ValidationError(_("Line %(n)s: write the person number, wage, social insurance, date of consent "
                                    "and how it was given.", n=number))
        try:
            consented = date.fromisoformat(parts[3])
        except ValueError:
            raise ValidationError(_("Line %(n)s: the date is not YYYY-MM-DD.", n=number)) from None
        workers.append(LentWorker(int(parts[0]), parts[1], parts[2], consented, parts[4]))
    return workers


def _shared_page(agreement_form=None, post_form=None):
    actor = current_actor()
    if agreement_form is None:
        agreement_form = _agreement_form(formdata=None)
    post_form = post_form or PostForm(formdata=None, prefix="post")
    return render_template("labour/shared.html", agreements=list_agreements(db.session, actor=actor),
                           posts=list_posts(db.session, actor=actor), pairs=suggest_pairs(db.session, actor=actor),
                           agreement_form=agreement_form, post_form=post_form, post_labels=POST_KINDS,
                           agreement_labels=AGREEMENT_STATUSES, hr=actor.has_role(Role.ENTERPRISE_HR)), \
        form_status(agreement_form, post_form)


def _agreement_form(**kwargs) -> AgreementForm:
    form = AgreementForm(**kwargs)
    firms = blank_first((o.id, o.name) for o in enterprises(db.session))
    form.lender_id.choices = form.borrower_id.choices = firms
    return form


@bp.get("/shared")
@roles(*USERS)
def shared():
    """Agreements of the firm (or all, for staff), open surplus/shortage posts and suggested pairs."""
    return _shared_page()


@bp.post("/shared/agreements")
@roles(*USERS)
def new_agreement():
    """Record a shared-employment agreement; a charge above cost is refused as lending for profit."""
    form = _agreement_form()

    def create():
        return create_agreement(db.session, actor=current_actor(), now=utcnow(), terms=AgreementTerms(
            lender_id=form.lender_id.data, borrower_id=form.borrower_id.data, start_date=form.start_date.data,
            end_date=form.end_date.data, weekly_hours_cap=form.weekly_hours_cap.data,
            safety_duties=form.safety_duties.data, charge=form.charge.data,
            workers=parse_lent_workers(form.workers.data), lender_pays_wages=form.lender_pays_wages.data))

    def valid_workers(_form, field):
        parse_lent_workers(field.data)

    form.workers.validators = [*form.workers.validators, valid_workers]
    return submit(form, create, success=_("Shared-employment agreement recorded."),
                  then=lambda a: url_for("labour.agreement", agreement_id=a.id)) or _shared_page(agreement_form=form)


@bp.get("/shared/agreements/<int:agreement_id>")
@roles(*USERS)
def agreement(agreement_id: int):
    """An agreement with its workers, cost and charge."""
    return render_template("labour/agreement.html", agreement=get_agreement(
        db.session, actor=current_actor(), agreement_id=agreement_id), agreement_labels=AGREEMENT_STATUSES)


@bp.post("/shared/posts")
@roles(Role.ENTERPRISE_HR)
def new_post():
    """Post a surplus or a shortage of staff."""
    form = PostForm(prefix="post")
    return submit(form, lambda: post_staffing(
        db.session, actor=current_actor(), now=utcnow(), kind=form.kind.data, headcount=form.headcount.data,
        city_code=form.city_code.data, start_date=form.start_date.data, end_date=form.end_date.data,
        occupation_code=(form.occupation_code.data or "").strip() or None,
        skills=(form.skills.data or "").replace("，", ",").split(",")),
        success=_("Posted."), then=url_for("labour.shared")) or _shared_page(post_form=form)


def _people(form) -> None:
    people = db.session.execute(select(Person.id, Person.name, Person.id_masked).where(
        visible_clause(current_actor())).order_by(Person.id.desc()).limit(500)).all()
    form.person_id.choices = blank_first((p.id, f"{p.name} {p.id_masked}") for p in people)


@bp.get("/experts")
@roles(*USERS)
def experts():
    """Weekend engineers and the requests for them."""
    actor = current_actor()
    expert_form = ExpertForm(formdata=None)
    request_form = RequestForm(formdata=None)
    if actor.has_role(Role.ADMIN):
        _people(expert_form)
    return _experts_page(expert_form, request_form)


def _experts_page(expert_form, request_form, rule_form=None):
    actor = current_actor()
    rows = list_experts(db.session, actor=actor)
    rule_form = rule_form or AllowanceRuleForm(formdata=None, prefix="rule")
    return render_template("labour/experts.html", experts=rows,
                           records={e.id: service_record(db.session, expert_id=e.id) for e in rows},
                           requests=list_requests(db.session, actor=actor), expert_form=expert_form,
                           request_form=request_form, request_labels=REQUEST_STATUSES,
                           staff=actor.has_role(Role.ADMIN), hr=actor.has_role(Role.ENTERPRISE_HR),
                           rule_form=rule_form,
                           rules=list(db.session.scalars(select(AllowanceRule).order_by(AllowanceRule.valid_from.desc())))), \
        form_status(expert_form, request_form, rule_form)


@bp.post("/experts")
@roles(*STAFF)
def new_expert():
    """Register a weekend engineer."""
    form = ExpertForm()
    _people(form)
    return submit(form, register_expert, fields=("person_id", "occupation_code", "level_digit", "home_city_code",
                                                 "cities", "availability", "titles"),
                  success=_("Expert registered."), then=url_for("labour.experts")) \
        or _experts_page(form, RequestForm(formdata=None))


@bp.post("/experts/rules")
@roles(*STAFF)
def new_rule():
    """Add an allowance rule (rates in yuan)."""
    form = AllowanceRuleForm(prefix="rule")
    return submit(form, add_allowance_rule, fields=("name", "max_level_digit", "per_hour", "per_visit",
                                                    "solved_bonus", "valid_from", "valid_until"),
                  success=_("Allowance rule added."), then=url_for("labour.experts")) \
        or _experts_page(ExpertForm(formdata=None), RequestForm(formdata=None), form)


@bp.post("/experts/requests")
@roles(Role.ENTERPRISE_HR)
def new_request():
    """A firm asks for an expert."""
    form = RequestForm()
    return submit(form, request_expert, fields=("problem", "city_code", "occupation_code"),
                  success=_("Request sent."), then=lambda r: url_for("labour.expert_request", request_id=r.id)) \
        or _experts_page(ExpertForm(formdata=None), form)


def _request_page(row, *, visit_form=None):
    today = local_date(utcnow())
    visit_form = visit_form or VisitForm(formdata=None, visited_on=today, hours=Decimal(4))
    assign_form = AssignForm(formdata=None)
    assign_form.expert_id.choices = blank_first(
        (e.id, f"{e.person.name} · {e.occupation_name}") for e in list_experts(db.session, actor=current_actor(),
                                                                               city_code=row.city_code))
    actor = current_actor()
    return render_template("labour/request.html", row=row, visit_form=visit_form, assign_form=assign_form,
                           confirm_form=ConfirmForm(formdata=None), request_labels=REQUEST_STATUSES,
                           staff=actor.has_role(Role.ADMIN),
                           firm=actor.has_role(Role.ENTERPRISE_HR) and actor.organisation_id == row.enterprise_id), \
        form_status(visit_form)


@bp.get("/experts/requests/<int:request_id>")
@roles(*USERS)
def expert_request(request_id: int):
    """A request: its expert, visits, confirmations and allowances."""
    return _request_page(get_request(db.session, actor=current_actor(), request_id=request_id))


@bp.post("/experts/requests/<int:request_id>/assign")
@roles(*STAFF)
def assign(request_id: int):
    """Staff assign an expert serving the firm's city."""
    form = AssignForm()
    form.expert_id.choices = choices((e.id, e.id) for e in list_experts(db.session, actor=current_actor()))
    return one_click(form, assign_expert, fields=("expert_id",), request_id=request_id,
                     success=_("Expert assigned."), then=url_for("labour.expert_request", request_id=request_id))


@bp.post("/experts/requests/<int:request_id>/visits")
@roles(*STAFF)
def visit(request_id: int):
    """Record a visit for the expert."""
    row = get_request(db.session, actor=current_actor(), request_id=request_id)
    form = VisitForm()
    return submit(form, record_visit, fields=("visited_on", "hours", "outcome", "solved"), request_id=row.id,
                  success=_("Visit recorded; the firm confirms it."),
                  then=url_for("labour.expert_request", request_id=row.id)) or _request_page(row, visit_form=form)


@bp.post("/experts/visits/<int:visit_id>/confirm")
@roles(Role.ENTERPRISE_HR)
def confirm_expert_visit(visit_id: int):
    """The firm confirms a visit; the allowance is computed."""
    row = db.session.get(ExpertVisit, visit_id)
    back = url_for("labour.expert_request", request_id=row.request_id) if row else url_for("labour.experts")
    return one_click(ConfirmForm(), confirm_visit, visit_id=visit_id, success=_("Visit confirmed."), then=back)

