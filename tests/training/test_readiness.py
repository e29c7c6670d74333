"""Eligibility known early (issue 17): a project's and a class's trainees against the target level's rules."""

from datetime import date

from sqlalchemy import event

from app.people.records import add_work_record
from app.training.enrolments import enrol_person, withdraw_enrolment
from app.training.readiness import class_readiness, project_readiness
from tests.factories import NOW
from tests.training.factories import TODAY, institution_staff, make_class, make_project, trainee


def _worked(session, staff, person, start: date):
    add_work_record(session, actor=staff, now=NOW, person_id=person.id, employer_name="沈阳重型机械有限公司",
                    occupation_name="电工", occupation_code="6-31-01-03", start_date=start)


def test_project_without_trainees_says_what_the_level_requires(session):
    staff = institution_staff(session)
    project = make_project(session, staff, level=4)
    warning = project_readiness(session, project=project, as_of=TODAY).warning()
    assert warning is not None and str(warning).startswith("No trainees yet. To apply for Level 4")


def test_class_of_trainees_without_work_history_warns_with_reasons(session):
    staff = institution_staff(session)
    klass = make_class(session, staff, make_project(session, staff, level=4))
    people = [trainee(session, staff, born=date(1990 + i, 3, 3)) for i in range(5)]
    for person in people:
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)
    readiness = class_readiness(session, actor=staff, class_id=klass.id, as_of=TODAY)
    assert readiness.eligible_count == 0 and len(readiness.checks) == 5
    text = str(readiness.warning())
    assert text.startswith("0 of 5 trainees would meet the Level 4 conditions today:")
    assert "Holds no certificate of Level 5 or above" in text and "Related work" in text
    assert all(check.result.reasons for check in readiness.checks)


def test_work_history_makes_a_trainee_eligible_and_withdrawn_ones_do_not_count(session):
    staff = institution_staff(session)
    project = make_project(session, staff, level=5)
    klass = make_class(session, staff, project)
    experienced, novice, gone = (trainee(session, staff, born=date(1985 + i, 1, 1)) for i in range(3))
    _worked(session, staff, experienced, date(2010, 1, 1))
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id)
                  for p in (experienced, novice, gone)]
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolments[2].id, reason="本人申请退出培训")
    readiness = project_readiness(session, project=project, as_of=TODAY)
    outcome = {check.person.id: check.result.eligible for check in readiness.checks}
    assert outcome == {experienced.id: True, novice.id: False}
    assert str(readiness.warning()).startswith("1 of 2 trainees would meet the Level 5 conditions today:")


def test_a_sixty_trainee_class_is_checked_in_a_few_queries(session):
    staff = institution_staff(session)
    klass = make_class(session, staff, make_project(session, staff, level=4), capacity=60)
    for i in range(60):
        person = trainee(session, staff, born=date(1970 + i % 30, 1 + i % 12, 1 + i // 12))
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)
    session.flush()
    session.expire_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        readiness = class_readiness(session, actor=staff, class_id=klass.id, as_of=TODAY)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(readiness.checks) == 60
    assert len(statements) <= 15, statements
