"""Certificate pages: list, view, download the stored PDF, revoke, reprint, correct, batches with progress."""

from __future__ import annotations

import io
import zipfile

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.roles import CERTIFICATE_ISSUERS as ISSUERS
from app.accounts.roles import Role
from app.certification import batch_runs
from app.certification.batches import job_drafts
from app.certification.copies import masked_copy, record_batch_release, releases_full_id
from app.certification.lifecycle import (
    get_certificate,
    list_certificates,
    reprint_certificate,
    revoke_certificate,
    supersede_certificate,
)
from app.certification.models import KIND_LABELS, STATUS_LABELS, Certificate, CertificatePrint
from app.certification.sources import issue_for_apprenticeship, issue_for_enrolment, issue_for_result
from app.database import utcnow, write_intent
from app.extensions import db
from app.tasks import enqueue, issuing_context, queue_reachable
from app.web.access import authenticated, current_actor, roles
from app.web.actions import attempt, form_status, one_click, submit
from app.web.certificate_files import send_certificate_pdf
from app.web.certificates.forms import BatchForm, CorrectionForm, IssueForm, ReasonForm
from app.web.downloads import stored_file
from app.web.redirects import safe_next

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
ISSUE_FUNCTIONS = {"assessment_result": issue_for_result, "enrolment": issue_for_enrolment,
                   "apprenticeship": issue_for_apprenticeship}
ISSUE_ARGUMENT = {"assessment_result": "result_id", "enrolment": "enrolment_id", "apprenticeship": "apprenticeship_id"}


def _certificate(certificate_id: int) -> Certificate:
    return get_certificate(db.session, actor=current_actor(), certificate_id=certificate_id)


def _back() -> str:
    """Where a refused one-click action returns: the page that sent it, when it is on this site."""
    return safe_next(request.form.get("next") or request.referrer, url_for("certificates.index"))


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
    return _show(certificate_id)


def _show(certificate_id: int, **forms):
    certificate = _certificate(certificate_id)
    actor = current_actor()
    can_manage = actor.has_role(Role.ADMIN) or (actor.organisation_id == certificate.issuer_org_id
                                                 and actor.has_role(*ISSUERS))
    return render_template(
        "certificates/show.html", certificate=certificate, can_manage=can_manage, full_copy=releases_full_id(actor),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS, revoke_form=forms.get("revoke_form") or ReasonForm(formdata=None),
        reprint_form=forms.get("reprint_form") or ReasonForm(formdata=None, prefix="reprint"),
        correction_form=forms.get("correction_form") or CorrectionForm(formdata=None,
                                                                         variant_name=certificate.variant_name),
    ), form_status(*forms.values())


def _shown(certificate_id: int) -> str:
    return url_for("certificates.show", certificate_id=certificate_id)


@bp.get("/<int:certificate_id>/pdf")
@authenticated
def pdf(certificate_id: int):
    """The stored PDF of the current print for roles that may see full ID numbers (audited), else a masked copy."""
    certificate = _certificate(certificate_id)
    return send_certificate_pdf(certificate, print_serial=certificate.print_serial, pdf_path=certificate.pdf_path,
                                channel="web", download_name=f"{certificate.number}.pdf")


@bp.get("/prints/<int:print_id>/pdf")
@authenticated
def print_pdf(print_id: int):
    """The stored PDF of an earlier print, on the same terms as the current one."""
    printed = db.session.get(CertificatePrint, print_id)
    if printed is None:
        abort(404)
    certificate = _certificate(printed.certificate_id)
    return send_certificate_pdf(certificate, print_serial=printed.print_serial, pdf_path=printed.pdf_path,
                                channel="web", download_name=f"{certificate.number}-{printed.print_serial}.pdf")


@bp.post("/<int:certificate_id>/revoke")
@roles(*ISSUERS)
def revoke(certificate_id: int):
    """Revoke with a reason (irreversible; confirmed on the page)."""
    form = ReasonForm()
    return submit(form, revoke_certificate, fields=("reason",), certificate_id=certificate_id,
                  success=_("Certificate revoked."), then=_shown(certificate_id)) \
        or _show(certificate_id, revoke_form=form)


@bp.post("/<int:certificate_id>/reprint")
@roles(*ISSUERS)
def reprint(certificate_id: int):
    """Reprint after loss: same number, new print serial."""
    form = ReasonForm(prefix="reprint")
    return submit(form, reprint_certificate, fields=("reason",), certificate_id=certificate_id,
                  ctx=issuing_context(current_app), success=_("Reprinted with a new print serial."),
                  then=_shown(certificate_id)) \
        or _show(certificate_id, reprint_form=form)


