"""Activating a worker's own account: every refusal changes nothing, and the account sees only its person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.roles import Role, role_fits_org
from app.accounts.services import authenticate, create_user
from app.errors import NotAllowed, ValidationFailed
from app.people.account_models import ActivationCode, PersonAccount
from app.people.worker_accounts import (
    MAX_ATTEMPTS,
    activate_account,
    count_wrong_code,
    own_person,
    send_activation_code,
)
from app.sms import ConsoleSms
from tests.factories import NOW, PASSWORD, make_org, make_user
from tests.portal.factories import code_in, registered_person, worker_account


def _counts(session):
    return (session.scalar(select(func.count()).select_from(User)),
            session.scalar(select(func.count()).select_from(PersonAccount)))


def test_activation_creates_a_worker_login_in_no_organisation_linked_to_the_person(session):
    person, number, mobile = registered_person(session)
    sms = ConsoleSms()
    sent = send_activation_code(session, now=NOW, name="李娜", id_type="resident_id", id_number=number, sms=sms)
    assert sent.person_id == person.id and sent.phone_masked == person.phone_masked
    code = code_in(sms, mobile)
    stored = session.scalar(select(ActivationCode).where(ActivationCode.person_id == person.id))
    assert code not in stored.code_hash  # only a keyed hash is kept
    user = activate_account(session, now=NOW, person_id=person.id, code=code, username="lina", password=PASSWORD)
    assert user.roles == {"worker"} and user.organisation_id is None and user.organisation is None
    assert own_person(session, actor=user).id == person.id
    assert authenticate(session, username="lina", password=PASSWORD).id == user.id
    assert user.password_hash.startswith("$argon2")


@pytest.mark.parametrize("name,number_of", [("王五", "own"), ("李娜", "other")])
def test_a_wrong_name_or_id_number_is_refused_without_saying_which(session, name, number_of):
    _person, number, _mobile = registered_person(session)
    _other, other_number, _ = registered_person(session, name="赵六")
    sms = ConsoleSms()
    with pytest.raises(ValidationFailed) as refused:
        send_activation_code(session, now=NOW, name=name, id_type="resident_id",
                             id_number=number if number_of == "own" else other_number, sms=sms)
    assert refused.value.field == "id_number" and "no person on record" in str(refused.value)
    assert not sms.outbox and session.scalar(select(func.count()).select_from(ActivationCode)) == 0


def test_a_person_without_a_phone_on_record_cannot_activate(session):
    from tests.people.factories import make_person, resident_id
    number = resident_id()
    make_person(session, make_user(session, "institution_staff"), name="孙七", id_number=number, phone=None)
    with pytest.raises(ValidationFailed):
        send_activation_code(session, now=NOW, name="孙七", id_type="resident_id", id_number=number, sms=ConsoleSms())


def test_codes_are_rationed_and_only_the_newest_works(session):
    person, number, mobile = registered_person(session)
    sms = ConsoleSms()
    send_activation_code(session, now=NOW, name="李娜", id_type="resident_id", id_number=number, sms=sms)
    first = code_in(sms, mobile)
    with pytest.raises(ValidationFailed, match="less than a minute"):
        send_activation_code(session, now=NOW + timedelta(seconds=30), name="李娜", id_type="resident_id",
                             id_number=number, sms=sms)
    later = NOW + timedelta(minutes=2)
    send_activation_code(session, now=later, name="李娜", id_type="resident_id", id_number=number, sms=sms)
    second = code_in(sms, mobile)
    if first != second:
        with pytest.raises(ValidationFailed):
            activate_account(session, now=later, person_id=person.id, code=first, username="lina", password=PASSWORD)
    for minutes in (4, 6, 8):
        send_activation_code(session, now=NOW + timedelta(minutes=minutes), name="李娜", id_type="resident_id",
                             id_number=number, sms=sms)
    with pytest.raises(NotAllowed):  # five codes a day at most
        send_activation_code(session, now=NOW + timedelta(minutes=10), name="李娜", id_type="resident_id",
                             id_number=number, sms=sms)


def test_an_expired_or_guessed_code_is_refused_and_creates_nothing(session):
    person, number, mobile = registered_person(session)
    sms = ConsoleSms()
    send_activation_code(session, now=NOW, name="李娜", id_type="resident_id", id_number=number, sms=sms)
    code = code_in(sms, mobile)
    before = _counts(session)
    with pytest.raises(ValidationFailed) as expired:
        activate_account(session, now=NOW + timedelta(minutes=11), person_id=person.id, code=code, username="lina",
                         password=PASSWORD)
    assert expired.value.field == "code" and _counts(session) == before
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            activate_account(session, now=NOW, person_id=person.id, code=wrong, username="lina", password=PASSWORD)
        count_wrong_code(session, now=NOW, person_id=person.id)
    with pytest.raises(ValidationFailed):  # the code is spent after five wrong guesses, even the right one
        activate_account(session, now=NOW, person_id=person.id, code=code, username="lina", password=PASSWORD)
    assert _counts(session) == before


def test_a_weak_password_or_taken_username_keeps_the_code_usable(session):
    person, number, mobile = registered_person(session)
    make_user(session, "institution_staff", username="taken")
    sms = ConsoleSms()
    send_activation_code(session, now=NOW, name="李娜", id_type="resident_id", id_number=number, sms=sms)
    code = code_in(sms, mobile)
    with pytest.raises(ValidationFailed) as weak:
        activate_account(session, now=NOW, person_id=person.id, code=code, username="lina", password="short")
    assert weak.value.field == "password"
    with pytest.raises(ValidationFailed) as taken:
        activate_account(session, now=NOW, person_id=person.id, code=code, username="taken", password=PASSWORD)
    assert taken.value.field == "username"
    assert activate_account(session, now=NOW, person_id=person.id, code=code, username="lina", password=PASSWORD)


def test_one_account_per_person(session):
    _user, person = worker_account(session)
    with pytest.raises(ValidationFailed, match="already been activated"):
        activate_account(session, now=NOW, person_id=person.id, code="123456", username="again", password=PASSWORD)


def test_staff_cannot_create_a_worker_login_and_the_role_fits_no_organisation(session):
    admin = make_user(session, "admin")
    org = make_org(session, "enterprise")
    for kind in ("enterprise", "institution", "evaluation", "hrss"):
        assert not role_fits_org(Role.WORKER, kind)
    with pytest.raises(ValidationFailed) as refused:
        create_user(session, actor=admin, now=NOW, organisation_id=org.id, username="sneaky", display_name="x",
                    password=PASSWORD, roles=["worker"])
    assert refused.value.field == "roles"
    assert session.scalar(select(User).where(User.username == "sneaky")) is None


def test_own_person_refuses_staff(session):
    staff = make_user(session, "institution_staff")
    with pytest.raises(NotAllowed):
        own_person(session, actor=staff)
