"""start_batch: the one rule for starting a certificate batch (scope's organisation, who may, reuse)."""

import pytest
from sqlalchemy import func, select

from app.certification.batch_runs import get_batch, start_batch
from app.certification.models import CertificateJob
from app.errors import NotAllowed, NotFound, ValidationFailed
from tests.factories import NOW, make_user
from tests.training.factories import completed_trainee, make_class


@pytest.fixture
def klass(session):
    staff = make_user(session, "institution_staff", username="owner")
    klass = make_class(session, staff)
    completed_trainee(session, staff, klass)
    session.commit()
    return klass, staff


def test_staff_of_the_issuing_institution_start_one_job_and_get_it_back_while_it_runs(session, klass):
    training_class, staff = klass
    first = start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=training_class.id)
    again = start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=str(training_class.id))
    assert first.created and not again.created and again.job.id == first.job.id
    assert first.job.organisation_id == training_class.project.institution_id
    assert session.scalar(select(func.count()).select_from(CertificateJob)) == 1
    assert get_batch(session, actor=staff, job_id=first.job.id) is first.job


@pytest.mark.parametrize("who", ["other_institution", "enterprise_hr", "nobody"])
def test_anyone_else_is_refused(session, klass, who):
    training_class, _staff = klass
    actor = None if who == "nobody" else make_user(
        session, "institution_staff" if who == "other_institution" else "enterprise_hr")
    with pytest.raises(NotAllowed):
        start_batch(session, actor=actor, now=NOW, scope_type="training_class", scope_id=training_class.id)
    assert session.scalar(select(func.count()).select_from(CertificateJob)) == 0


def test_an_administrator_may_start_any_batch_but_others_cannot_follow_it(session, klass):
    training_class, _staff = klass
    started = start_batch(session, actor=make_user(session, "admin"), now=NOW, scope_type="training_class",
                          scope_id=training_class.id)
    with pytest.raises(NotFound):
        get_batch(session, actor=make_user(session, "institution_staff"), job_id=started.job.id)


def test_scope_shape_and_existence(session, klass):
    _class, staff = klass
    with pytest.raises(ValidationFailed) as info:
        start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id="1; drop")
    assert info.value.field == "scope_id"
    with pytest.raises(NotFound):
        start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=999999)