@bp.post("/<int:certificate_id>/correct")
@roles(*ISSUERS)
def correct(certificate_id: int):
    """Issue a corrected certificate that supersedes this one (confirmed on the page, with a reason)."""
    form = CorrectionForm()
    return submit(form, supersede_certificate, fields=("reason", "variant_name"), certificate_id=certificate_id,
                  ctx=issuing_context(current_app),
                  success=_("Corrected certificate issued; the old one is marked superseded."),
                  then=lambda corrected: _shown(corrected.id)) or _show(certificate_id, correction_form=form)


@bp.post("/issue/<source_type>")
@roles(*ISSUERS)
def issue(source_type: str):
    """Issue one certificate for a final result, a completed enrolment or a completed apprenticeship."""
    if source_type not in ISSUE_FUNCTIONS:
        abort(404)
    form = IssueForm()
    return one_click(form, lambda: ISSUE_FUNCTIONS[source_type](
        db.session, actor=current_actor(), now=utcnow(), ctx=issuing_context(current_app),
        **{ISSUE_ARGUMENT[source_type]: int(form.source_id.data)},
    ), success=lambda certificate: _("Certificate %(n)s issued.", n=certificate.number),
        then=lambda certificate: _shown(certificate.id), back=_back())


@bp.post("/jobs")
@roles(*ISSUERS)
def start_batch():
    """Queue a batch issuance (or follow the one already under way for the scope) and show its progress."""
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        started = batch_runs.start_batch(db.session, actor=current_actor(), now=utcnow(),
                                         scope_type=form.scope_type.data, scope_id=form.scope_id.data)
        job_id = started.job.id
    if not done:
        return redirect(_back())
    db.session.close()  # release the connection: an inline (immediate) task opens its own transaction
    if started.created:
        enqueue(current_app, "issue_batch", job_id)
    return redirect(url_for("certificates.job", job_id=job_id))


def _job(job_id: int):
    return batch_runs.get_batch(db.session, actor=current_actor(), job_id=job_id)


@bp.get("/jobs/<int:job_id>")
@roles(*ISSUERS)
def job(job_id: int):
    """A batch's progress page (updates itself)."""
    job = _job(job_id)
    # A waiting batch whose queue does not answer will be queued again by the recovery check: say so.
    queue_down = job.status == "queued" and not queue_reachable(current_app)
    return render_template("certificates/job.html", job=job, queue_down=queue_down,
                           empty_reason=batch_runs.empty_batch_reason(db.session, job=job))


@bp.get("/jobs/<int:job_id>.json")
@roles(*ISSUERS)
def job_status(job_id: int):
    """Progress of a batch, polled by the progress bar."""
    job = _job(job_id)
    return jsonify({"id": job.id, "status": job.status, "done": job.done, "total": job.total, "error": job.error})


@bp.get("/jobs/<int:job_id>/certificates.zip")
@roles(*ISSUERS)
def job_zip(job_id: int):
    """Every stored PDF of a batch's scope in one ZIP (audited as one release); masked copies for other roles."""
    job = _job(job_id)
    if batch_runs.empty_batch_reason(db.session, job=job) is not None:  # no empty ZIP: the page says why
        return redirect(url_for("certificates.job", job_id=job_id))
    sources = [(d.source_type, d.source_id) for d in job_drafts(db.session, job)]
    certificates = [c for c in (db.session.scalar(select(Certificate).where(
        Certificate.kind == job.kind, Certificate.source_type == source_type, Certificate.source_id == source_id,
        Certificate.status == "valid")) for source_type, source_id in sources) if c is not None]
    actor = current_actor()
    full = releases_full_id(actor)
    ctx = None if full else issuing_context(current_app)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            path = stored_file(certificate.pdf_path) if full else masked_copy(
                certificate, print_serial=certificate.print_serial, ctx=ctx)
            archive.write(path, f"{certificate.number}-{certificate.holder_name}.pdf")
    if full:
        released = [(c.id, c.person_id) for c in certificates]
        db.session.commit()  # end this GET's read transaction: the audit event is written in one of its own
        with write_intent():
            record_batch_release(db.session, actor=actor, now=utcnow(), job_id=job_id, certificates=released,
                                 channel="web")
            db.session.commit()
    buffer.seek(0)
    response = send_file(buffer, mimetype="application/zip", as_attachment=True,
                         download_name=f"certificates-job-{job_id}.zip")
    response.headers["Cache-Control"] = "no-store"
    return response
