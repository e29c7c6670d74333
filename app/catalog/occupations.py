"""Occupations and their 工种/职业方向: the rules for maintaining the catalogue."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.models import VARIANT_KINDS, Occupation, OccupationVariant, SkillStandard, StandardLevel
from app.database import get_or_not_found
from app.errors import NotAllowed, ValidationFailed
from app.translation import N_

OCCUPATION_CODE_RE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
EDITION_RE = re.compile(r"^(19|20)\d{2}$")


def validate_occupation_code(code: str, *, field: str = "code") -> str:
    """Normalise and check a 大典 code `D-DD-DD-DD` (major group 1–8)."""
    cleaned = (code or "").strip().replace("—", "-").replace("－", "-")
    if not OCCUPATION_CODE_RE.fullmatch(cleaned):
        raise ValidationFailed(N_("Occupation code “{code}” should have the form D-DD-DD-DD (e.g. 6-31-01-03).", code=code),
                               field=field)
    return cleaned


def require_catalogue_admin(actor: User | None) -> None:
    """Refuse anyone but a 人社 administrator (None = the system loading seed data)."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may maintain the occupation catalogue."))


def create_occupation(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    edition: str,
    code: str,
    name: str,
    english_name: str | None = None,
    digital: bool = False,
    green: bool = False,
) -> Occupation:
    """Add an occupation to the catalogue; (edition, code) is unique."""
    require_catalogue_admin(actor)
    code = validate_occupation_code(code)
    edition = (edition or "").strip()
    if not EDITION_RE.fullmatch(edition):
        raise ValidationFailed(N_("The classification edition should be a four-digit year, e.g. 2022."), field="edition")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Enter the occupation name."), field="name")
    exists = session.scalar(select(Occupation.id).where(Occupation.edition == edition, Occupation.code == code))
    if exists is not None:
        raise ValidationFailed(N_("The {edition} classification already has occupation code {code}.", edition=edition, code=code),
                               field="code")
    occupation = Occupation(
        edition=edition, code=code, name=name, english_name=english_name or None, digital=digital, green=green,
        active=True, created_at=now,
    )
    session.add(occupation)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="occupation.create", object_type="occupation",
        object_id=occupation.id, new={"edition": edition, "code": code, "name": name},
    )
    return occupation


def update_occupation(
    session: Session, *, actor: User, now: datetime, occupation_id: int, name: str, english_name: str | None,
    digital: bool, green: bool, active: bool,
) -> Occupation:
    """Change an occupation's name and flags (the code and edition identify it and stay)."""
    require_catalogue_admin(actor)
    occupation = get_occupation(session, occupation_id=occupation_id)
    old = {"name": occupation.name, "digital": occupation.digital, "green": occupation.green,
           "active": occupation.active}
    if not (name or "").strip():
        raise ValidationFailed(N_("Enter the occupation name."), field="name")
    occupation.name, occupation.english_name = name.strip(), english_name or None
    occupation.digital, occupation.green, occupation.active = digital, green, active
    session.flush()
    record_event(
        session, actor=actor, now=now, action="occupation.update", object_type="occupation",
        object_id=occupation.id, old=old,
        new={"name": occupation.name, "digital": digital, "green": green, "active": active},
    )
    return occupation


def add_variant(
    session: Session, *, actor: User | None, now: datetime, occupation_id: int, kind: str, name: str
) -> OccupationVariant:
    """Add a 工种 (trade) or 职业方向 (direction) under an occupation."""
    require_catalogue_admin(actor)
    occupation = get_occupation(session, occupation_id=occupation_id)
    if kind not in VARIANT_KINDS:
        raise ValidationFailed(N_("The kind should be a trade or a direction."), field="kind")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Enter the name."), field="name")
    if any(v.kind == kind and v.name == name for v in occupation.variants):
        raise ValidationFailed(N_("{occupation} already has “{name}”.", occupation=occupation.name, name=name), field="name")
    variant = OccupationVariant(kind=kind, name=name)
    occupation.variants.append(variant)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="occupation.add_variant", object_type="occupation",
        object_id=occupation.id, new={"kind": kind, "name": name},
    )
    return variant


def get_occupation(session: Session, *, occupation_id: int) -> Occupation:
    """One occupation (the catalogue is public reference data for every role)."""
    occupation = get_or_not_found(session, Occupation, occupation_id, N_("The occupation does not exist."))
    return occupation


def find_occupation(session: Session, *, code: str, edition: str | None = None) -> Occupation | None:
    """The occupation with this code (latest edition unless one is given)."""
    stmt = select(Occupation).where(Occupation.code == code).order_by(Occupation.edition.desc())
    if edition:
        stmt = stmt.where(Occupation.edition == edition)
    return session.scalars(stmt.limit(1)).first()


def list_occupations(
    session: Session, *, search: str | None = None, active_only: bool = False
) -> list[Occupation]:
    """Occupations by code, optionally filtered by a name or code fragment."""
    stmt = (
        select(Occupation)
        .options(
            selectinload(Occupation.variants),
            selectinload(Occupation.standards).selectinload(SkillStandard.levels).selectinload(
                StandardLevel.components
            ),
        )
        .order_by(Occupation.code, Occupation.edition)
    )
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Occupation.name.like(like), Occupation.code.like(like)))
    if active_only:
        stmt = stmt.where(Occupation.active.is_(True))
    return list(session.scalars(stmt))
