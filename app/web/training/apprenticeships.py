"""Apprenticeship pages: enterprises record, file, train and complete apprentices; subsidies for all three roles."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.roles import ENTERPRISE_READERS as READERS
from app.accounts.roles import ENTERPRISE_RECORDERS as KEEPERS
from app.accounts.roles import Role
from app.certification.lifecycle import certificates_by_source
from app.clock import local_date
from app.database import utcnow
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
from app.web.actions import form_status, one_click, render_form, submit
from app.web.downloads import storage_dir, stored_file
from app.web.forms import blank_first, occupation_choices, offer_enterprises
from app.web.page_forms import PageForm, submit_page_form
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

bp = Blueprint("apprenticeships", __name__, url_prefix="/apprenticeships")


@bp.get("")
@roles(*READERS)
def index():
    """Apprentices in the actor's scope."""
    status = request.args.get("status") or None
    return render_template("training/apprenticeships.html", status=status or "",
                           records=list_apprenticeships(db.session, actor=current_actor(), status=status))


def _prepare(form: ApprenticeshipForm) -> ApprenticeshipForm:
    actor = current_actor()
    form.person_id.choices = blank_first((p.id, f"{p.name}  {p.id_masked}")
                                         for p in list_people(db.session, actor=actor, limit=1000))
    form.institution_id.choices = blank_first((o.id, o.name) for o in institutions(db.session))
    form.occupation_id.choices = occupation_choices()
    offer_enterprises(form, actor.has_role(Role.ADMIN))
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles(*KEEPERS)
def new():
    """Record a planned apprenticeship; refusals (contract, period, levels) stay on the form with the input."""
    form = _prepare(ApprenticeshipForm())
    return submit(form, create_apprenticeship,
                  fields=("person_id", "institution_id", "occupation_id", "target_level_digit", "contract_start",
                          "contract_end", "planned_start", "planned_end", "mentor_name", "mentor_level_digit",
                          "teacher_name"),
                  variant_name=form.variant_name.data or None,
                  enterprise_id=form.enterprise_id.data if form.enterprise_id else None,
                  success=_("Apprenticeship recorded. Upload the three documents, then file it."),
                  then=lambda record: _shown(record.id)) or render_form("training/apprenticeship_form.html", form)


def _page(apprenticeship_id: int, **forms):
    """The apprenticeship page; forms passed in (refused ones) keep their input and set the status."""
    actor = current_actor()
    record = get_apprenticeship(db.session, actor=actor, apprenticeship_id=apprenticeship_id)
    today = local_date(utcnow())
    context = {
        "record": record, "today": today, "award": apprentice_grade_award(db.session, record),
        "certificate": certificates_by_source(db.session, source_type="apprenticeship",
                                              source_ids=[record.id]).get(record.id),
        "can_issue": actor.has_role(Role.ADMIN) or (
            actor.has_role(Role.INSTITUTION_STAFF) and record.institution_id == actor.organisation_id),
        "position": subsidy_position(db.session, record),
        "document_form": forms.get("document_form") or DocumentForm(formdata=None),
        "logbook_form": forms.get("logbook_form") or LogbookForm(formdata=None, entry_date=today),
        "award_form": forms.get("award_form") or AwardForm(formdata=None, awarded_on=today),
        "payment_form": forms.get("payment_form") or PaymentForm(formdata=None, paid_on=today),
        "status_form": forms.get("status_form") or ApprenticeshipStatusForm(formdata=None),
        "blank_status_form": ApprenticeshipStatusForm(formdata=None), "sign_form": ConfirmForm(formdata=None),
        "can_keep": actor.has_role(*KEEPERS) and (actor.has_role(Role.ADMIN)
                                                  or record.enterprise_id == actor.organisation_id),
    }
    return render_template("training/apprenticeship.html", **context), form_status(*forms.values())


def _shown(apprenticeship_id: int, anchor: str | None = None) -> str:
    return url_for("apprenticeships.show", apprenticeship_id=apprenticeship_id, _anchor=anchor)


@bp.get("/<int:apprenticeship_id>")
@roles(*READERS)
def show(apprenticeship_id: int):
    """Documents, logbook, grade, state changes and subsidy position of one apprenticeship."""
    return _page(apprenticeship_id)


