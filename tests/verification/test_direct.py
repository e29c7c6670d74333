"""The PostgreSQL hot path: checks run straight on a pooled connection give what the session gives."""

import dataclasses
import random
import secrets
import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select, text

from app.verification.checks import FOUND, LEGACY, MISS, check_number, check_token
from app.verification.fastpath import direct_connection
from app.verification.models import VerificationLog
from tests.certificates.helpers import decode_qr_codes
from tests.conftest import csrf_token_from, login
from tests.verification.test_checks import CHECKED, _random_number

pytestmark = pytest.mark.usefixtures("issued")


@pytest.fixture
def postgres(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the direct path is PostgreSQL only")
    return engine


def _log_rows(session):
    session.rollback()
    return [(log.channel, log.result, log.certificate_id, log.organisation_id)
            for log in session.scalars(select(VerificationLog).order_by(VerificationLog.id))]


def _checks(target, issued, query):
    """The same twelve checks, run on a session or on a direct connection."""
    ring = issued.ctx.keyring
    org = issued.enterprise.id
    return [
        check_number(target, number=issued.valid.number, name="王建华", now=CHECKED, organisation_id=org),
        check_number(target, number=issued.valid.number.lower(), name=" 王 建华", now=CHECKED, channel="api"),
        check_number(target, number=issued.revoked.number, name="李秀英", now=CHECKED),
        check_number(target, number=issued.superseded.number, name="赵敏", now=CHECKED),
        check_number(target, number=issued.replacement.number, name="赵 敏", now=CHECKED),
        check_number(target, number=issued.valid.number, name="王建国", now=CHECKED),
        check_number(target, number=issued.valid.number[:-6] + "999999", name="王建华", now=CHECKED),
        check_number(target, number="S00-bad", name="王建华", now=CHECKED),
        check_number(target, number="1521010012340001", name="王建华", now=CHECKED),
        check_token(target, token=issued.valid.token, query=query, keyring=ring, now=CHECKED, organisation_id=org),
        check_token(target, token=issued.revoked.token, query=None, keyring=ring, now=CHECKED, channel="api"),
        check_token(target, token=secrets.token_urlsafe(16), query=None, keyring=ring, now=CHECKED),
    ]


def _qr_query(issued, tmp_path) -> dict:
    pdf = (issued.ctx.storage_dir / issued.valid.pdf_path).read_bytes()
    (url,) = decode_qr_codes(pdf, tmp_path)
    return dict(parse_qsl(urlsplit(url).query))


def test_direct_checks_give_the_same_outcomes_and_log_rows_as_the_session(postgres, session, issued, tmp_path):
    query = _qr_query(issued, tmp_path)
    in_session = _checks(session, issued, query)
    session.commit()
    session_logs = _log_rows(session)
    session.execute(text("TRUNCATE verification_log"))
    session.commit()
    with direct_connection(postgres) as direct:
        direct_outcomes = _checks(direct, issued, query)
    assert [dataclasses.astuple(o) for o in direct_outcomes] == [dataclasses.astuple(o) for o in in_session]
    assert [o.result for o in direct_outcomes] == [FOUND] * 5 + [MISS] * 3 + [LEGACY, FOUND, FOUND, MISS]
    assert direct_outcomes[9].signature == "valid" and direct_outcomes[10].signature == "absent"
    assert direct_outcomes[2].facts.status == "revoked" and direct_outcomes[2].facts.revoked_reason
    assert direct_outcomes[3].facts.replaced_by == issued.replacement.number
    logs = _log_rows(session)
    assert logs == session_logs
    assert logs[0] == ("public", "valid", issued.valid.id, issued.enterprise.id)
    assert [row[1] for row in logs] == ["valid", "valid", "revoked", "superseded", "valid", "name_mismatch",
                                        "not_found", "malformed", "legacy", "valid", "revoked", "not_found"]


def test_checks_reuse_their_connections_and_the_pool_stays_transactional(postgres, session, issued):
    with direct_connection(postgres) as direct:
        assert check_number(direct, number=issued.valid.number, name="王建华", now=CHECKED).found
        first = direct.backend_pid
        with direct_connection(postgres) as concurrent:  # a check running meanwhile (another thread) gets another
            assert check_number(concurrent, number=issued.valid.number, name="王建华", now=CHECKED).found
            second = concurrent.backend_pid
    assert second != first
    seen = []

    def other_thread():
        with direct_connection(postgres) as direct:
            check_number(direct, number=issued.valid.number, name="王建华", now=CHECKED)
            seen.append(direct.backend_pid)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen[0] in (first, second)  # an idle one, not a third
    # The pool's connections keep ordinary transactions: a rolled-back write is gone.
    with postgres.connect() as connection:
        assert connection.scalar(text("SELECT pg_backend_pid()")) not in (first, second)
        connection.execute(text("INSERT INTO verification_log (checked_at, channel, result) "
                                "VALUES (now(), 'api', 'malformed')"))
        connection.rollback()
        assert connection.scalar(select(func.count()).select_from(VerificationLog)) == 3
    drivers = [c.driver for c in direct._connections.opened]
    assert len(drivers) == 2 and not any(driver.closed for driver in drivers)
    session.rollback()  # give back the connection the test's session took when it loaded `issued`
    postgres.dispose()
    assert all(driver.closed for driver in drivers)


def test_a_failed_statement_keeps_the_connection_and_a_broken_one_is_replaced(postgres, session, issued):
    with pytest.raises(Exception, match="division by zero"), direct_connection(postgres) as direct:
        direct.execute(text("SELECT 1 / 0"), {})
    kept = direct.backend_pid
    with direct_connection(postgres) as direct:
        assert check_number(direct, number=issued.valid.number, name="王建华", now=CHECKED).found
        assert direct.backend_pid == kept
    # The database drops the connection (a restart, say): the next check is run again on a new one.
    session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": kept})
    session.commit()
    with direct_connection(postgres) as direct:
        assert check_number(direct, number=issued.valid.number, name="王建华", now=CHECKED).found
        assert direct.backend_pid != kept
    assert [row[1] for row in _log_rows(session)] == ["valid", "valid"]


def test_random_numbers_and_tokens_miss_on_the_direct_path(postgres, session, issued):
    rng = random.Random(3)
    with direct_connection(postgres) as direct:
        for _ in range(2000):
            assert check_number(direct, number=_random_number(rng), name="王建华", now=CHECKED).result == MISS
            assert check_token(direct, token=secrets.token_urlsafe(16), query=None, keyring=issued.ctx.keyring,
                               now=CHECKED).result == MISS
    assert session.scalar(select(func.count()).select_from(VerificationLog).where(
        VerificationLog.certificate_id.is_not(None))) == 0
    assert session.scalar(select(func.count()).select_from(VerificationLog)) == 4000


def test_a_logged_in_checker_is_recorded_and_keeps_the_full_frame(client, session, issued):
    """Both databases: the anonymous shortcut must not hide a login from the log or the page frame."""
    anonymous = client.get(f"/v/{issued.valid.token}")
    assert anonymous.status_code == 200 and 'href="/dashboard"' not in anonymous.get_data(as_text=True)
    login(client, issued.hr.username)
    page = client.get("/verify")
    response = client.post("/verify", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                            "number": issued.valid.number, "name": "王建华"})
    assert response.status_code == 200 and 'href="/dashboard"' in response.get_data(as_text=True)
    assert client.get(f"/v/{issued.valid.token}").status_code == 200
    assert [row[3] for row in _log_rows(session)] == [None, issued.enterprise.id, issued.enterprise.id]


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(postgres, session, issued,
                                                                              monkeypatch):
    from app.verification import fastpath as direct_module

    with direct_connection(postgres) as direct:
        assert check_number(direct, number=issued.valid.number, name="王建华", now=CHECKED).found
        parent = direct._connection
    real_pid = direct_module.os.getpid()
    monkeypatch.setattr(direct_module.os, "getpid", lambda: real_pid + 1)  # as seen in a forked child
    with direct_connection(postgres) as direct:
        assert check_number(direct, number=issued.valid.number, name="王建华", now=CHECKED).found
        child = direct._connection
    assert child is not parent and direct._connections.inherited == [parent]
    session.rollback()
    postgres.dispose()  # the child shuts down: its own connection closes, the parent's socket is left alone
    assert child.driver.closed and not parent.driver.closed
    parent.driver.close()
