"""Training projects and their classes and timetables, within the institution's scope."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import Occupation
from app.clock import local_date
from app.demand.models import JobDemand
from app.demand.services import get_demand
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.training.models import (
    DEFAULT_MAX_AGE,
    DEFAULT_THRESHOLD,
    MIN_WORKING_AGE,
    ClassSession,
    TrainingClass,
    TrainingProject,
)
from app.training.session_rules import check_fits, hold_timetables
from app.training.vocabulary import PROJECT_TYPES
from app.translation import N_, Message

MAX_CAPACITY = 500


def require_institution_staff(actor: User) -> None:
    """Refuse anyone but training-institution staff."""
    if not actor.has_role(Role.INSTITUTION_STAFF):
        raise NotAllowed(N_("Only training-institution staff may do this."))


def _text(value: str | None, *, field: str, what: Message, max_length: int, required: bool = True) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(N_("Enter the {what}.", what=what), field=field)
        return None
    if len(text) > max_length:
        raise ValidationFailed(N_("The {what} may have at most {max_length} characters.", what=what,
                                  max_length=max_length), field=field)
    return text


def _linked_demands(session: Session, actor: User, now: datetime, occupation: Occupation, demand_ids: Collection[int],
                    already: Collection[JobDemand] = ()) -> list[JobDemand]:
    kept = {d.id: d for d in already}
    demands = []
    for demand_id in dict.fromkeys(demand_ids):
        demand = kept.get(demand_id) or get_demand(session, actor=actor, demand_id=demand_id, today=local_date(now))
        if demand.occupation_id != occupation.id:
            raise ValidationFailed(
                N_("Job demand “{demand}” is for {demand_occupation}, not the project's occupation {occupation}.",
                   demand=demand.title, demand_occupation=demand.occupation.name, occupation=occupation.name),
                field="demand_ids",
            )
        demands.append(demand)
    return demands


def create_project(session: Session, *, actor: User, now: datetime, name: str, project_type: str, occupation_id: int,
                   target_level_digit: int, variant_name: str | None = None, demand_ids: Collection[int] = (),
                   description: str | None = None) -> TrainingProject:
    """Start a project of the actor's institution; the level must exist in the occupation's current standard."""
    require_institution_staff(actor)
    name = _text(name, field="name", what=N_("project name"), max_length=200)
    if project_type not in PROJECT_TYPES:
        raise ValidationFailed(N_("Unknown training type: {project_type}.", project_type=project_type),
                               field="project_type")
    occupation = session.get(Occupation, occupation_id)
    if occupation is None or not occupation.active:
        raise ValidationFailed(N_("The occupation does not exist or is no longer in use."), field="occupation_id")
    standard = occupation.current_standard
    if standard is None:
        raise ValidationFailed(N_("{occupation} has no skill standard in force yet, so no project can start.",
                                  occupation=occupation.name), field="occupation_id")
    level = standard.level(target_level_digit) if target_level_digit in (1, 2, 3, 4, 5) else None
    if level is None:
        offered = "; ".join(str(level_label(d)) for d in standard.level_digits)
        raise ValidationFailed(N_("The current standard of {occupation} ({edition}) has no such level. "
                                  "Choose one of: {offered}.", occupation=occupation.name,
                                  edition=standard.edition, offered=offered), field="target_level_digit")
    variant = _text(variant_name, field="variant_name", what=N_("trade or specialisation"), max_length=100, required=False)
    if variant is not None and variant not in {v.name for v in occupation.variants}:
        raise ValidationFailed(N_("{occupation} has no trade “{variant}”.", occupation=occupation.name,
                                  variant=variant), field="variant_name")
    project = TrainingProject(
        institution_id=actor.organisation_id, name=name, project_type=project_type, occupation_id=occupation.id,
        variant_name=variant, target_level_digit=target_level_digit, reference_hours=level.reference_hours,
        standard_edition=standard.edition,
        description=_text(description, field="description", what=N_("project description"), max_length=2000, required=False),
        created_by_id=actor.id, created_at=now,
    )
    project.demands = _linked_demands(session, actor, now, occupation, demand_ids)
    session.add(project)
    session.flush()
    record_event(session, actor=actor, now=now, action="training_project.create", object_type="training_project",
                 object_id=project.id, new={"name": name, "type": project_type, "occupation": occupation.code,
                                            "level": target_level_digit, "reference_hours": level.reference_hours,
                                            "demands": [d.id for d in project.demands]})
    return project


def set_project_demands(
    session: Session, *, actor: User, now: datetime, project_id: int, demand_ids: Collection[int]
) -> TrainingProject:
    """Replace the demands a project trains for (order-based training); links already made are kept as they are."""
    project = project_for_change(session, actor=actor, project_id=project_id)
    old = [d.id for d in project.demands]
    project.demands = _linked_demands(session, actor, now, project.occupation, demand_ids, already=project.demands)
    session.flush()
    record_event(session, actor=actor, now=now, action="training_project.demands", object_type="training_project",
                 object_id=project.id, old={"demands": old}, new={"demands": [d.id for d in project.demands]})
    return project


def _visible(actor: User, institution_id: int) -> bool:
    return actor.has_role(Role.ADMIN) or (actor.has_role(Role.INSTITUTION_STAFF)
                                          and actor.organisation_id == institution_id)


def get_project(session: Session, *, actor: User, project_id: int) -> TrainingProject:
    """One project of the actor's institution (administrators: any)."""
    project = session.get(TrainingProject, project_id)
    if project is None or not _visible(actor, project.institution_id):
        raise NotFound(N_("The training project does not exist or is outside your data scope."))
    return project


