"""Studio and base pages: the registry, an application's materials and review, and a studio's records.

The host organisation's staff (enterprise HR or institution staff) work for their own studios; a studio
leader has no account role, so the host's staff record on the leader's behalf. Administrators see every
studio and decide on applications.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Organisation
from app.accounts.roles import OrgKind, Role
from app.assessment.models import AssessmentPlan
from app.catalog.ladder import grade_by_key
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.people.access import visible_clause
from app.people.models import Person
from app.regions import city_name
from app.studios import vocabulary
from app.studios.ledger import (
    attach_evidence,
    balances,
    ledger_entries,
    record_grant,
    record_spending,
    withdraw_entry,
)
from app.studios.models import FundEntry, HostedClass, StudioActivity, StudioMaterial
from app.studios.records import (
    add_apprenticeship,
    apprentice_progress,
    end_apprenticeship,
    host_event,
    link_teaching,
    record_activity,
    teaching_hours,
)
from app.studios.registry import (
    StudioDetails,
    add_annual_document,
    add_material,
    add_member,
    approve_application,
    confirm_listing,
    create_application,
    leader_grade,
    missing_materials,
    reject_application,
    submit_application,
    withdraw_application,
)
from app.studios.report import annual_report, report_pdf, report_workbook
from app.studios.rubric import PANEL_ITEMS
from app.studios.scope import USERS, get_studio, list_studios
from app.studios.vocabulary import MATERIAL_KINDS
from app.training.models import ClassSession, TrainingClass
from app.translation import joined
from app.web.access import current_actor, roles
from app.web.actions import one_click, render_form, submit
from app.web.downloads import send_workbook, storage_dir, stored_file
from app.web.forms import blank_first
from app.web.page_forms import PageForm
from app.web.studios.forms import (
    ActivityForm,
    AnnualForm,
    ApplicationForm,
    ApprenticeForm,
    EvidenceForm,
    GrantForm,
    HostedForm,
    MaterialForm,
    MemberForm,
    ReasonForm,
    SpendingForm,
    TeachingForm,
)

bp = Blueprint("studios", __name__, url_prefix="/studios")
PDF = "application/pdf"


@bp.context_processor
def _vocabulary() -> dict:
    """The studio vocabularies (marked labels) for this blueprint's templates, as `V`."""
    return {"V": vocabulary, "city_name": city_name, "panel_items": PANEL_ITEMS,
            "grade_name": lambda key: grade_by_key(key).name}


def _studio(studio_id: int):
    return get_studio(db.session, actor=current_actor(), studio_id=studio_id)


def _people_choices(limit: int = 500):
    rows = db.session.execute(select(Person.id, Person.name, Person.id_masked)
                              .where(visible_clause(current_actor())).order_by(Person.name).limit(limit)).all()
    return blank_first((p.id, f"{p.name} {p.id_masked}") for p in rows)


@bp.get("")
@roles(*USERS)
def index():
    """Studios and bases in scope, by kind and name."""
    studios = list_studios(db.session, actor=current_actor(), kind=request.args.get("kind") or None)
    return render_template("studios/index.html", studios=studios)


def _application_form() -> ApplicationForm:
    form = ApplicationForm()
    form.leader_id.choices = _people_choices()
    if current_actor().has_role(Role.ADMIN):
        hosts = db.session.scalars(select(Organisation).where(
            Organisation.kind.in_((OrgKind.ENTERPRISE, OrgKind.INSTITUTION))).order_by(Organisation.name))
        form.host_org_id.choices = blank_first((o.id, o.name) for o in hosts)
    else:
        del form.host_org_id
    return form


def _details(form: ApplicationForm) -> StudioDetails:
    return StudioDetails(
        kind=form.kind.data, name=form.name.data, tier=form.tier.data, occupations=form.occupations.data,
        leader_id=form.leader_id.data, host_org_id=form.host_org_id.data if form.host_org_id else None,
        premises=form.premises.data, equipment=form.equipment.data,
        floor_area_band=form.floor_area_band.data or None, trade_count_band=form.trade_count_band.data or None)


