"""Applying for a studio or base: details, required materials, review, approval with a public notice, listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import OrgKind, Role
from app.assessment.workdays import notice_end_for
from app.audit.services import record_event
from app.catalog.ladder import TECHNICIAN, Grade, grade_by_key
from app.clock import local_date
from app.errors import InvalidTransition, ValidationFailed
from app.people.access import person_in_scope
from app.people.levels import current_levels
from app.placement.scope import add_months
from app.studios.models import Studio, StudioMaterial, StudioMember
from app.studios.scope import get_studio, require_admin, require_user
from app.studios.vocabulary import (
    ANNUAL_KINDS,
    CYCLE_YEARS,
    FLOOR_AREA_BANDS,
    KINDS,
    MATERIAL_KINDS,
    NOTICE_WORKING_DAYS,
    REQUIRED_MATERIALS,
    STATUSES,
    TIERS,
    TRADE_COUNT_BANDS,
    TRANSITIONS,
)
from app.training.storage import store_document
from app.translation import N_, joined

HOST_KINDS = (OrgKind.ENTERPRISE, OrgKind.INSTITUTION)


@dataclass(frozen=True)
class StudioDetails:
    """What an application states."""

    kind: str
    name: str
    tier: str
    occupations: str
    leader_id: int | None = None
    host_org_id: int | None = None
    premises: str | None = None
    equipment: str | None = None
    floor_area_band: str | None = None
    trade_count_band: str | None = None


def leader_grade(session: Session, person_id: int, today: date) -> Grade | None:
    """The highest current ladder grade a person holds in any occupation, or None."""
    levels = current_levels(session, person_id, as_of=today)
    grades = [grade_by_key(award.grade_key) for award in levels.values()]
    return max(grades, key=lambda grade: grade.rank) if grades else None


def _host(session: Session, actor: User, host_org_id: int | None) -> Organisation:
    if not actor.has_role(Role.ADMIN):
        return actor.organisation
    host = session.get(Organisation, host_org_id) if host_org_id else None
    if host is None or host.kind not in HOST_KINDS:
        raise ValidationFailed(N_("Choose the host enterprise or training institution."), field="host_org_id")
    return host


def _check_details(session: Session, actor: User, details: StudioDetails, today: date) -> None:
    if details.kind not in KINDS:
        raise ValidationFailed(N_("Choose a studio or a base."), field="kind")
    if details.tier not in TIERS:
        raise ValidationFailed(N_("Choose the tier: national, provincial or city."), field="tier")
    if not details.name.strip():
        raise ValidationFailed(N_("Enter the name."), field="name")
    if not details.occupations.strip():
        raise ValidationFailed(N_("Enter at least one occupation."), field="occupations")
    if details.kind == "studio":
        if details.leader_id is None:
            raise ValidationFailed(N_("A studio needs a leader."), field="leader_id")
        leader = person_in_scope(session, actor=actor, person_id=details.leader_id)
        grade = leader_grade(session, leader.id, today)
        if grade is None or grade.rank < TECHNICIAN.rank:
            raise ValidationFailed(
                N_("{name} holds {grade}; a studio's leader must hold technician (level 2) or above.",
                   name=leader.name, grade=grade.label if grade else N_("no recorded level")), field="leader_id")
    else:
        if details.floor_area_band not in FLOOR_AREA_BANDS:
            raise ValidationFailed(N_("Choose the base's floor area."), field="floor_area_band")
        if details.trade_count_band not in TRADE_COUNT_BANDS:
            raise ValidationFailed(N_("Choose how many trades the base trains."), field="trade_count_band")


def _check_reapply(session: Session, host: Organisation, today: date) -> None:
    barred = session.scalar(select(Studio).where(Studio.host_org_id == host.id, Studio.status == "delisted",
                                                 Studio.reapply_from > today).order_by(Studio.reapply_from.desc()))
    if barred is not None:
        raise ValidationFailed(N_("{host} was de-listed on {day} ({name}) and may apply again from {from_day}.",
                                  host=host.name, day=barred.delisted_on.isoformat(), name=barred.name,
                                  from_day=barred.reapply_from.isoformat()), field="host_org_id")


def create_application(session: Session, *, actor: User, now: datetime, details: StudioDetails) -> Studio:
    """Start an application (a draft) for a studio or base of the actor's organisation (or any, for 人社)."""
    require_user(actor)
    today = local_date(now)
    host = _host(session, actor, details.host_org_id)
    _check_details(session, actor, details, today)
    _check_reapply(session, host, today)
    is_base = details.kind == "base"
    studio = Studio(
        kind=details.kind, name=details.name.strip()[:200], tier=details.tier, host_org_id=host.id,
        leader_id=None if is_base else details.leader_id, occupations=details.occupations.strip()[:300],
        premises=(details.premises or "").strip() or None, equipment=(details.equipment or "").strip() or None,
        floor_area_band=details.floor_area_band if is_base else None,
        trade_count_band=details.trade_count_band if is_base else None,
        status="draft", created_by_id=actor.id, created_at=now,
    )
    if not is_base:
        studio.members = [StudioMember(person_id=details.leader_id, is_leader=True, joined_on=today, created_at=now)]
    session.add(studio)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.create", object_type="studio", object_id=studio.id,
                 new={"kind": studio.kind, "name": studio.name, "tier": studio.tier, "host_org_id": host.id,
                      "leader_id": studio.leader_id, "occupations": studio.occupations})
    return studio