@bp.post("/<int:apprenticeship_id>/documents")
@roles(*KEEPERS)
def documents(apprenticeship_id: int):
    """Upload (or replace, before filing) one of the three documents."""
    form = DocumentForm()
    return submit(form, lambda: upload_document(
        db.session, actor=current_actor(), now=utcnow(), apprenticeship_id=apprenticeship_id, kind=form.kind.data,
        filename=form.file.data.filename, data=form.file.data.read(), storage_dir=storage_dir(), fee=form.fee.data,
    ), success=_("Document uploaded."), then=_shown(apprenticeship_id, "documents")) \
        or _page(apprenticeship_id, document_form=form)


@bp.get("/documents/<int:document_id>")
@roles(*READERS)
def document(document_id: int):
    """Download a stored document (to users who may see its apprenticeship)."""
    found = get_document(db.session, actor=current_actor(), document_id=document_id)
    return send_file(stored_file(found.path), mimetype=found.content_type, as_attachment=True,
                     download_name=found.filename)


_ENTRIES = {  # the kind is also the form's name on the page: f"{kind}_form"
    "logbook": PageForm(LogbookForm, add_logbook_entry, ("entry_date", "work_done", "skills", "hours"),
                        _l("Logbook entry added."), "logbook"),
    "award": PageForm(AwardForm, award_apprentice_grade, ("awarded_on",), _l("Apprentice grade awarded.")),
    "status": PageForm(ApprenticeshipStatusForm, change_apprenticeship_status, ("to_status", "reason"),
                       _l("Status changed.")),
    "payment": PageForm(PaymentForm, record_subsidy_payment, ("kind", "amount", "paid_on", "reference"),
                        _l("Payment recorded."), "subsidy"),
}


def _post(apprenticeship_id: int, kind: str):
    return submit_page_form(_ENTRIES[kind], apprenticeship_id=apprenticeship_id,
                            then=lambda anchor: _shown(apprenticeship_id, anchor),
                            page=lambda form: _page(apprenticeship_id, **{f"{kind}_form": form}))


@bp.post("/<int:apprenticeship_id>/logbook", endpoint="logbook", defaults={"kind": "logbook"})
@bp.post("/<int:apprenticeship_id>/award", endpoint="award", defaults={"kind": "award"})
@bp.post("/<int:apprenticeship_id>/status", endpoint="status", defaults={"kind": "status"})
@roles(*KEEPERS)
def keep(apprenticeship_id: int, kind: str):
    """Add a logbook entry, award the 学徒工 grade, or file, start, complete or terminate (confirmed, with a reason)."""
    return _post(apprenticeship_id, kind)


@bp.post("/<int:apprenticeship_id>/payments")
@roles(Role.ADMIN)
def payment(apprenticeship_id: int):
    """Book an advance, final payment or recovery."""
    return _post(apprenticeship_id, "payment")


@bp.post("/logbook/<int:entry_id>/sign")
@roles(*KEEPERS)
def sign(entry_id: int):
    """Sign a logbook entry off for the mentor (a refusal is flashed)."""
    apprenticeship_id = request.form.get("apprenticeship_id", type=int)  # where a refusal goes back to
    if not apprenticeship_id:
        abort(400)
    return one_click(ConfirmForm(), sign_logbook_entry, entry_id=entry_id, success=_("Signed off for the mentor."),
                     then=lambda entry: _shown(entry.apprenticeship_id, "logbook"),
                     back=_shown(apprenticeship_id, "logbook"))


def _subsidies_page(form: RateForm | None = None):
    return render_template("training/subsidies.html", groups=subsidy_summary(db.session, actor=current_actor()),
                           rates=list_rates(db.session), rate_label=rate_label,
                           rate_form=form or RateForm(formdata=None),
                           seed_form=ConfirmForm(formdata=None)), form_status(form)


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
    return submit(form, add_subsidy_rate,
                  fields=("level_digit", "amount_per_year", "effective_from", "effective_to", "note"),
                  city_code=form.city_code.data or None, success=_("Rate added."),
                  then=url_for("apprenticeships.subsidies")) or _subsidies_page(form)


@bp.post("/subsidies/rates/defaults")
@roles(Role.ADMIN)
def seed_rates():
    """Load the default schedule (DOMAIN.md §6) into an empty rate table (a refusal is flashed)."""
    return one_click(ConfirmForm(), seed_subsidy_rates, fields=(),
                     success=lambda added: _("%(n)s default rates loaded.", n=added),
                     then=url_for("apprenticeships.subsidies"))