@bp.route("/new", methods=["GET", "POST"])
@roles(*USERS)
def new():
    """Start an application; a refused form keeps what was typed."""
    form = _application_form()
    return submit(form, lambda: create_application(db.session, actor=current_actor(), now=utcnow(),
                                                   details=_details(form)),
                  success=_("Application saved as a draft: attach the required materials, then submit it."),
                  then=_shown) or render_form("studios/form.html", form)


def _shown(studio, anchor: str | None = None) -> str:
    return url_for("studios.show", studio_id=studio.id, _anchor=anchor)


def _page_forms(studio, given: dict) -> dict:
    today = local_date(utcnow())
    # Each form of the page has its own prefix, so that no two fields share an id.
    forms = {name: given.get(name) or cls(formdata=None, prefix=name) for name, cls in (
        ("material", MaterialForm), ("member", MemberForm), ("apprentice", ApprenticeForm),
        ("activity", ActivityForm), ("teaching", TeachingForm), ("grant", GrantForm), ("spending", SpendingForm),
        ("evidence", EvidenceForm), ("hosted", HostedForm), ("annual", AnnualForm))}
    if forms["annual"].year.data is None:
        forms["annual"].year.data = today.year
    forms["reason"] = given.get("reason") or ReasonForm(formdata=None)  # the confirmation step names it `reason`
    people = _people_choices()
    team = blank_first((m.person_id, m.person.name) for m in studio.members)
    forms["member"].person_id.choices = people
    forms["apprentice"].master_id.choices = team
    forms["apprentice"].apprentice_id.choices = people
    forms["teaching"].person_id.choices = team
    names = [m.person.name for m in studio.members]
    taught = db.session.scalars(select(TrainingClass).join(ClassSession).where(ClassSession.teacher.in_(names))
                                .distinct().order_by(TrainingClass.start_date.desc()).limit(200)) if names else []
    forms["teaching"].class_id.choices = blank_first((c.id, f"{c.project.name} {c.name}") for c in taught)
    classes = db.session.scalars(select(TrainingClass).order_by(TrainingClass.start_date.desc()).limit(200))
    forms["hosted"].class_id.choices = blank_first((c.id, f"{c.project.name} {c.name}") for c in classes)
    plans = db.session.scalars(select(AssessmentPlan).order_by(AssessmentPlan.id.desc()).limit(200))
    forms["hosted"].plan_id.choices = blank_first((p.id, p.title) for p in plans)
    for name in ("activity", "grant", "spending"):
        if forms[name].dated_on.data is None:
            forms[name].dated_on.data = today
    if forms["member"].joined_on.data is None:
        forms["member"].joined_on.data = today
    return forms


def _show(studio, **given):
    today = local_date(utcnow())
    year = today.year
    forms = _page_forms(studio, given)
    entries = ledger_entries(db.session, studio.id)
    context = {
        "studio": studio, "today": today, "year": year, "forms": forms,
        "missing": missing_materials(studio), "material_labels": MATERIAL_KINDS,
        "missing_labels": joined(MATERIAL_KINDS[kind] for kind in missing_materials(studio)),
        "leader_grade": leader_grade(db.session, studio.leader_id, today) if studio.leader_id else None,
        "progress": apprentice_progress(db.session, studio.id),
        "activities": db.session.scalars(select(StudioActivity).where(StudioActivity.studio_id == studio.id)
                                         .order_by(StudioActivity.dated_on.desc())).all(),
        "hours": teaching_hours(db.session, studio.id, first=today.replace(month=1, day=1), last=today),
        "entries": entries, "balances": balances(entries),
        "hosted": db.session.scalars(select(HostedClass).where(HostedClass.studio_id == studio.id)).all(),
        "is_admin": current_actor().has_role(Role.ADMIN),
    }
    refused = any(getattr(f, "refused", False) or (f.is_submitted() and f.errors) for f in given.values())
    return render_template("studios/show.html", **context), 422 if refused else 200


