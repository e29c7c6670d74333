"""No plaintext ID or phone number in the database files, a database dump, or the logs."""

import io
import logging
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from app.idnumbers import upgrade_15_to_18
from app.people.importing import import_people
from app.people.services import list_people, reveal_person
from tests.conftest import IS_POSTGRES
from tests.factories import NOW, make_user
from tests.people.factories import legacy_15, make_person, phone, resident_id


def register_some_people(session, actor) -> list[str]:
    """Register people by form and by import; return every secret that must not appear anywhere."""
    secrets: list[str] = []
    for _ in range(3):
        number, mobile = resident_id(), phone()
        make_person(session, actor, id_number=number, phone=mobile)
        secrets += [number, mobile]
    old = legacy_15(date(1970, 1, 2))
    make_person(session, actor, id_number=old, phone=(mobile := phone()))
    secrets += [old, upgrade_15_to_18(old), mobile]
    make_person(session, actor, id_type="passport", id_number="G98765432", birth_date=date(1980, 1, 1))
    secrets.append("G98765432")
    book = Workbook()
    book.active.append(["姓名", "证件号码", "手机号码", "工作单位", "从事职业名称", "工作开始日期"])
    for _ in range(3):
        number, mobile = resident_id(), phone()
        book.active.append(["王芳", number.lower(), mobile, "沈阳机床厂", "电工", "2015-01-01"])
        secrets += [number, number.lower(), mobile]
    out = io.BytesIO()
    book.save(out)
    result = import_people(session, actor=actor, now=NOW, data=out.getvalue(), filename="people.xlsx")
    assert result.ok and result.created == 3
    for person in list_people(session, actor=actor):
        reveal_person(session, actor=actor, now=NOW, person_id=person.id)
    return secrets


def assert_absent(secrets: list[str], text: str, where: str) -> None:
    found = [s for s in secrets if s in text]
    assert found == [], f"plaintext personal data found in {where}"


def test_database_holds_no_plaintext_id_or_phone(session, engine):
    staff = make_user(session, "institution_staff")
    secrets = register_some_people(session, staff)
    session.commit()
    if IS_POSTGRES:
        url = engine.url
        dump = subprocess.run(
            ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
             url.database or "test"],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
        assert "CREATE TABLE public.people" in dump and "v1:" in dump
        assert_absent(secrets, dump, "pg_dump output")
        return
    path = Path(engine.url.database)
    with sqlite3.connect(path) as conn:
        dump = "\n".join(conn.iterdump())
    conn.close()
    assert 'INSERT INTO "people"' in dump and "v1:" in dump
    assert_absent(secrets, dump, "sqlite dump")
    for file in [path, *path.parent.glob(path.name + "-*")]:  # the database file, its WAL and shared memory
        raw = file.read_bytes().decode("latin-1")
        assert_absent(secrets, raw, file.name)


def test_logs_hold_no_plaintext_id_or_phone(engine, caplog):
    caplog.set_level(logging.DEBUG)
    # SQL echo with parameters (INFO) and result rows (DEBUG); the engine reads the level per connection.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    with Session(engine) as session:
        staff = make_user(session, "institution_staff")
        secrets = register_some_people(session, staff)
        session.commit()
    messages = [record.getMessage() for record in caplog.records]
    assert any("INSERT INTO people" in m for m in messages), "SQL echo was not captured"
    assert_absent(secrets, "\n".join(messages), "log records")


@pytest.mark.parametrize("search", ["by-id", "by-phone"])
def test_searching_by_number_logs_only_its_blind_index(engine, caplog, search):
    with Session(engine) as session:
        staff = make_user(session, "institution_staff")
        number, mobile = resident_id(), phone()
        make_person(session, staff, id_number=number, phone=mobile)
        session.commit()
        caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
        term = number if search == "by-id" else mobile
        assert len(list_people(session, actor=staff, search=term)) == 1
    assert_absent([number, mobile], "\n".join(r.getMessage() for r in caplog.records), "search logs")
