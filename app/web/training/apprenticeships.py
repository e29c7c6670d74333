"""Apprenticeship pages: enterprises record, file, train and complete apprentices; subsidies for all three roles."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.catalog.occupations import list_occupations
from app.certification.lifecycle import certificates_by_source
from app.database import utcnow
from app.demand.services import enterprises
from app.errors import DomainError, NotFound
from app.extensions import db
from app.people.services import list_people
from app.training.apprenticeship_records import (
    add_logbook_entry,
    apprentice_grade_award,
    award_apprentice_grade,
    get_document,
    sign_logbook_entry,
    upload_document,
)
from app.training.apprenticeships import (
    change_apprenticeship_status,
    create_apprenticeship,
    get_apprenticeship,
    institutions,
    list_apprenticeships,
)
from app.training.subsidies import (
    add_subsidy_rate,
    list_rates,
    rate_label,
    record_subsidy_payment,
    seed_subsidy_rates,
    subsidy_position,
    subsidy_summary,
)
from app.web.access import current_actor, roles
from app.web.forms import attach_error, choices
from app.web.training.apprenticeship_forms import (
    ApprenticeshipForm,
    ApprenticeshipStatusForm,
    AwardForm,
    ConfirmForm,
    DocumentForm,
    LogbookForm,
    PaymentForm,
    RateForm,
)
from app.web.training.labels import init_labels

bp = Blueprint("apprenticeships", __name__, url_prefix="/apprenticeships")
bp.record_once(lambda state: init_labels(state.app))
READERS = (Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.ADMIN)
KEEPERS = (Role.ENTERPRISE_HR, Role.ADMIN)


def _record_or_404(apprenticeship_id: int):
    try:
        return get_apprenticeship(db.session, actor=current_actor(), apprenticeship_id=apprenticeship_id)
    except NotFound:
        abort(404)


@bp.get("")
@roles(*READERS)
def index():
    """Apprentices in the actor's scope."""
    status = request.args.get("status") or None
    return render_template("training/apprenticeships.html", status=status or "",
                           records=list_apprenticeships(db.session, actor=current_actor(), status=status))


def _prepare(form: ApprenticeshipForm) -> ApprenticeshipForm:
    actor = current_actor()
    form.person_id.choices = choices([("", "—")] + [(p.id, f"{p.name}  {p.id_masked}")
                                                    for p in list_people(db.session, actor=actor, limit=1000)])
    form.institution_id.choices = choices([("", "—")] + [(o.id, o.name) for o in institutions(db.session)])
    form.occupation_id.choices = choices([("", "—")] + [(o.id, f"{o.code} {o.name}")
                                                        for o in list_occupations(db.session, active_only=True)])
    if actor.has_role(Role.ADMIN):
        form.enterprise_id.choices = choices([("", "—")] + [(o.id, o.name) for o in enterprises(db.session)])
    else:
        del form.enterprise_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles(*KEEPERS)
