"""Factories for the worker's side: a registered person with a phone, and their activated account."""

from __future__ import annotations

import re

from app.people.worker_accounts import activate_account, send_activation_code
from app.sms import ConsoleSms
from tests.factories import NOW, PASSWORD, make_user
from tests.people.factories import make_person, phone, resident_id

CODE_RE = re.compile(r"(\d{6})")


def code_in(sms: ConsoleSms, number: str) -> str:
    """The six-digit code of the latest text message to the number."""
    message = sms.last_to(number)
    assert message is not None, f"no text message to {number}"
    return CODE_RE.search(message.text).group(1)


def registered_person(session, *, name: str = "李娜", staff=None):
    """A person registered by an institution, with a resident ID and a phone; returns (person, id, phone)."""
    staff = staff or make_user(session, "institution_staff")
    number, mobile = resident_id(), phone()
    person = make_person(session, staff, name=name, id_number=number, phone=mobile)
    return person, number, mobile


def worker_account(session, *, name: str = "李娜", username: str | None = None, staff=None):
    """A registered person with an activated account (password PASSWORD); returns (user, person)."""
    person, number, mobile = registered_person(session, name=name, staff=staff)
    sms = ConsoleSms()
    send_activation_code(session, now=NOW, name=name, id_type="resident_id", id_number=number, sms=sms)
    user = activate_account(session, now=NOW, person_id=person.id, code=code_in(sms, mobile),
                            username=username or f"worker{person.id}", password=PASSWORD)
    return user, person
