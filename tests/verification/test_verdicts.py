"""One verdict per check, decided in app.verification.checks and said alike by the page, the PDF and the API."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from app.verification.checks import (
    VERDICT_HEADLINES,
    VERDICT_WORDS,
    VERDICTS,
    check_number,
    check_token,
    input_problem,
)
from tests.certificates.helpers import decode_qr_codes, pdf_text, squeeze

CHECKED = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
QR_HEADLINE = "二维码无效：此纸质证书与登记信息不符，请勿采信"


def _query(issued, certificate, tmp_path) -> tuple[str, dict[str, str]]:
    pdf = (issued.ctx.storage_dir / certificate.pdf_path).read_bytes()
    (url,) = decode_qr_codes(pdf, tmp_path)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}", dict(pair.split("=", 1) for pair in parts.query.split("&"))


def test_every_verdict_has_a_word_and_a_headline_that_starts_with_it():
    assert set(VERDICT_WORDS) == set(VERDICT_HEADLINES) == set(VERDICTS)
    for verdict in VERDICTS:
        assert VERDICT_HEADLINES[verdict].startswith(VERDICT_WORDS[verdict] + ":")


def test_the_verdict_of_each_kind_of_check(session, issued, tmp_path):
    def by_number(number, name):
        return check_number(session, number=number, name=name, now=CHECKED).verdict

    assert by_number(issued.valid.number, "王建华") == "valid"
    assert by_number(issued.revoked.number, "李秀英") == "revoked"
    assert by_number(issued.superseded.number, "赵敏") == "superseded"
    assert by_number(issued.valid.number[:-6] + "999999", "王建华") == "not_found"
    assert by_number(issued.valid.number, "王建国") == "not_found"
    assert by_number(issued.valid.number[:-1], "王建华") == "malformed"  # 21 characters
    assert by_number("S00-bad", "王建华") == "malformed"
    assert by_number("1521010012340001", "王建华") == "legacy"
    _, query = _query(issued, issued.valid, tmp_path)
    ring = issued.ctx.keyring

    def by_token(certificate, query):
        return check_token(session, token=certificate.token, query=query, keyring=ring, now=CHECKED).verdict

    assert by_token(issued.valid, query) == "valid"
    assert by_token(issued.valid, {}) == "valid"  # a bare token link: the register's status
    assert by_token(issued.valid, dict(query, l="2")) == "qr_mismatch"
    # A forged QR pointing at a revoked certificate is still a mismatch first: the paper is not the record.
    assert by_token(issued.revoked, query) == "qr_mismatch"
    _, revoked_query = _query(issued, issued.revoked, tmp_path)
    assert by_token(issued.revoked, revoked_query) == "revoked"
    assert check_token(session, token="x" * 22, query=query, keyring=ring, now=CHECKED).verdict == "not_found"


@pytest.mark.parametrize(("number", "name", "problem"), [
    ("", "王建华", "number"), ("  ", "王建华", "number"), ("S1", "", "name"), ("S1", "　", "name"),
    ("S1", "王" * 51, "name"), ("S1", "王建华", None)])
def test_empty_inputs_are_refused_on_their_field_before_any_check(number, name, problem):
    assert input_problem(number, name) == problem


def test_a_forged_qr_has_a_red_headline_and_the_registered_record_below(client, issued, tmp_path):
    path, _ = _query(issued, issued.valid, tmp_path)
    html = client.get(path.replace("l=4", "l=2")).get_data(as_text=True)
    assert 'class="verdict verdict-qr_mismatch"' in html and QR_HEADLINE in html
    assert "有效：" not in html  # nothing on the page says valid in words or in green
    assert "verdict-valid" not in html and "alert-success" not in html
    headline, record = html.index(QR_HEADLINE), html.index("登记信息（供比对")
    assert headline < record < html.index(issued.valid.number, record) and "王建华" in html[record:]
    assert 'aria-hidden="true">✖</span>' in html


def test_the_issuer_is_labelled_by_the_certificates_kind(client, session, issued):
    pages = {}
    certificates = {"skill_level": issued.valid, "training": issued.revoked, "apprenticeship": issued.superseded}
    tokens = {kind: certificate.token for kind, certificate in certificates.items()}
    for kind, certificate in certificates.items():
        certificate.kind = kind
    session.commit()
    for kind, token in tokens.items():
        html = client.get(f"/v/{token}").get_data(as_text=True)
        pages[kind] = html[html.index('id="issuer-label"'):][:60]
        assert client.get(f"/api/v1/verify/{token}").get_json()["certificate"]["issuer_label"] in pages[kind]
    assert "评价机构" in pages["skill_level"] and "培训机构" in pages["training"]
    assert "用人单位" in pages["apprenticeship"]


def test_the_printed_result_leads_with_the_same_verdict(client, issued, tmp_path):
    path, _ = _query(issued, issued.valid, tmp_path)
    forged = client.get(path.replace("l=4", "l=2").replace("?", "/pdf?", 1))
    text = squeeze(pdf_text(forged.data))
    assert forged.status_code == 200 and squeeze(QR_HEADLINE) in text and "登记信息（供比对" in text
    assert text.index("二维码无效") < text.index(issued.valid.number) and "核验结论：有效" not in text
    valid = squeeze(pdf_text(client.get(path.replace("?", "/pdf?", 1)).data))
    assert "核验结论：有效" in valid and "评价机构" in valid
    revoked_path, _ = _query(issued, issued.revoked, tmp_path)
    revoked = squeeze(pdf_text(client.get(revoked_path.replace("?", "/pdf?", 1)).data))
    assert "核验结论：已撤销" in revoked and "考试作弊，成绩无效" in revoked
    superseded_path, _ = _query(issued, issued.superseded, tmp_path)
    superseded = squeeze(pdf_text(client.get(superseded_path.replace("?", "/pdf?", 1)).data))
    assert "核验结论：已被替代" in superseded and issued.replacement.number in superseded


def test_the_api_says_the_verdict_of_every_case(client, issued, tmp_path):
    path, query = _query(issued, issued.valid, tmp_path)
    token = issued.valid.token
    answers = {
        "valid": client.get(f"/api/v1/verify/{token}", query_string=query),
        "qr_mismatch": client.get(f"/api/v1/verify/{token}", query_string=dict(query, l="2")),
        "revoked": client.get("/api/v1/verify", query_string={"number": issued.revoked.number, "name": "李秀英"}),
        "superseded": client.get("/api/v1/verify", query_string={"number": issued.superseded.number, "name": "赵敏"}),
        "not_found": client.get("/api/v1/verify", query_string={"number": issued.valid.number, "name": "王建国"}),
        "malformed": client.get("/api/v1/verify", query_string={"number": issued.valid.number[:-1], "name": "王建华"}),
        "legacy": client.get("/api/v1/verify", query_string={"number": "1521010012340001", "name": "王建华"}),
    }
    statuses = {verdict: response.status_code for verdict, response in answers.items()}
    assert statuses == {"valid": 200, "qr_mismatch": 200, "revoked": 200, "superseded": 200, "not_found": 404,
                        "malformed": 400, "legacy": 200}
    for verdict, response in answers.items():
        body = response.get_json()
        assert body["verdict"] == verdict and body["headline"].startswith(body["verdict_label"])
    mismatch = answers["qr_mismatch"].get_json()
    assert mismatch["headline"] == QR_HEADLINE and mismatch["certificate"]["number"] == issued.valid.number
    english = client.get(f"/api/v1/verify/{token}", query_string=dict(query, l="2"),
                         headers={"Accept-Language": "en"}).get_json()
    assert english["verdict"] == "qr_mismatch" and english["headline"].startswith("QR code invalid:")