def project_for_change(session: Session, *, actor: User, project_id: int) -> TrainingProject:
    """A project the actor's institution runs and may change."""
    require_institution_staff(actor)
    project = get_project(session, actor=actor, project_id=project_id)
    if project.institution_id != actor.organisation_id:
        raise NotFound(N_("The training project does not exist or is outside your data scope."))
    return project


def list_projects(session: Session, *, actor: User) -> list[TrainingProject]:
    """Projects of the actor's institution, newest first (administrators: all)."""
    stmt = (select(TrainingProject).options(selectinload(TrainingProject.classes), selectinload(TrainingProject.demands))
            .order_by(TrainingProject.id.desc()))
    if not actor.has_role(Role.ADMIN):
        if not actor.has_role(Role.INSTITUTION_STAFF):
            return []
        stmt = stmt.where(TrainingProject.institution_id == actor.organisation_id)
    return list(session.scalars(stmt))


def _threshold(value: Decimal | str | float) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("The attendance share for completion must be a number, such as 0.80."),
                               field="completion_threshold") from exc
    if not Decimal("0") < share <= Decimal("1"):
        raise ValidationFailed(N_("The attendance share for completion must lie between 1 and 100 per cent."),
                               field="completion_threshold")
    return share


def _teachers(session: Session, institution_id: int, user_ids: Collection[int]) -> list[User]:
    teachers = []
    for user_id in dict.fromkeys(user_ids):
        user = session.get(User, user_id)
        if user is None or user.organisation_id != institution_id or not user.has_role(Role.INSTITUTION_STAFF):
            raise ValidationFailed(N_("Teacher accounts must belong to staff of this institution."),
                                   field="teacher_ids")
        teachers.append(user)
    return teachers


def create_class(session: Session, *, actor: User, now: datetime, project_id: int, name: str, start_date: date,
                 end_date: date, capacity: int, venue: str, teacher_names: str, teacher_ids: Collection[int] = (),
                 completion_threshold: Decimal | str = DEFAULT_THRESHOLD,
                 max_age: int = DEFAULT_MAX_AGE) -> TrainingClass:
    """Open a class under a project of the actor's institution."""
    project = project_for_change(session, actor=actor, project_id=project_id)
    if end_date < start_date:
        raise ValidationFailed(N_("The end date {end} is before the start date {start}.", end=end_date.isoformat(),
                                  start=start_date.isoformat()), field="end_date")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(N_("The class capacity must be between 1 and {most} people.", most=MAX_CAPACITY),
                               field="capacity")
    if not MIN_WORKING_AGE < max_age <= 80:
        raise ValidationFailed(N_("The age limit must be between {low} and {high}.", low=MIN_WORKING_AGE + 1,
                                  high=80), field="max_age")
    klass = TrainingClass(
        project_id=project.id, name=_text(name, field="name", what=N_("class name"), max_length=200),
        start_date=start_date, end_date=end_date, capacity=capacity,
        venue=_text(venue, field="venue", what=N_("venue"), max_length=200),
        teacher_names=_text(teacher_names, field="teacher_names", what=N_("teachers"), max_length=300),
        completion_threshold=_threshold(completion_threshold), max_age=max_age, created_at=now,
        teachers=_teachers(session, project.institution_id, teacher_ids),
    )
    session.add(klass)
    session.flush()
    record_event(session, actor=actor, now=now, action="training_class.create", object_type="training_class",
                 object_id=klass.id, new={"project_id": project.id, "name": klass.name,
                                          "dates": [start_date.isoformat(), end_date.isoformat()],
                                          "capacity": capacity, "threshold": str(klass.completion_threshold),
                                          "max_age": max_age})
    return klass


