"""My records: classes, assessments with tickets and published results, levels, certificates with their PDFs."""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask_babel import gettext as _

from app.assessment.own_records import level_outlook, own_registration, own_registrations
from app.assessment.tickets import ticket_view
from app.assessment.vocabulary import REGISTRATION_STATUSES, RESULT_STATUSES
from app.certification.copies import record_full_release
from app.certification.own_records import own_certificate, own_certificates
from app.certification.rendering import photo_data_uri, render_design_pdf
from app.clock import local_date
from app.database import utcnow, write_intent
from app.extensions import db
from app.people.levels import level_history
from app.people.worker_accounts import own_person
from app.training.own_records import own_apprenticeships, own_classes
from app.web.access import current_actor, workers_only
from app.web.downloads import storage_dir, stored_file
from app.web.portal.blueprint import bp

PDF = "application/pdf"


def me():
    """The person behind the logged-in worker account."""
    return own_person(db.session, actor=current_actor())


@bp.get("")
@workers_only
def home():
    """Everything of mine on one page: classes, assessments, levels and certificates."""
    person, today = me(), local_date(utcnow())
    return render_template(
        "portal/home.html", person=person, today=today,
        classes=own_classes(db.session, person_id=person.id, today=today),
        apprenticeships=own_apprenticeships(db.session, person_id=person.id),
        registrations=own_registrations(db.session, person_id=person.id),
        levels=level_outlook(db.session, person=person, today=today),
        history=level_history(db.session, person.id),
        certificates=own_certificates(db.session, person_id=person.id),
        registration_status_label=lambda key: REGISTRATION_STATUSES.get(key, key),
        result_status_label=lambda key: RESULT_STATUSES.get(key, key))


@bp.get("/registrations/<int:registration_id>/ticket.pdf")
@workers_only
def ticket(registration_id: int):
    """My admission ticket, rendered as staff print it."""
    registration = own_registration(db.session, person_id=me().id, registration_id=registration_id)
    view = ticket_view(db.session, registration, storage_dir=storage_dir())
    pdf = render_design_pdf("admission_ticket", {"tickets": [{"v": view, "photo_uri": photo_data_uri(view.photo)}]})
    return send_file(io.BytesIO(pdf), mimetype=PDF, as_attachment=False,
                     download_name=_("admission-ticket-%(number)s.pdf", number=view.ticket_number))


@bp.get("/certificates/<int:certificate_id>.pdf")
@workers_only
def certificate_pdf(certificate_id: int):
    """My certificate as issued (the stored PDF, with my full ID number); each download is audited."""
    certificate = own_certificate(db.session, person_id=me().id, certificate_id=certificate_id)
    path = stored_file(certificate.pdf_path)
    number, serial = certificate.number, certificate.print_serial
    db.session.commit()  # end this GET's read transaction: the audit event is written in one of its own
    with write_intent():
        record_full_release(db.session, actor=current_actor(), now=utcnow(),
                            certificate=own_certificate(db.session, person_id=me().id, certificate_id=certificate_id),
                            print_serial=serial, channel="web")
        db.session.commit()
    response = send_file(path, mimetype=PDF, as_attachment=False, download_name=f"{number}.pdf", max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy
    return response
