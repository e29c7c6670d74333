"""Seasonal labour pages: demand curves, workers and cover, schedule runs, contracts, hours, pay, the forecast.

Workers have no account of their own yet: township staff (HR & social security role) record their availability
and take their confirmations (in person or with an SMS code), and the page says so.
"""

from __future__ import annotations

import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.roles import Role
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.labour.contracts import (
    confirm_as_employer,
    confirm_as_worker,
    confirm_hours,
    contract_pdf,
    get_contract,
    list_contracts,
    record_hours,
    record_payment,
)
from app.labour.exports import schedule_workbook
from app.labour.forecast import county_forecast
from app.labour.imports import FIELDS as AVAILABILITY_FIELDS
from app.labour.imports import KIND as AVAILABILITY_KIND
from app.labour.imports import MAX_ROWS as AVAILABILITY_ROWS
from app.labour.imports import VOCABULARY as AVAILABILITY_VOCABULARY
from app.labour.imports import import_availability
from app.labour.imports import template_workbook as availability_template
from app.labour.models import Assignment, ScheduleRun, SeasonalWorker, WorkLog
from app.labour.notices import notifications_of, sms_backend
from app.labour.runs import create_run, get_run, pin_assignment, publish_run, run_assignments
from app.labour.seasonal import (
    DemandDetails,
    WorkerDetails,
    close_demand,
    get_demand,
    get_worker,
    list_demands,
    list_workers,
    post_demand,
    record_cover,
    register_worker,
    update_availability,
)
from app.labour.vocabulary import (
    ASSIGNMENT_STATUSES,
    CONFIRM_METHODS,
    CONTRACT_STATUSES,
    COVER_KINDS,
    HALVES,
    PAY_KINDS,
    REGISTRATION_CHANNELS,
    RUN_STATUSES,
    TASKS,
    UNMET_REASONS,
)
from app.people.access import visible_clause
from app.people.models import Person
from app.regions import city_name
from app.tasks import start_schedule_run
from app.web.access import current_actor, roles
from app.web.actions import attempt, form_status, one_click, render_form, submit
from app.web.downloads import send_workbook, workbook_download
from app.web.forms import blank_first, offer_enterprises
from app.web.imports import SheetImport, run_import
from app.web.labour.forms import (
    AvailabilityForm,
    AvailabilityImportForm,
    ConfirmForm,
    CoverForm,
    DemandForm,
    ForecastForm,
    HoursForm,
    PaymentForm,
    RunForm,
    WorkerConfirmForm,
    WorkerForm,
)

bp = Blueprint("labour", __name__, url_prefix="/labour")
USERS = (Role.ADMIN, Role.ENTERPRISE_HR)
STAFF = (Role.ADMIN,)
AVAILABILITY_SHEET = SheetImport(AVAILABILITY_KIND, AVAILABILITY_VOCABULARY,
                                 lambda: _("seasonal-workers-errors.xlsx"), AVAILABILITY_ROWS)


@bp.context_processor
def _labels() -> dict:
    return {"task_labels": TASKS, "half_labels": HALVES, "pay_labels": PAY_KINDS, "run_labels": RUN_STATUSES,
            "assignment_labels": ASSIGNMENT_STATUSES, "contract_labels": CONTRACT_STATUSES,
            "method_labels": CONFIRM_METHODS, "cover_labels": COVER_KINDS, "reason_labels": UNMET_REASONS,
            "channel_labels": REGISTRATION_CHANNELS, "city_name": city_name}


@bp.get("")
@roles(*USERS)
def index():
    """Seasonal demand, schedule runs (staff) and contracts in scope."""
    actor = current_actor()
    runs = list(db.session.scalars(select(ScheduleRun).order_by(ScheduleRun.id.desc()).limit(20))) \
        if actor.has_role(Role.ADMIN) else []
    run_form = RunForm(formdata=None)
    return render_template("labour/index.html", demands=list_demands(db.session, actor=actor), runs=runs,
                           contracts=list_contracts(db.session, actor=actor, limit=50), run_form=run_form,
                           now=utcnow(), staff=actor.has_role(Role.ADMIN))


