"""First start of a production site: the occupation catalogue and the first 人社 administrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import OrgKind, Role
from app.accounts.services import create_organisation, create_user
from app.catalog.seed import seed_catalog
from app.errors import Conflict
from app.translation import N_


@dataclass(frozen=True)
class SiteStart:
    """What initialise_site created."""

    occupations: int
    organisation: Organisation
    admin: User


def initialise_site(session: Session, *, now: datetime, organisation_name: str, uscc: str, city_code: str | None,
                    username: str, display_name: str, password: str) -> SiteStart:
    """Seed the catalogue and create the 人社 department with its first administrator; only on an empty site."""
    if session.scalar(select(func.count()).select_from(User)):
        raise Conflict(N_("The system already has users; the first administrator can only be created in an empty "
                          "database."), field="username")
    occupations = seed_catalog(session, now=now)
    organisation = create_organisation(session, actor=None, now=now, kind=OrgKind.HRSS, name=organisation_name,
                                       uscc=uscc, city_code=city_code)
    admin = create_user(session, actor=None, now=now, organisation_id=organisation.id, username=username,
                        display_name=display_name, password=password, roles=[Role.ADMIN])
    return SiteStart(occupations, organisation, admin)
