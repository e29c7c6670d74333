"""The check services: number + name, QR token and signature, the log, and 10,000 random misses."""

import random
import secrets
import time
from datetime import UTC, datetime

from sqlalchemy import event, func, inspect, select

from app.certification.signing import parse_verification_url
from app.idnumbers import format_certificate_number
from app.translation import in_chinese
from app.verification.checks import FOUND, LEGACY, MISS, check_number, check_token, normalise_name
from app.verification.models import VerificationLog
from tests.certificates.helpers import decode_qr_codes

CHECKED = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


def _logs(session):
    session.rollback()
    return list(session.scalars(select(VerificationLog).order_by(VerificationLog.id)))


def test_number_and_name_show_the_certificate_and_log_the_check(session, issued):
    outcome = check_number(session, number=issued.valid.number, name="王建华", now=CHECKED, channel="public",
                           organisation_id=issued.enterprise.id)
    assert outcome.result == FOUND and outcome.checked_at == CHECKED
    facts = outcome.facts
    assert (facts.number, facts.holder_name, facts.status, in_chinese(facts.status_label)) == (
        issued.valid.number, "王建华", "valid", "有效")
    assert in_chinese(facts.level_label) == "四级/中级工" and facts.occupation_name == "焊工" and facts.variant_name == "--"
    assert facts.issuer_name == issued.org.name and facts.issue_date == "2026-11-24"
    assert facts.id_masked == issued.valid.id_masked and "*" in facts.id_masked
    session.commit()
    (log,) = _logs(session)
    assert (log.channel, log.result, log.certificate_id, log.organisation_id) == (
        "public", "valid", issued.valid.id, issued.enterprise.id)


def test_the_log_has_no_column_for_names_or_id_numbers():
    columns = {c.key for c in inspect(VerificationLog).columns}
    assert columns == {"id", "checked_at", "channel", "result", "certificate_id", "organisation_id", "share_link_id"}


def test_typing_variants_of_number_and_name_still_match(session, issued):
    typed = " " + issued.valid.number.lower().replace("s", "Ｓ") + " "
    assert check_number(session, number=typed, name=" 王 建华", now=CHECKED).found
    assert normalise_name("艾力·买买提") == normalise_name("艾力•买买提") == normalise_name("艾力 · 买买提")


def test_revoked_shows_date_and_reason_and_superseded_shows_replacement(session, issued):
    revoked = check_number(session, number=issued.revoked.number, name="李秀英", now=CHECKED).facts
    assert (revoked.status, revoked.revoked_on, revoked.revoked_reason) == ("revoked", "2026-11-24", "考试作弊，成绩无效")
    old = check_number(session, number=issued.superseded.number, name="赵敏", now=CHECKED).facts
    assert old.status == "superseded" and old.replaced_by == issued.replacement.number
    new = check_number(session, number=issued.replacement.number, name="赵 敏", now=CHECKED).facts
    assert new.status == "valid" and new.variant_name == "熔化焊接"


def test_misses_are_one_answer_but_logged_apart(session, issued):
    unknown = issued.valid.number[:-6] + "999999"
    outcomes = [
        check_number(session, number=unknown, name="王建华", now=CHECKED),
        check_number(session, number=issued.valid.number, name="王建", now=CHECKED),
        check_number(session, number="S0000", name="王建华", now=CHECKED),
        check_number(session, number=issued.valid.number, name="", now=CHECKED),
    ]
    assert {o.result for o in outcomes} == {MISS} and all(o.facts is None for o in outcomes)
    # Only the typed characters make a miss "malformed"; an unknown number and a wrong name are one answer.
    assert [o.verdict for o in outcomes] == ["not_found", "not_found", "malformed", "not_found"]
    assert len({(o.result, o.facts, o.signature, o.number, o.verdict) for o in outcomes[:2]}) == 1
    session.commit()
    assert [log.result for log in _logs(session)] == ["not_found", "name_mismatch", "malformed", "malformed"]
    assert all(log.certificate_id is None for log in _logs(session))