@bp.route("/demands/new", methods=["GET", "POST"])
@roles(*USERS)
def new_demand():
    """Post seasonal demand as a curve of headcounts per half-day."""
    actor = current_actor()
    form = DemandForm()
    offer_enterprises(form, actor.has_role(Role.ADMIN))
    return submit(form, lambda: post_demand(db.session, actor=actor, now=utcnow(), details=DemandDetails(
        title=form.title.data, task=form.task.data, city_code=form.city_code.data, county=form.county.data,
        township=form.township.data, pay_kind=form.pay_kind.data, pay_rate=form.pay_rate.data,
        curve=form.points, hours_per_half_day=form.hours_per_half_day.data,
        required_certificate=form.required_certificate.data,
        enterprise_id=form.enterprise_id.data if form.enterprise_id else None)),
        success=_("Seasonal demand posted."), then=lambda d: url_for("labour.demand", demand_id=d.id)) \
        or render_form("labour/demand_form.html", form)


@bp.get("/demands/<int:demand_id>")
@roles(*USERS)
def demand(demand_id: int):
    """A demand's curve."""
    return render_template("labour/demand.html", demand=get_demand(db.session, actor=current_actor(),
                                                                    demand_id=demand_id),
                           form=ConfirmForm(formdata=None))


@bp.post("/demands/<int:demand_id>/close")
@roles(*USERS)
def close(demand_id: int):
    """Stop scheduling a demand (assignments made stay)."""
    return one_click(ConfirmForm(), close_demand, demand_id=demand_id, success=_("Demand closed."),
                     then=url_for("labour.demand", demand_id=demand_id))


@bp.get("/workers")
@roles(*STAFF)
def workers():
    """Registered workers (staff register them for the workers, who have no account yet)."""
    return render_template("labour/workers.html", workers=list_workers(db.session, actor=current_actor()),
                           today=local_date(utcnow()))


def _people_choices(form) -> None:
    registered = select(SeasonalWorker.person_id)
    people = db.session.execute(select(Person.id, Person.name, Person.id_masked).where(
        visible_clause(current_actor()), Person.id.not_in(registered)).order_by(Person.id.desc()).limit(500)).all()
    form.person_id.choices = blank_first((p.id, f"{p.name} {p.id_masked}") for p in people)


@bp.route("/workers/new", methods=["GET", "POST"])
@roles(*STAFF)
def new_worker():
    """Register a worker's availability on their behalf."""
    form = WorkerForm()
    _people_choices(form)
    return submit(form, lambda: register_worker(db.session, actor=current_actor(), now=utcnow(), details=WorkerDetails(
        person_id=form.person_id.data, city_code=form.city_code.data, county=form.county.data,
        home_township=form.home_township.data, townships=(form.townships.data or "").replace("，", ",").split(","),
        tasks=form.tasks.data or [], preferred_tasks=form.preferred_tasks.data or [],
        periods=form.parsed_periods, channel=form.channel.data)),
        success=_("Worker registered."), then=lambda w: url_for("labour.worker", worker_id=w.id)) \
        or render_form("labour/worker_form.html", form)


def _worker_page(worker, *, cover_form=None, availability_form=None):
    if cover_form is None:
        cover_form = CoverForm(formdata=None)
    if availability_form is None:
        availability_form = AvailabilityForm(formdata=None)
        availability_form.periods.data = "\n".join(f"{p.start_date} {p.end_date}" for p in worker.periods)
    return render_template("labour/worker.html", worker=worker, cover_form=cover_form,
                           availability_form=availability_form,
                           contracts=list_contracts(db.session, actor=current_actor(), worker_id=worker.id),
                           notifications=notifications_of(db.session, worker.person_id)), \
        form_status(cover_form, availability_form)


@bp.route("/workers/import", methods=["GET", "POST"])
@roles(*STAFF)
def import_workers():
    """Import availability from Excel or CSV: upload, check the column matching, then all rows or none, every
    problem listed by row and column."""
    form = AvailabilityImportForm()
    imported = run_import(form, AVAILABILITY_SHEET, lambda table, mapping: import_availability(
        db.session, actor=current_actor(), now=utcnow(), table=table, mapping=mapping,
        city_code=form.city_code.data))
    if imported.done:
        flash(_("%(n)s workers registered; record their injury cover next.", n=len(imported.result.workers)),
              "success")
        return redirect(url_for("labour.workers"))
    return render_template("labour/import.html", form=form, imported=imported, fields=AVAILABILITY_FIELDS), \
        form_status(form)