@bp.get("/<int:studio_id>")
@roles(*USERS)
def show(studio_id: int):
    """A studio or base with its application, team, apprentices, activities, teaching, ledger and report."""
    return _show(_studio(studio_id))


def _upload(form) -> dict:
    upload = form.file.data
    return {"data": upload.read() if upload else None, "filename": upload.filename if upload else None}


def _with_storage(form) -> dict:
    return {**_upload(form), "storage_dir": storage_dir()}


_FORMS = {  # the kind is also the form's key on the page
    "material": PageForm(MaterialForm, add_material, ("kind",), _l("Material attached."), "application",
                         extra=_with_storage),
    "member": PageForm(MemberForm, add_member, ("person_id", "joined_on"), _l("Team member added."), "team"),
    "apprentice": PageForm(ApprenticeForm, add_apprenticeship, ("master_id", "apprentice_id", "start_on", "end_on",
                                                                "goal"), _l("Agreement recorded."), "apprentices"),
    "activity": PageForm(ActivityForm, record_activity, ("kind", "title", "dated_on", "benefit", "benefit_yuan",
                                                         "people_reached"), _l("Activity recorded."), "activities"),
    "teaching": PageForm(TeachingForm, link_teaching, ("person_id", "class_id"),
                         _l("The sessions are counted as teaching hours."), "team"),
    "grant": PageForm(GrantForm, record_grant, ("source", "amount", "dated_on", "description"),
                      _l("Grant recorded."), "ledger"),
    "spending": PageForm(SpendingForm, record_spending, ("source", "category", "amount", "dated_on", "description"),
                         _l("Spending recorded."), "ledger", extra=_with_storage),
    "evidence": PageForm(EvidenceForm, attach_evidence, ("entry_id",), _l("Evidence attached."), "ledger",
                         extra=_with_storage),
    "hosted": PageForm(HostedForm, host_event, ("class_id", "plan_id"), _l("Recorded."), "hosted"),
    "annual": PageForm(AnnualForm, add_annual_document, ("kind", "year"), _l("Document attached."), "annual",
                       extra=_with_storage),
}


@bp.post("/<int:studio_id>/records/<kind>")
@roles(*USERS)
def record(studio_id: int, kind: str):
    """Post one of the studio page's forms; a refused form shows the page again with what was typed."""
    posted = _FORMS.get(kind)
    if posted is None:
        abort(404)
    studio = _studio(studio_id)
    form = posted.form(prefix=kind)
    _page_forms(studio, {kind: form})  # the choices the form is checked against
    return submit(form, posted.call, fields=posted.fields, form_extra=posted.extra, success=str(posted.success),
                  then=_shown(studio, posted.anchor), studio_id=studio.id) or _show(studio, **{kind: form})


@bp.post("/<int:studio_id>/submit")
@roles(*USERS)
def submit_for_review(studio_id: int):
    """Send the draft for review (every required material attached)."""
    studio = _studio(studio_id)
    return one_click(ReasonForm(), submit_application, studio_id=studio.id,
                     success=_("Application submitted for review."), then=_shown(studio))


@bp.post("/<int:studio_id>/agreements/<int:agreement_id>/end")
@roles(*USERS)
def end_agreement(studio_id: int, agreement_id: int):
    """End an active master–apprentice agreement."""
    studio = _studio(studio_id)
    return one_click(ReasonForm(), end_apprenticeship, studio_id=studio.id, agreement_id=agreement_id,
                     success=_("Agreement ended."), then=_shown(studio, "apprentices"))