def new():
    """Record a planned apprenticeship; refusals (contract, period, levels) stay on the form with the input."""
    form = _prepare(ApprenticeshipForm())
    if form.validate_on_submit():
        try:
            record = create_apprenticeship(
                db.session, actor=current_actor(), now=utcnow(), person_id=form.person_id.data,
                institution_id=form.institution_id.data, occupation_id=form.occupation_id.data,
                target_level_digit=form.target_level_digit.data, contract_start=form.contract_start.data,
                contract_end=form.contract_end.data, planned_start=form.planned_start.data,
                planned_end=form.planned_end.data, mentor_name=form.mentor_name.data,
                mentor_level_digit=form.mentor_level_digit.data, teacher_name=form.teacher_name.data,
                variant_name=form.variant_name.data or None,
                enterprise_id=form.enterprise_id.data if form.enterprise_id else None,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Apprenticeship recorded. Upload the three documents, then file it."), "success")
            return redirect(url_for("apprenticeships.show", apprenticeship_id=record.id))
    return render_template("training/apprenticeship_form.html", form=form)


def _page(apprenticeship_id: int, *, status: int = 200, **forms):
    record = _record_or_404(apprenticeship_id)
    today = utcnow().date()
    context = {
        "record": record, "today": today, "award": apprentice_grade_award(db.session, record),
        "certificate": certificates_by_source(db.session, source_type="apprenticeship",
                                              source_ids=[record.id]).get(record.id),
        "can_issue": current_actor().has_role(Role.ADMIN) or (
            current_actor().has_role(Role.INSTITUTION_STAFF) and record.institution_id == current_actor().organisation_id),
        "position": subsidy_position(db.session, record),
        "document_form": forms.get("document_form") or DocumentForm(formdata=None),
        "logbook_form": forms.get("logbook_form") or LogbookForm(formdata=None, entry_date=today),
        "award_form": forms.get("award_form") or AwardForm(formdata=None, awarded_on=today),
        "payment_form": forms.get("payment_form") or PaymentForm(formdata=None, paid_on=today),
        "status_form": ApprenticeshipStatusForm(formdata=None), "sign_form": ConfirmForm(formdata=None),
        "can_keep": current_actor().has_role(*KEEPERS) and (current_actor().has_role(Role.ADMIN)
                                                          or record.enterprise_id == current_actor().organisation_id),
    }
    return render_template("training/apprenticeship.html", **context), status


@bp.get("/<int:apprenticeship_id>")
@roles(*READERS)
def show(apprenticeship_id: int):
    """Documents, logbook, grade, state changes and subsidy position of one apprenticeship."""
    return _page(apprenticeship_id)


def _run(apprenticeship_id: int, form, call, done: str, anchor: str, form_name: str):
    """Validate, call one service, commit and redirect; or show the page again with the refusal on the form."""
    if form.validate_on_submit():
        try:
            call(form)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("apprenticeships.show", apprenticeship_id=apprenticeship_id) + anchor)
    return _page(apprenticeship_id, status=400, **{form_name: form})


@bp.post("/<int:apprenticeship_id>/documents")
@roles(*KEEPERS)
def documents(apprenticeship_id: int):
    """Upload (or replace, before filing) one of the three documents."""
    storage = Path(current_app.config["FILE_STORAGE_DIR"])
    return _run(apprenticeship_id, DocumentForm(), lambda f: upload_document(
        db.session, actor=current_actor(), now=utcnow(), apprenticeship_id=apprenticeship_id, kind=f.kind.data,
        filename=f.file.data.filename, data=f.file.data.read(), storage_dir=storage, fee=f.fee.data,
    ), _("Document uploaded."), "#documents", "document_form")


@bp.get("/documents/<int:document_id>")
@roles(*READERS)
def document(document_id: int):
    """Download a stored document (to users who may see its apprenticeship)."""
    try:
        found = get_document(db.session, actor=current_actor(), document_id=document_id)
    except NotFound:
        abort(404)
    path = Path(current_app.config["FILE_STORAGE_DIR"]) / found.path
    if not path.is_file():
        abort(404)  # the row outlived its file (e.g. demo data loaded outside the app)
    return send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename)


@bp.post("/<int:apprenticeship_id>/logbook")
@roles(*KEEPERS)
def logbook(apprenticeship_id: int):
    """Add a logbook entry."""
    return _run(apprenticeship_id, LogbookForm(), lambda f: add_logbook_entry(
        db.session, actor=current_actor(), now=utcnow(), apprenticeship_id=apprenticeship_id,
        entry_date=f.entry_date.data, work_done=f.work_done.data, skills=f.skills.data, hours=f.hours.data,
    ), _("Logbook entry added."), "#logbook", "logbook_form")