def get_class(session: Session, *, actor: User, class_id: int) -> TrainingClass:
    """One class of the actor's institution (administrators: any)."""
    klass = session.get(TrainingClass, class_id)
    if klass is None or not _visible(actor, klass.project.institution_id):
        raise NotFound(N_("The training class does not exist or is outside your data scope."))
    return klass


def class_for_change(session: Session, *, actor: User, class_id: int) -> TrainingClass:
    """A class the actor's institution runs and may change."""
    require_institution_staff(actor)
    klass = get_class(session, actor=actor, class_id=class_id)
    if klass.project.institution_id != actor.organisation_id:
        raise NotFound(N_("The training class does not exist or is outside your data scope."))
    return klass


def list_classes(session: Session, *, actor: User, project_id: int | None = None) -> list[TrainingClass]:
    """Classes in the actor's scope, optionally of one project, latest start first."""
    stmt = select(TrainingClass).join(TrainingProject).order_by(TrainingClass.start_date.desc(), TrainingClass.id)
    if not actor.has_role(Role.ADMIN):
        if not actor.has_role(Role.INSTITUTION_STAFF):
            return []
        stmt = stmt.where(TrainingProject.institution_id == actor.organisation_id)
    if project_id is not None:
        stmt = stmt.where(TrainingClass.project_id == project_id)
    return list(session.scalars(stmt))


def _hours_between(start: time, end: time) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return Decimal(minutes) / Decimal(60)


def session_hours(start_time: time, end_time: time, hours: Decimal | str | int) -> Decimal:
    """A session's hours (one decimal), checked against its times: it ends after it starts, and its hours are more
    than 0 and no more than the time between start and end."""
    if end_time <= start_time:
        raise ValidationFailed(N_("The session must end after it starts."), field="end_time")
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
        if hours.is_nan():
            raise InvalidOperation
    except InvalidOperation:  # not a number, infinite, or too many digits to round
        raise ValidationFailed(N_("Hours must be a number of at most one decimal place, such as 3.5."),
                               field="hours") from None
    span = _hours_between(start_time, end_time)
    if hours <= 0:
        raise ValidationFailed(N_("Hours must be more than 0."), field="hours")
    if hours > span:
        raise ValidationFailed(N_("{hours} hours exceed the session's length of {span} hours.",
                                  hours=format(hours.normalize(), "f"), span=format(span.normalize(), "f")), field="hours")
    return hours


def add_session(session: Session, *, actor: User, now: datetime, class_id: int, session_date: date, start_time: time,
                end_time: time, hours: Decimal, topic: str, teacher: str | None = None,
                venue: str | None = None) -> ClassSession:
    """Add a session to a class's timetable: within the class dates, clear of its class's and its teacher's sessions."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    hours = session_hours(start_time, end_time, hours)
    teacher = _text(teacher, field="teacher", what=N_("teacher"), max_length=100, required=False)
    hold_timetables(session, klass)
    check_fits(session, klass, session_date=session_date, start_time=start_time, end_time=end_time, teacher=teacher)
    row = ClassSession(session_date=session_date, start_time=start_time, end_time=end_time, hours=hours,
                       topic=_text(topic, field="topic", what=N_("topic"), max_length=200),
                       teacher=teacher, venue=_text(venue, field="venue", what=N_("venue"), max_length=200,
                                                    required=False))
    klass.sessions.append(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="training_class.add_session", object_type="training_class",
                 object_id=klass.id, new={"session_id": row.id, "date": session_date.isoformat(),
                                          "time": f"{start_time:%H:%M}-{end_time:%H:%M}", "hours": str(hours),
                                          "topic": row.topic})
    return row


def projects_for_demand(session: Session, demand_id: int) -> list[TrainingProject]:
    """Projects that train for a demand (order-based training), shown on the demand's page."""
    stmt = select(TrainingProject).where(TrainingProject.demands.any(JobDemand.id == demand_id)) \
        .order_by(TrainingProject.id)
    return list(session.scalars(stmt))