@bp.get("/workers/import-template.xlsx")
@roles(*STAFF)
def import_template():
    """The availability sheet: the Chinese headers, one example row, and how to fill in each column."""
    return send_workbook(availability_template(_), _("seasonal-workers-template.xlsx"))


@bp.get("/workers/<int:worker_id>")
@roles(*STAFF)
def worker(worker_id: int):
    """A worker: availability, cover, contracts and the notifications sent to them."""
    return _worker_page(get_worker(db.session, actor=current_actor(), worker_id=worker_id))


@bp.post("/workers/<int:worker_id>/cover")
@roles(*STAFF)
def cover(worker_id: int):
    """Record the worker's injury cover."""
    worker = get_worker(db.session, actor=current_actor(), worker_id=worker_id)
    form = CoverForm()
    return submit(form, record_cover, fields=("kind", "insurer", "policy_number", "start_date", "end_date"),
                  worker_id=worker.id, success=_("Injury cover recorded."),
                  then=url_for("labour.worker", worker_id=worker.id)) or _worker_page(worker, cover_form=form)


@bp.post("/workers/<int:worker_id>/availability")
@roles(*STAFF)
def availability(worker_id: int):
    """Replace the worker's periods of availability."""
    worker = get_worker(db.session, actor=current_actor(), worker_id=worker_id)
    form = AvailabilityForm()
    return submit(form, lambda: update_availability(db.session, actor=current_actor(), now=utcnow(),
                                                    worker_id=worker.id, periods=form.parsed_periods),
                  success=_("Availability saved."), then=url_for("labour.worker", worker_id=worker.id)) \
        or _worker_page(worker, availability_form=form)


@bp.post("/runs")
@roles(*STAFF)
def new_run():
    """Queue a solve of a county's schedule (it runs in the background)."""
    form = RunForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            schedule = create_run(db.session, actor=current_actor(), now=utcnow(), city_code=form.city_code.data,
                                  county=form.county.data, start_date=form.start_date.data,
                                  end_date=form.end_date.data, time_limit_seconds=form.time_limit_seconds.data)
            run_id = schedule.id
        if done:
            # End this request's transaction first: with the queue inline (tests, no Redis) the job writes too.
            db.session.rollback()
            start_schedule_run(current_app._get_current_object(), run_id)
            flash(_("The schedule is being solved."), "success")
            return redirect(url_for("labour.run", run_id=run_id))
    return render_template("labour/index.html", demands=list_demands(db.session, actor=current_actor()),
                           runs=[], contracts=[], run_form=form, now=utcnow(), staff=True), form_status(form)


@bp.get("/runs/<int:run_id>")
@roles(*STAFF)
def run(run_id: int):
    """A run: progress, coverage, unmet demand with reasons, assignments; publish when solved."""
    schedule = get_run(db.session, actor=current_actor(), run_id=run_id)
    assignments = run_assignments(db.session, schedule) if schedule.status in ("solved", "published") else []
    if request.args.get("export") == "xlsx":
        return workbook_download(schedule_workbook(schedule, assignments, _), f"schedule-{schedule.id}.xlsx")
    return render_template("labour/run.html", run=schedule, assignments=assignments, now=utcnow(),
                           form=ConfirmForm(formdata=None))


@bp.post("/runs/<int:run_id>/publish")
@roles(*STAFF)
def publish(run_id: int):
    """Publish a solved run: workers are notified (record and SMS) and contracts drafted."""
    sms = sms_backend(current_app.config.get("SMS_BACKEND", "console"))
    return one_click(ConfirmForm(), lambda: publish_run(db.session, actor=current_actor(), now=utcnow(),
                                                        run_id=run_id, sms=sms),
                     success=_("Schedule published; the workers have been notified."),
                     then=url_for("labour.run", run_id=run_id))


@bp.post("/assignments/<int:assignment_id>/pin")
@roles(*STAFF)
def pin(assignment_id: int):
    """Keep an assignment through later re-runs (or release it)."""
    assignment = db.session.get(Assignment, assignment_id)
    back = url_for("labour.run", run_id=assignment.run_id) if assignment and assignment.run_id \
        else url_for("labour.index")
    keep = request.form.get("pinned") == "1"
    return one_click(ConfirmForm(), pin_assignment, assignment_id=assignment_id, pinned=keep,
                     success=_("Assignment pinned: re-runs keep it.") if keep else _("Assignment released."),
                     then=back)


