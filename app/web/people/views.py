"""People (real-name records) pages: list, register, record, reveal, photo, import and export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.roles import PII_REVEAL_ROLES
from app.assessment.vocabulary import REGISTRATION_STATUSES, RESULT_STATUSES
from app.certification.models import KIND_LABELS
from app.database import utcnow
from app.extensions import db
from app.people.access import EDITOR_ROLES
from app.people.import_columns import KIND, MAX_ROWS, VOCABULARY
from app.people.import_jobs import UNFINISHED, get_import_job, import_problems, recent_import_jobs
from app.people.importing import import_people
from app.people.levels import level_history
from app.people.photos import set_photo
from app.people.records import add_held_certificate, add_work_record
from app.people.services import count_people, get_person, list_people, register_person, reveal_person
from app.people.workbooks import export_people_workbook, template_workbook
from app.training.enrolments import enrol_person
from app.training.projects import get_class
from app.web.access import authenticated, current_actor, roles
from app.web.actions import attempt, form_status, render_form, submit
from app.web.downloads import send_workbook, storage_dir, stored_file
from app.web.imports import Confirmed, Imported, SheetImport, run_import
from app.web.page_forms import PageForm, submit_page_form
from app.web.people.forms import HeldCertificateForm, ImportForm, PersonForm, PhotoForm, RevealForm, WorkForm
from app.web.people.import_queue import hand_over, rows_for_queue
from app.web.people.record import person_record
from app.web.query import query_page

bp = Blueprint("people", __name__, url_prefix="/people")
PAGE = 50
EDITORS = tuple(EDITOR_ROLES)


def _person(person_id: int):
    return get_person(db.session, actor=current_actor(), person_id=person_id)


@bp.get("")
@roles(*EDITORS)
def index():
    """People in the actor's scope, searchable by name, ID number or phone."""
    search = request.args.get("q", "").strip() or None
    page = query_page()
    actor = current_actor()
    people = list_people(db.session, actor=actor, search=search, limit=PAGE, offset=(page - 1) * PAGE)
    total = count_people(db.session, actor=actor, search=search)
    return render_template("people/index.html", people=people, total=total, page=page, pages=-(-total // PAGE),
                           search=search or "")


_PERSON_FIELDS = ("name", "id_type", "id_number", "birth_date", "graduated_on")


def _person_values(form) -> dict:
    """The optional details of the person form, blank as None."""
    return {"phone": form.phone.data or None, "gender": form.gender.data or None,
            "education": form.education.data or None, "school_type": form.school_type.data or None,
            "speciality": form.speciality.data or None, "target_groups": form.target_groups.data or [],
            "school_name": form.school_name.data or None, "ethnicity": form.ethnicity.data or None,
            "household_place": form.household_place.data or None}


@bp.route("/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new():
    """Register a person; a refused form keeps everything typed and names the field at fault.

    From a class (?class_id=), the person is also enrolled in it, in the same step, and the user lands back on
    the class; the class page may post its enrol box (`prefill`) to start the form with the name and ID number.
    """
    class_id = request.args.get("class_id", type=int)
    klass = get_class(db.session, actor=current_actor(), class_id=class_id) if class_id else None
    if request.method == "POST" and request.form.get("prefill"):
        form = PersonForm(formdata=None, **{key: request.form.get(key, "") for key in ("name", "id_type", "id_number")
                                           if request.form.get(key)})
        return render_form("people/new.html", form, klass=klass)
    form = PersonForm()
    if klass is None:
        return submit(form, register_person, fields=_PERSON_FIELDS, **_person_values(form),
                      success=_("Person registered."),
                      then=lambda person: url_for("people.show", person_id=person.id)) \
            or render_form("people/new.html", form)

    def register_and_enrol():
        actor, now = current_actor(), utcnow()
        person = register_person(db.session, actor=actor, now=now, **{key: form[key].data for key in _PERSON_FIELDS},
                                 **_person_values(form))
        enrol_person(db.session, actor=actor, now=now, class_id=klass.id, person_id=person.id)
        return person

    return submit(form, register_and_enrol,
                  success=lambda person: _("%(name)s registered and enrolled in %(klass)s.", name=person.name,
                                           klass=klass.name),
                  then=url_for("classes.show", class_id=klass.id, _anchor="roster")) \
        or render_form("people/new.html", form, klass=klass)


def _show(person, *, revealed=None, **forms):
    context = {
        "person": person, "history": level_history(db.session, person.id), "revealed": revealed,
        "record": person_record(db.session, actor=current_actor(), person_id=person.id),
        "registration_labels": REGISTRATION_STATUSES, "result_labels": RESULT_STATUSES, "kind_labels": KIND_LABELS,
        "can_reveal": current_actor().has_role(*PII_REVEAL_ROLES),
        "reveal_form": forms.get("reveal_form") or RevealForm(formdata=None),
        "work_form": forms.get("work_form") or WorkForm(formdata=None),
        "certificate_form": forms.get("certificate_form") or HeldCertificateForm(formdata=None),
        "photo_form": forms.get("photo_form") or PhotoForm(formdata=None),
    }
    return render_template("people/show.html", **context), form_status(*forms.values())


@bp.get("/<int:person_id>")
@roles(*EDITORS)
def show(person_id: int):
    """One person's record, numbers masked."""
    return _show(_person(person_id))


@bp.post("/<int:person_id>/reveal")
@roles(*PII_REVEAL_ROLES)
def reveal(person_id: int):
    """Show the full ID and phone numbers once, on this response only; the reveal is audited."""
    person = _person(person_id)
    form = RevealForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            id_number, phone = reveal_person(db.session, actor=current_actor(), now=utcnow(), person_id=person.id,
                                             reason=form.reason.data)
        if done:
            response, status = _show(person, revealed={"id_number": id_number, "phone": phone})
            return response, status, {"Cache-Control": "no-store"}
    return _show(person, reveal_form=form)


def _occupation_code(form) -> dict:
    return {"occupation_code": form.occupation_code.data or None}


_RECORDS = {  # the kind is also the form's name on the page: f"{kind}_form"
    "work": PageForm(WorkForm, add_work_record, ("employer_name", "occupation_name", "start_date", "end_date",
                                                 "declared_years"),
                     _l("Work record added."), "work", _occupation_code),
    "certificate": PageForm(HeldCertificateForm, add_held_certificate,
                            ("number", "occupation_name", "level_digit", "issue_date", "issuer_name"),
                            _l("Certificate recorded."), "certificates", _occupation_code),
}


@bp.post("/<int:person_id>/work", endpoint="add_work", defaults={"kind": "work"})
@bp.post("/<int:person_id>/certificates", endpoint="add_certificate", defaults={"kind": "certificate"})
@roles(*EDITORS)
def add_record(person_id: int, kind: str):
    """Add a stretch of work, or a certificate the person already holds."""
    person = _person(person_id)
    return submit_page_form(_RECORDS[kind], person_id=person.id,
                            then=lambda anchor: url_for("people.show", person_id=person.id, _anchor=anchor),
                            page=lambda form: _show(person, **{f"{kind}_form": form}))


@bp.post("/<int:person_id>/photo")
@roles(*EDITORS)
def upload_photo(person_id: int):
    """Check and store a 1-inch photo."""
    person = _person(person_id)
    form = PhotoForm()
    return submit(form, lambda: set_photo(db.session, actor=current_actor(), now=utcnow(), person_id=person.id,
                                          data=form.photo.data.read(), storage_dir=storage_dir()),
                  success=_("Photo saved."), then=url_for("people.show", person_id=person.id)) \
        or _show(person, photo_form=form)


@bp.get("/<int:person_id>/photo")
@roles(*EDITORS)
def photo(person_id: int):
    """The person's stored photo, to users who may see the person."""
    person = _person(person_id)
    if not person.photo_path:
        abort(404)
    mimetype = "image/png" if person.photo_path.endswith(".png") else "image/jpeg"
    return send_file(stored_file(person.photo_path), mimetype=mimetype, max_age=0)


PEOPLE_SHEET = SheetImport(KIND, VOCABULARY, lambda: _("people-import-errors.xlsx"), MAX_ROWS)


@bp.route("/import", methods=["GET", "POST"])
@roles(*EDITORS)
def import_sheet():
    """Import people with work history from Excel or CSV: all rows or none, every bad row reported."""
    form = ImportForm()
    imported = run_import(form, PEOPLE_SHEET, lambda table, mapping: import_people(
        db.session, actor=current_actor(), now=utcnow(), table=table, mapping=mapping), defer=_queue_if_long)
    result = imported.result
    if imported.job_url:
        return redirect(imported.job_url)
    if imported.done:
        flash(_("Imported: %(c)s new, %(u)s completed, %(n)s unchanged, %(w)s work records added.",
                c=result.created, u=result.updated, n=result.unchanged, w=result.work_records_added), "success")
        return redirect(url_for("people.index"))
    jobs = recent_import_jobs(db.session, actor=current_actor()) if not imported.previewing else []
    return render_template("people/import.html", form=form, imported=imported, jobs=jobs), form_status(form)


def _queue_if_long(confirmed: Confirmed) -> str | None:
    """A sheet of more rows than PEOPLE_IMPORT_INTERACTIVE_ROWS goes to the task queue: its job's page."""
    rows = rows_for_queue(confirmed.table, confirmed.mapping)
    if rows is None:
        return None
    handed = hand_over(confirmed.data, confirmed.filename, rows=rows, mapping=confirmed.mapping,
                       remember=confirmed.remember, pending=confirmed.token)
    if not handed.queued:
        flash(_("The task queue could not be reached, so the import ran here instead."), "warning")
    return url_for("people.import_job", job_id=handed.job_id)


@bp.get("/imports/<int:job_id>")
@roles(*EDITORS)
def import_job(job_id: int):
    """A long import's page: progress while it runs (the page reloads itself), then its outcome."""
    job = get_import_job(db.session, actor=current_actor(), job_id=job_id)
    imported = Imported()
    if job.status == "invalid":
        imported.errors = import_problems(storage_dir(), job) or []
        if imported.errors and job.created_by_id == current_actor().id:
            imported.error_url = url_for("downloads.fetch", token=job.report_token)
    return render_template("people/import_job.html", job=job, imported=imported,
                           refresh=job.status in UNFINISHED)


@bp.get("/import/template.xlsx")
@authenticated
def import_template():
    """The import template with an example row and notes on each column."""
    return send_workbook(template_workbook(_), _("people-import-template.xlsx"))


@bp.get("/export.xlsx")
@roles(*EDITORS)
def export():
    """The people in scope (matching the search) as Excel, numbers masked."""
    search = request.args.get("q", "").strip() or None
    people = list_people(db.session, actor=current_actor(), search=search, limit=100_000)
    return send_workbook(export_people_workbook(people, _), _("people.xlsx"))


