"""Public pages: check form, identical misses, legacy, QR landing page, PDF, rate limit, random probes."""

import io
import random
import secrets
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pypdf
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.verification.models import VerificationLog
from tests.certificates.helpers import decode_qr_codes, pdf_text, squeeze
from tests.conftest import csrf_token_from, make_config
from tests.verification.test_checks import _random_number


def _check(client, number, name):
    page = client.get("/verify")
    assert page.status_code == 200
    return client.post("/verify", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                        "number": number, "name": name})


def test_matching_number_and_name_show_the_certificate(client, issued):
    response = _check(client, issued.valid.number, "王建华")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("王建华", issued.valid.number, issued.valid.id_masked, "焊工", "四级/中级工", "2026-11-24",
                 issued.org.name, 'data-status="valid"', 'id="checked-at"'):
        assert text in html
    assert response.headers["X-Robots-Tag"].startswith("noindex")


def test_unknown_and_wrong_name_look_the_same_and_malformed_names_the_format(client, issued):
    unknown = _check(client, issued.valid.number[:-6] + "999999", "王建华")
    wrong_name = _check(client, issued.valid.number, "王建国")
    assert unknown.status_code == wrong_name.status_code == 404
    assert unknown.get_data() == wrong_name.get_data()
    html = wrong_name.get_data(as_text=True)
    assert "王建华" not in html and 'data-verdict="not_found"' in html and "未找到" in html
    # A malformed number (a 21-character one too) is told from its characters alone: the same page whether or
    # not a certificate's number starts with those characters.
    short_of_real = _check(client, issued.valid.number[:-1], "王建华")
    short_of_none = _check(client, "Z" + issued.valid.number[1:-1], "王建华")
    garbage = _check(client, "S" * 500, "王建华")
    assert short_of_real.status_code == short_of_none.status_code == garbage.status_code == 400
    assert short_of_real.get_data() == short_of_none.get_data() == garbage.get_data()
    html = short_of_real.get_data(as_text=True)
    assert 'data-verdict="malformed"' in html and "编号格式不正确" in html and "22 位" in html
    assert "未找到" not in html and "王建华" not in html


def test_an_empty_form_or_an_overlong_name_is_refused_on_its_field(client, issued):
    empty = _check(client, "", "")
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "请填写证书上印制的证书编号" in html and "请填写证书上印制的持证人姓名" in html
    assert "data-verdict" not in html and 'id="number"' in html
    no_name = _check(client, issued.valid.number, "   ")
    assert no_name.status_code == 400 and "请填写证书上印制的持证人姓名" in no_name.get_data(as_text=True)
    long_name = _check(client, issued.valid.number, "王" * 51)
    assert long_name.status_code == 400 and "最多 50 个字符" in long_name.get_data(as_text=True)


def test_legacy_numbers_are_reported_as_not_issued_here(client, issued):
    response = _check(client, "1521010012340001", "王建华")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="verify-legacy"' in html and 'data-verdict="legacy"' in html


def _qr_url(issued, certificate, tmp_path) -> str:
    pdf = (issued.ctx.storage_dir / certificate.pdf_path).read_bytes()
    (url,) = decode_qr_codes(pdf, tmp_path)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_qr_page_states_the_signature(client, issued, tmp_path):
    path = _qr_url(issued, issued.valid, tmp_path)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-signature="valid"' in html and "王建华" in html
    forged = client.get(path.replace("l=4", "l=2"))
    assert forged.status_code == 200 and 'data-signature="invalid"' in forged.get_data(as_text=True)
    assert 'data-verdict="qr_mismatch"' in forged.get_data(as_text=True)
    unknown = client.get(f"/v/{secrets.token_urlsafe(16)}?{path.split('?')[1]}")
    assert unknown.status_code == 404 and 'id="verify-miss"' in unknown.get_data(as_text=True)
    assert "王建华" not in unknown.get_data(as_text=True)


def test_revoked_and_superseded_pages(client, issued, tmp_path):
    html = client.get(_qr_url(issued, issued.revoked, tmp_path)).get_data(as_text=True)
    assert 'data-verdict="revoked"' in html and "2026-11-24" in html and "考试作弊，成绩无效" in html
    assert "已撤销：" in html
    html = client.get(_qr_url(issued, issued.superseded, tmp_path)).get_data(as_text=True)
    assert 'data-verdict="superseded"' in html and issued.replacement.number in html and "已被替代：" in html


def test_printable_result_is_one_page_stamped_with_the_check_time(client, issued, tmp_path):
    path = _qr_url(issued, issued.valid, tmp_path)
    response = client.get(path.replace("?", "/pdf?", 1))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = squeeze(pdf_text(response.data))
    assert "核验时间" in text and issued.valid.number in text and "王建华" in text and "二维码签名验证通过" in text
    assert datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d") in text
    assert len(pypdf.PdfReader(io.BytesIO(response.data)).pages) == 1
    page = client.get("/verify")
    form_pdf = client.post("/verify/pdf", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                                "number": issued.revoked.number, "name": "李秀英"})
    assert form_pdf.status_code == 200 and "考试作弊，成绩无效" in squeeze(pdf_text(form_pdf.data))
    miss = client.post("/verify/pdf", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                            "number": issued.revoked.number, "name": "某人"})
    assert miss.status_code == 404 and miss.mimetype == "text/html"


def test_public_routes_are_rate_limited_per_address_with_retry_after(app, client, issued):
    limit = int(app.config["PUBLIC_LIMIT"].split()[0])
    statuses = [client.get(f"/v/{secrets.token_urlsafe(16)}").status_code for _ in range(limit)]
    assert set(statuses) == {404}
    blocked = client.get(f"/v/{secrets.token_urlsafe(16)}")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert client.get("/api/v1/verify?number=x&name=y").status_code == 429  # one budget for pages and API
    other = app.test_client()
    assert other.get("/verify", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_random_probes_over_http_find_nothing_and_never_fail(app, issued, tmp_path):
    unlimited = type("Unlimited", (make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),),
                     {"RATELIMIT_ENABLED": False})
    probe_app = create_app(unlimited)
    client = probe_app.test_client()
    rng = random.Random(11)
    statuses = set()
    for _ in range(150):
        statuses.add(client.get(f"/v/{secrets.token_urlsafe(16)}").status_code)
        statuses.add(client.get(f"/api/v1/verify/{secrets.token_urlsafe(16)}").status_code)
        statuses.add(client.get("/api/v1/verify", query_string={"number": _random_number(rng),
                                                                 "name": "王建华"}).status_code)
    assert statuses == {404}
    with probe_app.app_context():
        found = db.session.scalars(select(VerificationLog.certificate_id).where(
            VerificationLog.certificate_id.is_not(None))).all()
        db.session.remove()
        db.engine.dispose()
    assert found == []
