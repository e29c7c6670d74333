"""A person's own account (the worker's side): the link from a person to their login, and one-time codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.database import Entity, ref, stamp
from app.people.models import Person


class PersonAccount(Entity):
    """The one login of one person; a worker account sees that person's records and nothing else."""

    __tablename__ = "person_accounts"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", unique=True)
    user_id: Mapped[int] = ref("users.id", ondelete="CASCADE", unique=True)
    activated_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship()
    user: Mapped[User] = relationship()


class ActivationCode(Entity):
    """A one-time code sent to the phone on record; only a keyed hash of it is kept."""

    __tablename__ = "activation_codes"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", index=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    sent_at: Mapped[datetime] = stamp()
    expires_at: Mapped[datetime] = stamp()
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    used_at: Mapped[datetime | None] = stamp()

    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts"),)