@bp.post("/logbook/<int:entry_id>/sign")
@roles(*KEEPERS)
def sign(entry_id: int):
    """Sign a logbook entry off for the mentor."""
    apprenticeship_id = request.form.get("apprenticeship_id", type=int)
    if ConfirmForm().validate_on_submit():
        try:
            entry = sign_logbook_entry(db.session, actor=current_actor(), now=utcnow(), entry_id=entry_id)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            apprenticeship_id = entry.apprenticeship_id
            flash(_("Signed off for the mentor."), "success")
    if not apprenticeship_id:
        abort(400)
    return redirect(url_for("apprenticeships.show", apprenticeship_id=apprenticeship_id) + "#logbook")


@bp.post("/<int:apprenticeship_id>/award")
@roles(*KEEPERS)
def award(apprenticeship_id: int):
    """Award the 学徒工 grade."""
    return _run(apprenticeship_id, AwardForm(), lambda f: award_apprentice_grade(
        db.session, actor=current_actor(), now=utcnow(), apprenticeship_id=apprenticeship_id,
        awarded_on=f.awarded_on.data,
    ), _("Apprentice grade awarded."), "", "award_form")


@bp.post("/<int:apprenticeship_id>/status")
@roles(*KEEPERS)
def status(apprenticeship_id: int):
    """File, start, complete or terminate; refusals are shown at the top of the page."""
    form = ApprenticeshipStatusForm()
    if form.validate_on_submit():
        try:
            change_apprenticeship_status(db.session, actor=current_actor(), now=utcnow(),
                                         apprenticeship_id=apprenticeship_id, to_status=form.to_status.data,
                                         reason=form.reason.data)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Status changed."), "success")
    return redirect(url_for("apprenticeships.show", apprenticeship_id=apprenticeship_id))


@bp.post("/<int:apprenticeship_id>/payments")
@roles(Role.ADMIN)
def payment(apprenticeship_id: int):
    """Book an advance, final payment or recovery."""
    return _run(apprenticeship_id, PaymentForm(), lambda f: record_subsidy_payment(
        db.session, actor=current_actor(), now=utcnow(), apprenticeship_id=apprenticeship_id, kind=f.kind.data,
        amount=f.amount.data, paid_on=f.paid_on.data, reference=f.reference.data,
    ), _("Payment recorded."), "#subsidy", "payment_form")


def _subsidies_page(form: RateForm | None = None, status: int = 200):
    return render_template("training/subsidies.html", groups=subsidy_summary(db.session, actor=current_actor()),
                           rates=list_rates(db.session), rate_label=rate_label,
                           rate_form=form or RateForm(formdata=None), seed_form=ConfirmForm(formdata=None)), status


@bp.get("/subsidies")
@roles(Role.ENTERPRISE_HR, Role.ADMIN)
def subsidies():
    """Per enterprise: subsidy due, advanced, outstanding and to recover; the rate schedule."""
    return _subsidies_page()


@bp.post("/subsidies/rates")
@roles(Role.ADMIN)
def add_rate():
    """Add a row to the subsidy schedule."""
    form = RateForm()
    if form.validate_on_submit():
        try:
            add_subsidy_rate(db.session, actor=current_actor(), now=utcnow(), level_digit=form.level_digit.data,
                             amount_per_year=form.amount_per_year.data, effective_from=form.effective_from.data,
                             city_code=form.city_code.data or None, effective_to=form.effective_to.data,
                             note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Rate added."), "success")
            return redirect(url_for("apprenticeships.subsidies"))
    return _subsidies_page(form, status=400)


@bp.post("/subsidies/rates/defaults")
@roles(Role.ADMIN)
def seed_rates():
    """Load the default schedule (DOMAIN.md §6) into an empty rate table."""
    if ConfirmForm().validate_on_submit():
        try:
            added = seed_subsidy_rates(db.session, now=utcnow(), actor=current_actor())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(n)s default rates loaded.", n=added), "success")
    return redirect(url_for("apprenticeships.subsidies"))