def _contract_page(contract, **forms):
    today = local_date(utcnow())
    hours_form = forms.get("hours_form") or HoursForm(formdata=None, day=today)
    payment_form = forms.get("payment_form") or PaymentForm(formdata=None, paid_on=today)
    actor = current_actor()
    return render_template("labour/contract.html", contract=contract, hours_form=hours_form,
                           payment_form=payment_form, confirm_form=ConfirmForm(formdata=None),
                           worker_form=WorkerConfirmForm(formdata=None),
                           employer=actor.has_role(Role.ENTERPRISE_HR) and
                           actor.organisation_id == contract.demand.enterprise_id,
                           staff=actor.has_role(Role.ADMIN)), form_status(hours_form, payment_form)


@bp.get("/contracts/<int:contract_id>")
@roles(*USERS)
def contract(contract_id: int):
    """A seasonal contract: confirmations, hours and payments."""
    return _contract_page(get_contract(db.session, actor=current_actor(), contract_id=contract_id))


@bp.get("/contracts/<int:contract_id>/pdf")
@roles(*USERS)
def contract_file(contract_id: int):
    """The contract as a Chinese PDF."""
    data = contract_pdf(db.session, actor=current_actor(), contract_id=contract_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"contract-{contract_id}.pdf")


@bp.post("/contracts/<int:contract_id>/employer-confirm")
@roles(Role.ENTERPRISE_HR)
def employer_confirm(contract_id: int):
    """The employer confirms online."""
    return one_click(ConfirmForm(), confirm_as_employer, contract_id=contract_id,
                     success=_("Contract confirmed for the employer."),
                     then=url_for("labour.contract", contract_id=contract_id))


@bp.post("/contracts/<int:contract_id>/worker-confirm")
@roles(*STAFF)
def worker_confirm(contract_id: int):
    """Record the worker's confirmation, taken in person or by SMS code."""
    return one_click(WorkerConfirmForm(), confirm_as_worker, fields=("method",), contract_id=contract_id,
                     success=_("The worker's confirmation is recorded."),
                     then=url_for("labour.contract", contract_id=contract_id))


@bp.post("/contracts/<int:contract_id>/hours")
@roles(Role.ENTERPRISE_HR)
def hours(contract_id: int):
    """The employer records a day's hours."""
    contract = get_contract(db.session, actor=current_actor(), contract_id=contract_id)
    form = HoursForm()
    return submit(form, record_hours, fields=("day", "hours", "pieces"), contract_id=contract.id,
                  success=_("Hours recorded; the worker confirms them."),
                  then=url_for("labour.contract", contract_id=contract.id)) or _contract_page(contract, hours_form=form)


@bp.post("/hours/<int:log_id>/confirm")
@roles(*STAFF)
def confirm_log(log_id: int):
    """Record the worker's confirmation of a day's hours."""
    log = db.session.get(WorkLog, log_id)
    back = url_for("labour.contract", contract_id=log.contract_id) if log else url_for("labour.index")
    return one_click(WorkerConfirmForm(), confirm_hours, fields=("method",), log_id=log_id,
                     success=_("The worker confirmed the hours."), then=back)


@bp.post("/contracts/<int:contract_id>/payments")
@roles(Role.ENTERPRISE_HR)
def payment(contract_id: int):
    """The employer records a wage payment; a difference to the confirmed hours is flagged."""
    contract = get_contract(db.session, actor=current_actor(), contract_id=contract_id)
    form = PaymentForm()
    return submit(form, record_payment, fields=("paid_on", "period_start", "period_end", "amount", "reference"),
                  contract_id=contract.id, success=lambda p: _("Payment recorded: %(diff)s yuan different from the "
                                                               "confirmed hours.", diff=p.difference)
                  if p.flagged else _("Payment recorded; it matches the confirmed hours."),
                  then=url_for("labour.contract", contract_id=contract.id)) \
        or _contract_page(contract, payment_form=form)


@bp.get("/forecast")
@roles(*USERS)
def forecast():
    """A county's peak forecast with the labour available."""
    form = ForecastForm(request.args)
    result = None
    if request.args and form.validate():
        result = county_forecast(db.session, city_code=form.city_code.data, county=form.county.data.strip(),
                                 start=form.start.data, end=form.end.data)
    return render_template("labour/forecast.html", form=form, forecast=result), form_status(form)