@bp.post("/<int:studio_id>/ledger/<int:entry_id>/withdraw")
@roles(*USERS)
def withdraw_line(studio_id: int, entry_id: int):
    """Withdraw a ledger line recorded in error (a reason is required)."""
    studio = _studio(studio_id)
    return one_click(ReasonForm(), withdraw_entry, fields=("reason",), studio_id=studio.id, entry_id=entry_id,
                     success=_("Ledger line withdrawn."), then=_shown(studio, "ledger"))


@bp.post("/<int:studio_id>/withdraw")
@roles(*USERS)
def withdraw(studio_id: int):
    """Withdraw an application not yet decided (it is deleted; the audit log keeps it)."""
    studio = _studio(studio_id)
    return one_click(ReasonForm(), withdraw_application, studio_id=studio.id,
                     success=_("Application withdrawn."), then=url_for("studios.index"), back=_shown(studio))


@bp.post("/<int:studio_id>/approve")
@roles(Role.ADMIN)
def approve(studio_id: int):
    """Approve: the public notice runs for five working days."""
    studio = _studio(studio_id)
    return one_click(ReasonForm(), approve_application, studio_id=studio.id, form_extra=lambda f: {
        "note": f.reason.data}, success=_("Approved; the public notice has started."), then=_shown(studio))


@bp.post("/<int:studio_id>/reject")
@roles(Role.ADMIN)
def reject(studio_id: int):
    """Reject with a reason (refused without one)."""
    studio = _studio(studio_id)
    form = ReasonForm()
    return submit(form, reject_application, fields=("reason",), studio_id=studio.id,
                  success=_("Application rejected."), then=_shown(studio)) or _show(studio, reason=form)


@bp.post("/<int:studio_id>/list")
@roles(Role.ADMIN)
def list_studio(studio_id: int):
    """List the studio once its public notice has ended."""
    studio = _studio(studio_id)
    return one_click(ReasonForm(), confirm_listing, studio_id=studio.id, success=_("Listed."), then=_shown(studio))


@bp.get("/<int:studio_id>/materials/<int:material_id>")
@roles(*USERS)
def material_file(studio_id: int, material_id: int):
    """Download an application material of a studio in scope."""
    studio = _studio(studio_id)
    row = db.session.get(StudioMaterial, material_id)
    if row is None or row.studio_id != studio.id:
        abort(404)
    return send_file(stored_file(row.file_path), as_attachment=True,
                     download_name=row.file_name or Path(row.file_path).name)


@bp.get("/<int:studio_id>/ledger/<int:entry_id>/evidence")
@roles(*USERS)
def evidence_file(studio_id: int, entry_id: int):
    """Download the evidence of a ledger line of a studio in scope."""
    studio = _studio(studio_id)
    row = db.session.get(FundEntry, entry_id)
    if row is None or row.studio_id != studio.id or not row.file_path:
        abort(404)
    return send_file(stored_file(row.file_path), as_attachment=True,
                     download_name=row.file_name or Path(row.file_path).name)


def _report(studio_id: int):
    studio = _studio(studio_id)
    today = local_date(utcnow())
    year = request.args.get("year", type=int) or today.year
    if not 2000 <= year <= today.year:
        abort(404)
    return studio, annual_report(db.session, studio, year, today=today)


@bp.get("/<int:studio_id>/report.xlsx")
@roles(*USERS)
def report_xlsx(studio_id: int):
    """The annual report as an Excel workbook."""
    studio, report = _report(studio_id)
    return send_workbook(report_workbook(report, _), f"studio-{studio.id}-{report.year}.xlsx")


@bp.get("/<int:studio_id>/report.pdf")
@roles(*USERS)
def report_file(studio_id: int):
    """The annual report as a printable PDF (in Chinese)."""
    studio, report = _report(studio_id)
    return send_file(io.BytesIO(report_pdf(report)), mimetype=PDF, as_attachment=False,
                     download_name=f"studio-{studio.id}-{report.year}.pdf")

