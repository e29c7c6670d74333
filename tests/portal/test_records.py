"""My records on the demo data: the demo worker sees their class, result and certificate, and nobody else's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.certification.models import Certificate
from app.extensions import db
from app.people.account_models import PersonAccount
from tests.conftest import login
from tests.demo_world import close_app, load_demo_world, open_app


@pytest.fixture(scope="module")
def demo_app(migrated_database, tmp_path_factory):
    app = open_app(migrated_database, tmp_path_factory.mktemp("portal_records"), RATELIMIT_ENABLED=False)
    load_demo_world(app)
    yield app
    close_app(app)


def _worker_ids(app):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "worker1"))
        person_id = db.session.scalar(select(PersonAccount.person_id).where(PersonAccount.user_id == user.id))
        own = db.session.scalars(select(Certificate.id).where(Certificate.person_id == person_id)).all()
        others = db.session.scalars(select(Certificate.id).where(Certificate.person_id != person_id)).all()
        db.session.remove()
    return user.id, person_id, own, others


def test_the_demo_worker_sees_class_result_level_and_certificate(demo_app):
    client = demo_app.test_client()
    assert login(client, "worker1").status_code == 302
    html = client.get("/me").get_data(as_text=True)
    assert "own-class" in html and "2026年第二期" in html and "2026年第二期" in html
    assert "own-registration" in html and "badge text-bg-success" in html  # the passed, final 电工 result
    assert "certificate-pdf" in html


def test_the_worker_downloads_their_certificate_and_the_release_is_audited(demo_app):
    user_id, _person_id, own, _others = _worker_ids(demo_app)
    assert own, "the demo worker holds a certificate"
    client = demo_app.test_client()
    login(client, "worker1")
    response = client.get(f"/me/certificates/{own[0]}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    response.close()
    with demo_app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.download_full",
                                                             AuditEvent.actor_id == user_id)).all()
        assert [e.object_id for e in events] == [str(own[0])]
        db.session.remove()


def test_another_persons_certificate_and_ticket_do_not_exist_for_the_worker(demo_app):
    _user_id, person_id, _own, others = _worker_ids(demo_app)
    from app.assessment.models import Registration
    with demo_app.app_context():
        other_registrations = db.session.scalars(select(Registration.id).where(
            Registration.person_id != person_id)).all()
        db.session.remove()
    client = demo_app.test_client()
    login(client, "worker1")
    assert others and other_registrations
    for certificate_id in others:
        assert client.get(f"/me/certificates/{certificate_id}.pdf").status_code == 404
    for registration_id in other_registrations:
        assert client.get(f"/me/registrations/{registration_id}/ticket.pdf").status_code == 404
