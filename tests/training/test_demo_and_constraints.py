"""The demo data set covers every stage; the database itself refuses impossible states."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.clock import local_date
from app.database import utcnow, write_intent
from app.demand.models import JobDemand
from app.demo import load_demo
from app.training.apprenticeship_models import Apprenticeship, SubsidyPayment
from app.training.models import Attendance, Enrolment, TrainingClass
from app.training.subsidies import subsidy_summary
from tests.factories import make_user
from tests.training.factories import make_apprenticeship


def test_demo_has_demands_classes_and_apprenticeships_at_every_stage(session):
    with write_intent():
        load_demo(session, now=utcnow())
    today = local_date(utcnow())
    demands = session.scalars(select(JobDemand)).all()
    assert sum(d.effective_status(today) == "open" for d in demands) >= 6 and any(d.is_shortage for d in demands)
    assert any(not d.is_shortage for d in demands)
    classes = session.scalars(select(TrainingClass)).all()
    assert any(c.end_date < today for c in classes) and any(c.start_date <= today <= c.end_date for c in classes)
    states = dict(session.execute(select(Enrolment.status, func.count()).group_by(Enrolment.status)).all())
    assert states["completed"] >= 8 and states["in_training"] >= 10 and states.get("withdrawn", 0) >= 1
    assert session.scalar(select(func.count(Attendance.id))) > 300
    stages = set(session.scalars(select(Apprenticeship.status)))
    assert stages == {"planned", "filed", "in_training", "completed", "terminated"}
    assert session.scalar(select(func.count(SubsidyPayment.id))) >= 3
    admin = make_user(session, "admin")
    assert sum(g.to_recover for g in subsidy_summary(session, actor=admin)) > 0


@pytest.mark.parametrize(("table", "column", "value"), [
    ("apprenticeships", "target_level_digit", 5),
    ("apprenticeships", "status", "approved"),
    ("apprenticeships", "mentor_level_digit", 4),
])
def test_check_constraints_guard_apprenticeships(session, table, column, value):
    hr = make_user(session, "enterprise_hr")
    record = make_apprenticeship(session, hr, target_level_digit=3, mentor_level_digit=3)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": value, "id": record.id})
        session.flush()
    session.rollback()
