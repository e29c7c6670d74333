"""Certificate pages: list, view, download the stored PDF, revoke, reprint, correct, batches with progress."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.roles import Role
from app.certification.batches import create_job, job_drafts
from app.certification.lifecycle import (
    get_certificate,
    list_certificates,
    reprint_certificate,
    revoke_certificate,
    supersede_certificate,
)
from app.certification.models import KIND_LABELS, STATUS_LABELS, Certificate, CertificateJob, CertificatePrint
from app.certification.sources import (
    issue_for_apprenticeship,
    issue_for_enrolment,
    issue_for_result,
    scope_organisation_id,
)
from app.database import utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.tasks import enqueue, issuing_context
from app.web.access import authenticated, current_actor, roles
from app.web.certificates.forms import BatchForm, CorrectionForm, IssueForm, ReasonForm
from app.web.forms import attach_error

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
ISSUERS = (Role.ADMIN, Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF)
ISSUE_FUNCTIONS = {"assessment_result": issue_for_result, "enrolment": issue_for_enrolment,
                   "apprenticeship": issue_for_apprenticeship}
ISSUE_ARGUMENT = {"assessment_result": "result_id", "enrolment": "enrolment_id", "apprenticeship": "apprenticeship_id"}


def _certificate_or_404(certificate_id: int) -> Certificate:
    try:
        return get_certificate(db.session, actor=current_actor(), certificate_id=certificate_id)
    except NotFound:
        abort(404)


@bp.get("")
@authenticated
def index():
    """Certificates the user may see (issued by their organisation or held by people in their scope)."""
    search = request.args.get("q", "").strip() or None
    status = request.args.get("status") or None
    items = list_certificates(db.session, actor=current_actor(), search=search, status=status, limit=200)
    return render_template("certificates/index.html", certificates=items, search=search or "", status=status,
                           kind_labels=KIND_LABELS, status_labels=STATUS_LABELS)


@bp.get("/<int:certificate_id>")
@authenticated
def show(certificate_id: int):
    """One certificate with its prints and the actions its issuer may take."""
    certificate = _certificate_or_404(certificate_id)
    return _show(certificate)


def _show(certificate: Certificate, status: int = 200, **forms):
    actor = current_actor()
    can_manage = actor.has_role(Role.ADMIN) or (actor.organisation_id == certificate.issuer_org_id
                                                 and actor.has_role(*ISSUERS))
    return render_template(
        "certificates/show.html", certificate=certificate, can_manage=can_manage, kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS, revoke_form=forms.get("revoke_form") or ReasonForm(formdata=None, prefix="revoke"),
        reprint_form=forms.get("reprint_form") or ReasonForm(formdata=None, prefix="reprint"),
        correction_form=forms.get("correction_form") or CorrectionForm(formdata=None,
                                                                         variant_name=certificate.variant_name),
    ), status


def _stored(relative: str):
    path = Path(current_app.config["FILE_STORAGE_DIR"]) / relative
    if not path.exists():
        abort(404)
    return path


@bp.get("/<int:certificate_id>/pdf")
@authenticated
def pdf(certificate_id: int):
    """The stored PDF of the current print (never re-rendered)."""
    certificate = _certificate_or_404(certificate_id)
    return send_file(_stored(certificate.pdf_path), mimetype="application/pdf", as_attachment=False,
                     download_name=f"{certificate.number}.pdf", max_age=0)


@bp.get("/prints/<int:print_id>/pdf")
@authenticated
def print_pdf(print_id: int):
    """The stored PDF of an earlier print."""
    printed = db.session.get(CertificatePrint, print_id)
    if printed is None:
        abort(404)
    certificate = _certificate_or_404(printed.certificate_id)
    return send_file(_stored(printed.pdf_path), mimetype="application/pdf",
                     download_name=f"{certificate.number}-{printed.print_serial}.pdf", max_age=0)


def _act(certificate_id: int, form, action, flash_message: str, form_name: str):
    certificate = _certificate_or_404(certificate_id)
    if form.validate_on_submit():
        try:
            result = action(certificate)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(flash_message, "success")
            target = result.id if isinstance(result, Certificate) else certificate.id
            return redirect(url_for("certificates.show", certificate_id=target))
    return _show(_certificate_or_404(certificate_id), status=400, **{form_name: form})


@bp.post("/<int:certificate_id>/revoke")
@roles(*ISSUERS)
def revoke(certificate_id: int):
    """Revoke with a reason (irreversible)."""
    form = ReasonForm(prefix="revoke")
    return _act(certificate_id, form, lambda c: revoke_certificate(
        db.session, actor=current_actor(), now=utcnow(), certificate_id=c.id, reason=form.reason.data),
        _("Certificate revoked."), "revoke_form")


@bp.post("/<int:certificate_id>/reprint")
@roles(*ISSUERS)
def reprint(certificate_id: int):
    """Reprint after loss: same number, new print serial."""
    form = ReasonForm(prefix="reprint")
    return _act(certificate_id, form, lambda c: reprint_certificate(
        db.session, actor=current_actor(), now=utcnow(), certificate_id=c.id, reason=form.reason.data,
        ctx=issuing_context(current_app)), _("Reprinted with a new print serial."), "reprint_form")


@bp.post("/<int:certificate_id>/correct")
@roles(*ISSUERS)
def correct(certificate_id: int):
    """Issue a corrected certificate that supersedes this one."""
    form = CorrectionForm()
    return _act(certificate_id, form, lambda c: supersede_certificate(
        db.session, actor=current_actor(), now=utcnow(), certificate_id=c.id, reason=form.reason.data,
        ctx=issuing_context(current_app), variant_name=form.variant_name.data),
        _("Corrected certificate issued; the old one is marked superseded."), "correction_form")


@bp.post("/issue/<source_type>")
@roles(*ISSUERS)
def issue(source_type: str):
    """Issue one certificate for a final result, a completed enrolment or a completed apprenticeship."""
    if source_type not in ISSUE_FUNCTIONS:
        abort(404)
    form = IssueForm()
    back = request.form.get("next") or request.referrer or url_for("certificates.index")
    if not back.startswith("/"):
        back = url_for("certificates.index")
    if form.validate_on_submit():
        try:
            certificate = ISSUE_FUNCTIONS[source_type](
                db.session, actor=current_actor(), now=utcnow(), ctx=issuing_context(current_app),
                **{ISSUE_ARGUMENT[source_type]: int(form.source_id.data)})
        except (DomainError, ValueError) as error:
            db.session.rollback()
            flash(getattr(error, "message", str(error)), "danger")
            return redirect(back)
        db.session.commit()
        flash(_("Certificate %(n)s issued.", n=certificate.number), "success")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    return redirect(back)


@bp.post("/jobs")
@roles(*ISSUERS)
def start_batch():
    """Queue a batch issuance and show its progress."""
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    actor = current_actor()
    try:
        organisation_id = scope_organisation_id(db.session, form.scope_type.data, form.scope_id.data)
        if not actor.has_role(Role.ADMIN) and organisation_id != actor.organisation_id:
            abort(404)
        job = create_job(db.session, actor=actor, now=utcnow(), scope_type=form.scope_type.data,
                         scope_id=form.scope_id.data, organisation_id=organisation_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(request.referrer or url_for("certificates.index"))
    job_id = job.id
    db.session.commit()
    db.session.close()  # release the connection: an inline (immediate) task opens its own transaction
    enqueue(current_app, "issue_batch", job_id)
    return redirect(url_for("certificates.job", job_id=job_id))


def _job_or_404(job_id: int) -> CertificateJob:
    job = db.session.get(CertificateJob, job_id)
    actor = current_actor()
    if job is None or (not actor.has_role(Role.ADMIN) and job.organisation_id != actor.organisation_id):
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@roles(*ISSUERS)
def job(job_id: int):
    """A batch's progress page (updates itself)."""
    return render_template("certificates/job.html", job=_job_or_404(job_id))


@bp.get("/jobs/<int:job_id>.json")
@roles(*ISSUERS)
def job_status(job_id: int):
    """Progress of a batch, polled by the progress bar."""
    job = _job_or_404(job_id)
    return jsonify({"id": job.id, "status": job.status, "done": job.done, "total": job.total, "error": job.error})


@bp.get("/jobs/<int:job_id>/certificates.zip")
@roles(*ISSUERS)
def job_zip(job_id: int):
    """Every stored PDF of a batch's scope in one ZIP."""
    job = _job_or_404(job_id)
    sources = [(d.source_type, d.source_id) for d in job_drafts(db.session, job)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for source_type, source_id in sources:
            certificate = db.session.scalar(select(Certificate).where(
                Certificate.kind == job.kind, Certificate.source_type == source_type, Certificate.source_id == source_id,
                Certificate.status == "valid"))
            if certificate is not None:
                archive.write(_stored(certificate.pdf_path), f"{certificate.number}-{certificate.holder_name}.pdf")
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=f"certificates-job-{job.id}.zip")
