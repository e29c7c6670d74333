"""Organisations: registration after the credit-code check, and who may see which."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import OrgKind, Role, require_admin, sees_organisation
from app.audit.services import record_event
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.idnumbers import IdNumberError, validate_uscc
from app.regions import LIAONING_CITIES
from app.translation import N_, Message

M = TypeVar("M")


def create_organisation(session: Session, *, actor: User | None, now: datetime, kind: str, name: str, uscc: str,
                        city_code: str | None = None, address: str | None = None,
                        contact_phone: str | None = None) -> Organisation:
    """Register an organisation after checking its 统一社会信用代码; actor None = system/demo loader."""
    if actor is not None:
        require_admin(actor)
    if kind not in OrgKind.__members__.values():
        raise ValidationFailed(N_("Unknown organisation kind: {kind}.", kind=kind), field="kind")
    name = name.strip()
    if not name:
        raise ValidationFailed(N_("Enter the organisation's name."), field="name")
    try:
        code = validate_uscc(uscc)
    except IdNumberError as exc:
        raise ValidationFailed(
            N_("Invalid unified social credit code: {reason}", reason=exc.message), field="uscc"
        ) from exc
    if session.scalar(select(Organisation.id).where(Organisation.uscc == code)) is not None:
        raise ValidationFailed(N_("Unified social credit code {code} is already registered.", code=code),
                               field="uscc")
    if city_code and city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Unknown city code: {code}.", code=city_code), field="city_code")
    org = Organisation(
        kind=kind,
        name=name,
        uscc=code,
        city_code=city_code or None,
        address=address or None,
        contact_phone=contact_phone or None,
        created_at=now,
    )
    session.add(org)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="organisation.create", object_type="organisation",
        object_id=org.id, new={"kind": kind, "name": name, "uscc": code, "city_code": city_code},
    )
    return org


def list_organisations(session: Session, *, actor: User, kind: str | None = None) -> list[Organisation]:
    """Organisations the actor may see: all for 人社 administrators, otherwise their own."""
    stmt = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(Organisation.id == actor.organisation_id)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    return list(session.scalars(stmt))


def get_organisation(session: Session, *, actor: User, organisation_id: int) -> Organisation:
    """One organisation inside the actor's scope."""
    org = session.get(Organisation, organisation_id)
    if org is None or not sees_organisation(actor, org.id):
        raise NotFound(N_("Organisation not found."))
    return org


def get_organisation_row(session: Session, model: type[M], key: Any, *, actor: User, missing: Message) -> M:
    """The row of `model` if the actor sees its `organisation_id`; NotFound (`missing`) otherwise."""
    row = session.get(model, key)
    if row is None or not sees_organisation(actor, row.organisation_id):
        raise NotFound(missing)
    return row


def own_enterprise(actor: User, enterprise_id: int | None, *, not_own: Message) -> Organisation:
    """The actor's own enterprise; NotAllowed (`not_own`) when another one is named."""
    if enterprise_id not in (None, actor.organisation_id):
        raise NotAllowed(not_own)
    return actor.organisation


def chosen_enterprise(session: Session, enterprise_id: int | None, *, missing: Message) -> Organisation:
    """The registered enterprise picked for a record; ValidationFailed (`missing`) on enterprise_id otherwise."""
    org = session.get(Organisation, enterprise_id) if enterprise_id else None
    if org is None or org.kind != OrgKind.ENTERPRISE:
        raise ValidationFailed(missing, field="enterprise_id")
    return org


def organisation_counts(session: Session) -> dict[str, int]:
    """Number of organisations of each kind (for the administrator's dashboard)."""
    rows = session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind))
    counts = {kind.value: 0 for kind in OrgKind}
    counts.update({kind: n for kind, n in rows})
    return counts