def test_a_stored_name_not_in_normal_form_is_logged_by_the_python_rule(session, issued):
    # On PostgreSQL the lookup and the log insert are one statement whose SQL compares names exactly; a stored
    # name with a different middle dot or a space makes SQL say "name_mismatch" and the row is corrected.
    issued.valid.holder_name = "王 建•华"
    session.commit()
    assert check_number(session, number=issued.valid.number, name="王建·华", now=CHECKED).found
    assert not check_number(session, number=issued.valid.number, name="王建", now=CHECKED).found
    assert check_number(session, number=issued.valid.number, name="王 建•华", now=CHECKED).found
    session.commit()
    assert [(log.result, log.certificate_id) for log in _logs(session)] == [
        ("valid", issued.valid.id), ("name_mismatch", None), ("valid", issued.valid.id)]


def test_a_check_is_one_database_round_trip(session, issued, engine):
    statements = []
    listen = "before_cursor_execute"
    number, token, keyring = issued.valid.number, issued.valid.token, issued.ctx.keyring  # loaded before counting

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, listen, count)
    try:
        assert check_number(session, number=number, name="王建华", now=CHECKED).found
        assert not check_number(session, number=number[:-6] + "999999", name="王建华", now=CHECKED).found
        assert check_token(session, token=token, query=None, keyring=keyring, now=CHECKED).found
    finally:
        event.remove(engine, listen, count)
    session.commit()
    checks = [s for s in statements if "verification_log" in s or "certificates" in s]
    assert len(checks) == (3 if engine.dialect.name == "postgresql" else 6)
    assert [log.result for log in _logs(session)] == ["valid", "not_found", "valid"]


def test_legacy_16_digit_numbers_are_not_issued_here(session, issued):
    outcome = check_number(session, number="1521010012340001", name="王建华", now=CHECKED)
    assert outcome.result == LEGACY and outcome.facts is None and outcome.number == "1521010012340001"


def test_qr_token_with_its_signature(session, issued, tmp_path):
    pdf = (issued.ctx.storage_dir / issued.valid.pdf_path).read_bytes()
    (url,) = decode_qr_codes(pdf, tmp_path)
    token, payload, signature = parse_verification_url(url)
    query = dict(pair.split("=", 1) for pair in url.split("?", 1)[1].split("&"))
    ring = issued.ctx.keyring
    outcome = check_token(session, token=token, query=query, keyring=ring, now=CHECKED)
    assert outcome.found and outcome.signature == "valid" and outcome.facts.number == issued.valid.number
    tampered = dict(query, l="3")
    assert check_token(session, token=token, query=tampered, keyring=ring, now=CHECKED).signature == "invalid"
    other = dict(query, n=issued.revoked.number)  # a valid-looking payload of another certificate
    assert check_token(session, token=token, query=other, keyring=ring, now=CHECKED).signature == "invalid"
    assert check_token(session, token=token, query={}, keyring=ring, now=CHECKED).signature == "absent"
    assert check_token(session, token=token, query={"n": "x"}, keyring=ring, now=CHECKED).signature == "invalid"
    assert check_token(session, token="x" * 22, query=query, keyring=ring, now=CHECKED).result == MISS
    assert check_token(session, token="../../etc", query=None, keyring=ring, now=CHECKED).result == MISS


def _random_number(rng: random.Random) -> str:
    return format_certificate_number(rng.choice("YS"), f"{rng.randrange(10000):04d}", "21",
                                     f"{rng.randrange(10 ** 6):06d}", rng.randrange(2020, 2030),
                                     rng.randrange(1, 6), rng.randrange(1, 10 ** 6))


def test_ten_thousand_random_numbers_and_tokens_find_nothing(session, issued, app, tmp_path):
    rng = random.Random(7)
    names = ["王建华", "李秀英", "赵敏", "张伟"]
    numbers = [_random_number(rng) for _ in range(10_000)]
    tokens = [secrets.token_urlsafe(16) for _ in range(10_000)]
    started = time.monotonic()
    for number, token in zip(numbers, tokens, strict=True):
        assert check_number(session, number=number, name=rng.choice(names), now=CHECKED).result == MISS
        assert check_token(session, token=token, query=None, keyring=issued.ctx.keyring, now=CHECKED).result == MISS
    session.commit()
    assert session.scalar(select(func.count()).select_from(VerificationLog).where(
        VerificationLog.certificate_id.is_not(None))) == 0
    assert time.monotonic() - started < 60
