"""Workers' own accounts: activation by name + ID number + a one-time code sent to the phone on record, and the
one rule every page of the worker's side rests on: a worker account reaches its own person and nobody else.

Refusals while activating never say which of name, ID number or phone did not match, so the form cannot be used
to find out who is registered; the web edge also limits activation per address.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.users import create_worker_user
from app.audit.services import record_event
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.people.account_models import ActivationCode, PersonAccount
from app.people.models import Person
from app.people.services import identify_person
from app.sms import SmsSender
from app.translation import N_

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5  # wrong codes before a code is spent
RESEND_AFTER = timedelta(seconds=60)
MAX_CODES_PER_DAY = 5
CODE_KIND = "activation-code"

NO_MATCH = N_("We found no person on record with this name, ID number and a mobile phone. Check what you typed, "
              "or ask the institution that registered you to record your phone number.")
WRONG_CODE = N_("The code is wrong or has expired. Ask for a new code.")


@dataclass(frozen=True)
class CodeSent:
    """What the activation page may show after sending a code: the person's id (kept in the signed session) and
    the masked phone it went to."""

    person_id: int
    phone_masked: str


def _find_person(session: Session, *, name: str, id_type: str, id_number: str, now: datetime) -> Person:
    person, name = identify_person(session, name=name, id_type=id_type, id_number=id_number, now=now)
    if person is None or person.name != name or person.phone_enc is None:
        raise ValidationFailed(NO_MATCH, field="id_number")
    return person


def _code_hash(person_id: int, code: str) -> str:
    return pii.blind_index(CODE_KIND, f"{person_id}:{code}")


def account_of_person(session: Session, person_id: int) -> PersonAccount | None:
    """The person's account link, if the person has activated one."""
    return session.scalar(select(PersonAccount).where(PersonAccount.person_id == person_id))


def send_activation_code(session: Session, *, now: datetime, name: str, id_type: str, id_number: str,
                         sms: SmsSender) -> CodeSent:
    """Check name + ID number against the records and text a six-digit code to the phone on record."""
    person = _find_person(session, name=name, id_type=id_type, id_number=id_number, now=now)
    if account_of_person(session, person.id) is not None:
        raise ValidationFailed(N_("An account has already been activated for this person. Log in instead."),
                               field="id_number")
    recent = list(session.scalars(select(ActivationCode).where(
        ActivationCode.person_id == person.id, ActivationCode.sent_at > now - timedelta(days=1))))
    if len(recent) >= MAX_CODES_PER_DAY:
        raise NotAllowed(N_("Too many codes were sent today. Try again tomorrow."))
    if any(row.sent_at > now - RESEND_AFTER for row in recent):
        raise ValidationFailed(N_("A code was sent less than a minute ago. Wait a moment before asking again."),
                               field="id_number")
    for row in recent:  # only the newest code works
        if row.used_at is None:
            row.used_at = now
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(ActivationCode(person_id=person.id, code_hash=_code_hash(person.id, code), sent_at=now,
                               expires_at=now + CODE_LIFETIME, attempts=0))
    session.flush()
    sms.send(pii.decrypt(person.phone_enc), f"【匠才】您的账号激活验证码为 {code}，10分钟内有效。请勿告诉他人。")
    record_event(session, actor=None, now=now, action="person.activation_code", object_type="person",
                 object_id=person.id, new={"phone": person.phone_masked})
    return CodeSent(person_id=person.id, phone_masked=person.phone_masked or "")


def activate_account(session: Session, *, now: datetime, person_id: int, code: str, username: str,
                     password: str) -> User:
    """Check the one-time code and create the person's own login (role worker), linked to the person.

    A wrong code changes nothing here; the caller counts it with `count_wrong_code` after rolling back."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(N_("Start the activation again."))
    if account_of_person(session, person.id) is not None:
        raise ValidationFailed(N_("An account has already been activated for this person. Log in instead."),
                               field="code")
    row = session.scalar(select(ActivationCode).where(ActivationCode.person_id == person.id)
                         .order_by(ActivationCode.sent_at.desc(), ActivationCode.id.desc()).limit(1))
    if row is None or row.used_at is not None or row.expires_at <= now or row.attempts >= MAX_ATTEMPTS:
        raise ValidationFailed(WRONG_CODE, field="code")
    if not secrets.compare_digest(row.code_hash, _code_hash(person.id, code.strip())):
        # The edge rolls a refusal back, then counts the wrong code with `count_wrong_code`.
        raise ValidationFailed(WRONG_CODE, field="code")
    user = open_worker_account(session, now=now, person=person, username=username, password=password)
    row.used_at = now
    session.flush()
    return user


def open_worker_account(session: Session, *, now: datetime, person: Person, username: str, password: str) -> User:
    """Create the person's own login and link it, once who they are has been established (the one-time code in
    `activate_account`; the demo loader for its demo worker)."""
    if account_of_person(session, person.id) is not None:
        raise ValidationFailed(N_("An account has already been activated for this person. Log in instead."),
                               field="code")
    user = create_worker_user(session, now=now, username=username, display_name=person.name, password=password)
    session.add(PersonAccount(person_id=person.id, user_id=user.id, activated_at=now))
    session.flush()
    record_event(session, actor=user, now=now, action="person.activate_account", object_type="person",
                 object_id=person.id, new={"username": user.username})
    return user


def count_wrong_code(session: Session, *, now: datetime, person_id: int) -> None:
    """Count one wrong code against the newest code of the person (called by the edge after it rolled back a
    refused activation, so that guessing costs attempts even though the refusal wrote nothing else)."""
    row = session.scalar(select(ActivationCode).where(ActivationCode.person_id == person_id)
                         .order_by(ActivationCode.sent_at.desc(), ActivationCode.id.desc()).limit(1))
    if row is not None and row.used_at is None:
        row.attempts += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.used_at = now
        session.flush()


def own_person(session: Session, *, actor: User) -> Person:
    """The person behind a worker account: the only person it may see (anyone else is refused)."""
    if not actor.has_role(Role.WORKER):
        raise NotAllowed(N_("Only a worker's own account has these pages."))
    person = session.scalar(select(Person).join(PersonAccount, PersonAccount.person_id == Person.id)
                            .where(PersonAccount.user_id == actor.id))
    if person is None:
        raise NotFound(N_("This account is not linked to a person."))
    return person


def worker_account_count(session: Session) -> int:
    """How many people have activated their own account."""
    return session.scalar(select(func.count()).select_from(PersonAccount)) or 0
