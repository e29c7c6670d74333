"""Notifications to people and the SMS adapter that sends them.

Each notification is a row the person's pages show; when the person has a phone number the configured SMS
backend sends the same Chinese text. The only backend so far is `console` (development and tests): it logs the
message with the masked number and keeps it in `ConsoleSms.sent`. A carrier backend implements `send`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.labour.models import Notification
from app.people.models import Person

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    """Sends one text message; `name` is recorded on the notification."""

    name: str

    def send(self, *, person: Person, text: str) -> None: ...


@dataclass
class SentSms:
    """One message the console backend 'sent'."""

    person_id: int
    phone_masked: str
    text: str


class ConsoleSms:
    """Writes messages to the log instead of a carrier (development and tests)."""

    name = "console"
    sent: list[SentSms] = []

    def send(self, *, person: Person, text: str) -> None:
        """Log the message and keep it for tests to read."""
        log.info("SMS to %s: %s", person.phone_masked, text)
        ConsoleSms.sent.append(SentSms(person.id, person.phone_masked or "", text))


BACKENDS: dict[str, type] = {"console": ConsoleSms}


def sms_backend(name: str | None) -> SmsBackend | None:
    """The configured backend, or None when SMS is switched off."""
    if not name:
        return None
    return BACKENDS[name]()


def notify(session: Session, *, person: Person, kind: str, text: str, now: datetime, object_id: int | None = None,
           sms: SmsBackend | None = None) -> Notification:
    """Record a notification for a person and text it to them when they have a phone."""
    row = Notification(person_id=person.id, kind=kind, text=text, object_id=object_id, created_at=now)
    if sms is not None and person.phone_hash:
        sms.send(person=person, text=text)
        row.sms_backend, row.sms_sent_at = sms.name, now
    session.add(row)
    return row


def notifications_of(session: Session, person_id: int, *, limit: int = 50) -> list[Notification]:
    """A person's notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.person_id == person_id)
                                .order_by(Notification.id.desc()).limit(limit)))
