"""Training rows for recusal and registration-source tests, inserted directly (the training services have their own tests)."""

from __future__ import annotations

from datetime import date

from app.training.apprenticeship_models import Apprenticeship
from app.training.models import Enrolment, TrainingClass, TrainingProject
from tests.factories import NOW, make_org


def completed_enrolment(session, person, occupation, *, class_name: str = "焊工四级1班", teacher_names: str = "张老师",
                        teachers=(), status: str = "completed") -> Enrolment:
    """A person who finished a class of a project training the occupation."""
    institution = make_org(session, "institution")
    project = TrainingProject(institution_id=institution.id, name="焊工技能提升项目", project_type="skills_upgrade",
                              occupation_id=occupation.id, target_level_digit=4, reference_hours=300,
                              standard_edition="2018年版", created_at=NOW)
    klass = TrainingClass(project=project, name=class_name, start_date=date(2026, 6, 1), end_date=date(2026, 9, 30),
                          capacity=40, venue="沈阳", teacher_names=teacher_names, created_at=NOW, teachers=list(teachers))
    enrolment = Enrolment(training_class=klass, person_id=person.id, status=status, enrolled_at=NOW,
                          status_changed_at=NOW, completed_on=date(2026, 9, 30) if status == "completed" else None)
    session.add_all([project, klass, enrolment])
    session.flush()
    return enrolment


def completed_apprenticeship(session, person, occupation, enterprise, *, mentor: str = "高师傅",
                             teacher: str = "林老师", ready: bool = True) -> Apprenticeship:
    """A completed 企业新型学徒制 apprenticeship, marked ready for assessment."""
    institution = make_org(session, "institution")
    item = Apprenticeship(
        enterprise_id=enterprise.id, institution_id=institution.id, person_id=person.id, occupation_id=occupation.id,
        target_level_digit=4, contract_start=date(2024, 9, 1), contract_end=date(2027, 8, 31),
        planned_start=date(2024, 9, 1), planned_end=date(2026, 8, 31), planned_months=24, mentor_name=mentor,
        mentor_level_digit=2, teacher_name=teacher, status="completed", started_on=date(2024, 9, 1),
        completed_on=date(2026, 8, 31), ready_for_assessment_at=NOW if ready else None, created_at=NOW,
        status_changed_at=NOW,
    )
    session.add(item)
    session.flush()
    return item