def add_material(session: Session, *, actor: User, now: datetime, studio_id: int, kind: str, data: bytes | None,
                 filename: str | None, storage_dir: Path) -> StudioMaterial:
    """Attach a required document to a draft application (PDF, JPEG or PNG, at most 10 MB)."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    if studio.status != "draft":
        raise InvalidTransition(N_("Materials can be added only while the application is a draft."), field="file")
    if kind not in MATERIAL_KINDS or kind in ANNUAL_KINDS:
        raise ValidationFailed(N_("Unknown kind of material: {kind}.", kind=kind), field="kind")
    if not data:
        raise ValidationFailed(N_("Choose the file to upload."), field="file")
    stored = store_document(data, storage_dir=storage_dir, folder="studios")
    row = StudioMaterial(studio_id=studio.id, kind=kind, file_path=stored.path, file_sha256=stored.sha256,
                         file_name=(filename or "")[:200] or None, uploaded_by_id=actor.id, uploaded_at=now)
    studio.materials.append(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.material", object_type="studio", object_id=studio.id,
                 new={"kind": kind, "sha256": stored.sha256})
    return row


def missing_materials(studio: Studio) -> list[str]:
    """Kinds of required material not yet attached."""
    held = {material.kind for material in studio.materials}
    return [kind for kind in REQUIRED_MATERIALS[studio.kind] if kind not in held]


def _move(session: Session, studio: Studio, to_status: str, *, actor: User, now: datetime,
          field: str | None = None, **changes) -> Studio:
    if to_status not in TRANSITIONS[studio.status]:
        raise InvalidTransition(N_("A studio or base that is {status} cannot become {target}.",
                                   status=STATUSES[studio.status], target=STATUSES[to_status]), field=field)
    old = studio.status
    studio.status = to_status
    for name, value in changes.items():
        setattr(studio, name, value)
    session.flush()
    record_event(session, actor=actor, now=now, action=f"studio.{to_status}", object_type="studio",
                 object_id=studio.id, old={"status": old},
                 new={"status": to_status, **{k: v.isoformat() if isinstance(v, date) else v
                                              for k, v in changes.items()}})
    return studio


def submit_application(session: Session, *, actor: User, now: datetime, studio_id: int) -> Studio:
    """Send a draft for review once every required material is attached."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    missing = missing_materials(studio)
    if studio.status == "draft" and missing:
        raise ValidationFailed(N_("Attach the required materials first: {kinds}.",
                                  kinds=joined(MATERIAL_KINDS[kind] for kind in missing)), field="kind")
    return _move(session, studio, "submitted", actor=actor, now=now, submitted_on=local_date(now))


def approve_application(session: Session, *, actor: User, now: datetime, studio_id: int,
                        note: str | None = None) -> Studio:
    """Approve an application: the public notice (公示) runs for five working days from the next working day."""
    require_admin(actor)
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    today = local_date(now)
    ends = notice_end_for(session, published_on=today, working_days=NOTICE_WORKING_DAYS)
    cycle_end = add_months(today, 12 * CYCLE_YEARS) - timedelta(days=1)
    return _move(session, studio, "notice", actor=actor, now=now, approved_on=today, notice_ends_on=ends,
                 cycle_end=cycle_end, decision_note=(note or "").strip()[:500] or None)


def reject_application(session: Session, *, actor: User, now: datetime, studio_id: int, reason: str) -> Studio:
    """Turn an application down, with the reason the host will read."""
    require_admin(actor)
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Give the reason for rejecting the application."), field="reason")
    return _move(session, studio, "rejected", actor=actor, now=now, field="reason", decision_note=reason[:500])


def confirm_listing(session: Session, *, actor: User, now: datetime, studio_id: int) -> Studio:
    """List an approved studio or base once its public notice has ended without a sustained objection."""
    require_admin(actor)
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    today = local_date(now)
    if studio.status == "notice" and today <= studio.notice_ends_on:
        raise InvalidTransition(N_("The public notice runs until {day}; the studio can be listed after that.",
                                   day=studio.notice_ends_on.isoformat()))
    return _move(session, studio, "listed", actor=actor, now=now)


def add_member(session: Session, *, actor: User, now: datetime, studio_id: int, person_id: int,
               joined_on: date) -> StudioMember:
    """Add a person the system knows to the studio's team."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    if studio.status in ("rejected", "delisted"):
        raise InvalidTransition(N_("A rejected or de-listed studio takes no new members."), field="person_id")
    person = person_in_scope(session, actor=actor, person_id=person_id)
    if any(member.person_id == person.id for member in studio.members):
        raise ValidationFailed(N_("{name} is already on the team.", name=person.name), field="person_id")
    if joined_on > local_date(now):
        raise ValidationFailed(N_("The date {day} is after today.", day=joined_on.isoformat()), field="joined_on")
    member = StudioMember(studio_id=studio.id, person_id=person.id, is_leader=False, joined_on=joined_on,
                          created_at=now)
    studio.members.append(member)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.member", object_type="studio", object_id=studio.id,
                 new={"person_id": person.id, "joined_on": joined_on.isoformat()})
    return member


def require_active(studio: Studio, *, field: str | None = None) -> None:
    """Refuse records for a studio that is not approved (or was de-listed)."""
    if studio.status not in ("notice", "listed"):
        raise InvalidTransition(N_("Records are kept only for approved studios and bases (this one is {status}).",
                                   status=STATUSES[studio.status]), field=field)



def add_annual_document(session: Session, *, actor: User, now: datetime, studio_id: int, kind: str, year: int,
                        data: bytes | None, filename: str | None, storage_dir: Path) -> StudioMaterial:
    """Attach the annual plan or summary of a year (from the approval year to next year's plan)."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="file")
    if kind not in ANNUAL_KINDS:
        raise ValidationFailed(N_("Choose the annual plan or the annual summary."), field="kind")
    today = local_date(now)
    if not studio.approved_on.year <= year <= today.year + (1 if kind == "annual_plan" else 0):
        raise ValidationFailed(N_("The year must lie between the approval year {first} and {last}.",
                                  first=studio.approved_on.year,
                                  last=today.year + (1 if kind == "annual_plan" else 0)), field="year")
    if not data:
        raise ValidationFailed(N_("Choose the file to upload."), field="file")
    stored = store_document(data, storage_dir=storage_dir, folder="studios")
    row = StudioMaterial(studio_id=studio.id, kind=kind, year=year, file_path=stored.path,
                         file_sha256=stored.sha256, file_name=(filename or "")[:200] or None,
                         uploaded_by_id=actor.id, uploaded_at=now)
    studio.materials.append(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.annual_document", object_type="studio",
                 object_id=studio.id, new={"kind": kind, "year": year, "sha256": stored.sha256})
    return row


def withdraw_application(session: Session, *, actor: User, now: datetime, studio_id: int) -> None:
    """Withdraw an application not yet decided: it is deleted with its materials (the audit log keeps it)."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    if studio.status not in ("draft", "submitted"):
        raise InvalidTransition(N_("Only an application not yet decided can be withdrawn."))
    record_event(session, actor=actor, now=now, action="studio.withdraw", object_type="studio", object_id=studio.id,
                 old={"status": studio.status, "name": studio.name, "host_org_id": studio.host_org_id})
    session.delete(studio)
    session.flush()
