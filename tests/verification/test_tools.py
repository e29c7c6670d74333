"""Logged-in tools: share links, bulk Excel check, national-check records, check statistics; the JSON API."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image
from sqlalchemy import select

from app.errors import NotFound, ValidationFailed
from app.verification.bulk import check_workbook
from app.verification.models import NationalCheck, ShareLink, VerificationLog
from app.verification.sharing import create_share_link, open_share_link
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import bearer_headers, make_org, make_user

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _sheet(rows, headers=("序号", "证书编号", "姓名")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a user might paste it
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _png(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


# --- share links -------------------------------------------------------------------------------


def test_share_link_lifecycle_through_the_certificate_page(client, session, issued):
    login(client, issued.hr.username)
    page = client.get(f"/certificates/{issued.valid.id}")
    assert page.status_code == 200 and 'id="share-card"' in page.get_data(as_text=True)
    created = post_form(client, "/verify/shares", {"certificate_id": issued.valid.id, "days": 7, "note": "应聘"},
                        form_url=f"/certificates/{issued.valid.id}")
    assert created.status_code == 200
    url = re.search(r'value="([^"]*/s/[^"]+)"', created.get_data(as_text=True)).group(1)
    share_path = "/s/" + url.split("/s/")[1]
    session.rollback()
    link = session.scalar(select(ShareLink))
    assert link.token_hash != share_path.split("/s/")[1] and len(link.token_hash) == 64
    anonymous = client.application.test_client()
    for _ in range(2):
        viewed = anonymous.get(share_path)
        assert viewed.status_code == 200 and "王建华" in viewed.get_data(as_text=True)
    assert anonymous.get(share_path + "/pdf").mimetype == "application/pdf"
    session.rollback()
    assert session.get(ShareLink, link.id).views == 3
    logs = session.scalars(select(VerificationLog).where(VerificationLog.channel == "share")).all()
    assert len(logs) == 3 and {log.share_link_id for log in logs} == {link.id}
    listing = client.get(f"/certificates/{issued.valid.id}").get_data(as_text=True)
    assert "应聘" in listing
    withdrawn = post_form(client, f"/verify/shares/{link.id}/withdraw", {}, form_url=f"/certificates/{issued.valid.id}")
    assert withdrawn.status_code == 302
    gone = anonymous.get(share_path)
    assert gone.status_code == 404 and "王建华" not in gone.get_data(as_text=True)


def test_share_links_expire_and_need_a_visible_certificate(session, issued):
    link, token = create_share_link(session, actor=issued.hr, now=NOW, certificate_id=issued.valid.id, days=1)
    assert open_share_link(session, token=token, now=NOW + timedelta(hours=23)).found
    assert not open_share_link(session, token=token, now=NOW + timedelta(days=1, seconds=1)).found
    with pytest.raises(NotFound):  # the revoked certificate's holder does not work for this enterprise
        create_share_link(session, actor=issued.hr, now=NOW, certificate_id=issued.revoked.id, days=1)
    with pytest.raises(ValidationFailed):
        create_share_link(session, actor=issued.hr, now=NOW, certificate_id=issued.valid.id, days=365)
    other_hr = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    with pytest.raises(NotFound):
        create_share_link(session, actor=other_hr, now=NOW, certificate_id=issued.valid.id, days=1)


# --- bulk check --------------------------------------------------------------------------------


def test_bulk_check_marks_every_row_and_keeps_the_sheet(session, issued):
    rows = [
        (1, issued.valid.number, "王建华"),
        (2, issued.revoked.number, "李秀英"),
        (3, issued.superseded.number, "赵敏"),
        (4, issued.valid.number, "别人"),
        (5, "S12", "王建华"),
        (6, "1521010012340001", "张三"),
        (7, None, "缺编号"),
        (8, "=HYPERLINK(\"http://x\")", "王建华"),
    ]
    result = check_workbook(session, data=_sheet(rows), filename="核验.xlsx", now=NOW,
                            organisation_id=issued.enterprise.id)
    assert [r.code for r in result.rows] == ["valid", "revoked", "superseded", "not_found", "malformed", "legacy",
                                             "empty", "malformed"]
    assert "考试作弊" in result.rows[1].status and issued.replacement.number in result.rows[2].status
    sheet = load_workbook(io.BytesIO(result.workbook)).active
    assert [c.value for c in sheet[1]] == ["序号", "证书编号", "姓名", "核验结果", "核验时间"]
    # Each result starts with the verdict's word, the same word the page, the PDF and the API use.
    words = [sheet.cell(row=r, column=4).value.split("：")[0].split("（")[0] for r in range(2, 10)]
    assert words == ["有效", "已撤销", "已被替代", "未找到", "编号格式不正确", "非本系统发证", "缺项", "编号格式不正确"]
    assert "22 位" in sheet.cell(row=6, column=4).value and sheet.cell(row=2, column=1).value == 1
    assert sheet.cell(row=9, column=2).data_type == "s"  # formula text stays text
    session.commit()
    logs = session.scalars(select(VerificationLog).where(VerificationLog.channel == "bulk")).all()
    assert len(logs) == 8 and {log.organisation_id for log in logs} == {issued.enterprise.id}


def test_bulk_check_refuses_files_it_cannot_use(session, issued):
    with pytest.raises(ValidationFailed) as refused:
        check_workbook(session, data=_sheet([(1, "x")], headers=("序号", "编号")), filename="a.xlsx", now=NOW,
                       organisation_id=None)
    assert refused.value.field == "file"
    with pytest.raises(ValidationFailed, match="xls"):
        check_workbook(session, data=b"\xd0\xcf\x11\xe0" + b"\0" * 100, filename="a.xls", now=NOW,
                       organisation_id=None)
    with pytest.raises(ValidationFailed, match="5000"):
        check_workbook(session, data=_sheet([(i, "S", "x") for i in range(5001)]), filename="a.xlsx", now=NOW,
                       organisation_id=None)


def test_bulk_check_takes_a_gbk_csv_with_a_title_row_and_keeps_the_users_columns(session, issued):
    lines = ["员工证书核验,,,", "工号,持证人姓名,证书号码,部门", f"A001,王建华,{issued.valid.number},焊接车间",
             "A002,李四,S000021000101264999999,装配"]
    result = check_workbook(session, data="\r\n".join(lines).encode("gbk"), filename="核验.csv", now=NOW,
                            organisation_id=None, translate=lambda m: m)
    assert [r.code for r in result.rows] == ["valid", "not_found"] and [r.row for r in result.rows] == [3, 4]
    sheet = load_workbook(io.BytesIO(result.workbook)).active
    assert [c.value for c in sheet[1]][:1] == ["员工证书核验"]
    assert [c.value for c in sheet[2]] == ["工号", "持证人姓名", "证书号码", "部门", "Verification result", "Checked at"]
    assert [c.value for c in sheet[3]][:4] == ["A001", "王建华", issued.valid.number, "焊接车间"]
    assert sheet.cell(row=3, column=5).value.startswith("Valid")


def test_bulk_template_reads_back_as_a_bulk_sheet(session, issued):
    from app.verification.bulk import template

    book = load_workbook(io.BytesIO(template()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["证书编号", "姓名"] and sheet["A2"].number_format == "@"
    result = check_workbook(session, data=template(), filename="t.xlsx", now=NOW, organisation_id=None)
    assert [r.code for r in result.rows] == ["not_found"]


def test_bulk_page_shows_the_table_and_offers_the_download(client, issued):
    login(client, issued.hr.username)
    page = client.get("/verify/bulk")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "file": (io.BytesIO(_sheet([(1, issued.valid.number, "王建华"), (2, "bad", "x")])), "员工证书.xlsx")}
    response = client.post("/verify/bulk", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="bulk-results"' in html and "编号格式不正确：" in html
    download = re.search(r'href="(/downloads/[^"]+)" id="bulk-download"', html).group(1)
    fetched = client.get(download)
    data = fetched.data
    fetched.close()
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(row=2, column=4).value.startswith("有效") and sheet.cell(row=3, column=4).value.startswith("编号格式不正确")


def test_bulk_check_of_five_thousand_rows_uses_one_lookup_per_chunk(session, issued):
    rows = [(i, issued.valid.number if i % 2 else f"S000021000001264{i:06d}", "王建华") for i in range(1, 5001)]
    statements = []
    from sqlalchemy import event

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", count)
    try:
        result = check_workbook(session, data=_sheet(rows), filename="big.xlsx", now=NOW, organisation_id=None)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", count)
    assert len(result.rows) == 5000 and result.count("valid") == 2500 and result.count("not_found") == 2500
    assert len(statements) <= 6


def test_only_enterprise_hr_and_admin_may_bulk_check(client, issued):
    login(client, issued.staff.username)
    assert client.get("/verify/bulk").status_code == 403
    assert client.application.test_client().get("/verify/bulk").status_code == 302  # to the login page


# --- national checks ---------------------------------------------------------------------------


def test_national_check_with_screenshot(client, session, issued):
    other_hr = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    session.commit()
    login(client, issued.hr.username)
    page = client.get("/verify/national")
    token = csrf_token_from(page.get_data(as_text=True))
    bad = client.post("/verify/national", content_type="multipart/form-data", data={
        "csrf_token": token, "number": issued.valid.number, "name": "王建华", "checked_on": "2026-11-20",
        "result": "consistent", "screenshot": (io.BytesIO(b"%PDF-1.7 not an image"), "shot.png")})
    assert bad.status_code == 422 and "PNG 或 JPEG" in bad.get_data(as_text=True)
    good = client.post("/verify/national", content_type="multipart/form-data", data={
        "csrf_token": token, "number": issued.valid.number, "name": "王建华", "checked_on": "2026-11-20",
        "result": "consistent", "note": "与原件一致", "screenshot": (io.BytesIO(_png()), "shot.png")})
    assert good.status_code == 302
    session.rollback()
    record = session.scalar(select(NationalCheck))
    assert record.certificate_id == issued.valid.id and record.result == "consistent"
    assert (issued.ctx.storage_dir / record.screenshot_path).read_bytes() == _png()
    listing = client.get("/verify/national").get_data(as_text=True)
    assert issued.valid.number in listing
    shot = client.get(f"/verify/national/{record.id}/screenshot")
    assert shot.status_code == 200 and shot.mimetype == "image/png"
    other = client.application.test_client()
    login(other, other_hr.username)
    assert other.get(f"/verify/national/{record.id}/screenshot").status_code == 404


# --- statistics --------------------------------------------------------------------------------


def test_issuer_sees_how_often_its_certificates_are_checked(client, session, issued):
    outsider = make_user(session, "evaluation_staff", org=make_org(session, "evaluation"))
    valid_number, valid_token, revoked_number, revoked_token = (
        issued.valid.number, issued.valid.token, issued.revoked.number, issued.revoked.token)
    session.commit()
    anonymous = client.application.test_client()
    anonymous.get(f"/api/v1/verify?number={valid_number}&name=王建华")
    anonymous.get(f"/api/v1/verify/{valid_token}")
    anonymous.get(f"/v/{revoked_token}")
    login(client, issued.staff.username)
    html = client.get("/verify/stats").get_data(as_text=True)
    assert valid_number in html and revoked_number in html
    assert 'data-channel="api">2<' in html and 'data-channel="qr">1<' in html
    other = client.application.test_client()
    login(other, outsider.username)
    assert valid_number not in other.get("/verify/stats").get_data(as_text=True)


# --- JSON API ----------------------------------------------------------------------------------


def test_api_verifies_without_a_token(client, issued):
    found = client.get("/api/v1/verify", query_string={"number": issued.revoked.number, "name": "李秀英"})
    assert found.status_code == 200
    body = found.get_json()
    assert body["result"] == "found" and body["certificate"]["status"] == "revoked" and body["verdict"] == "revoked"
    assert body["verdict_label"] == "已撤销" and body["certificate"]["issuer_label"] == "评价机构"
    assert body["certificate"]["revoked_reason"] == "考试作弊，成绩无效" and body["certificate"]["revoked_on"] == "2026-11-24"
    assert "id_number" not in str(body) and body["certificate"]["id_masked"] == issued.revoked.id_masked
    misses = [client.get("/api/v1/verify", query_string=q) for q in (
        {"number": issued.revoked.number, "name": "王五"}, {"number": issued.revoked.number[:-1] + "9", "name": "李秀英"})]
    assert {m.status_code for m in misses} == {404} and len({m.data for m in misses}) == 1
    assert misses[0].get_json()["verdict"] == "not_found"
    malformed = [client.get("/api/v1/verify", query_string=q) for q in (
        {"number": "nonsense", "name": "李秀英"}, {"number": issued.revoked.number[:-1], "name": "李秀英"})]
    assert {m.status_code for m in malformed} == {400} and len({m.data for m in malformed}) == 1
    body = malformed[0].get_json()
    assert body["verdict"] == "malformed" and body["field"] == "number" and "22 位" in body["error"]
    for query, field in (({}, "number"), ({"number": issued.revoked.number}, "name"),
                         ({"number": issued.revoked.number, "name": "李" * 51}, "name")):
        refused = client.get("/api/v1/verify", query_string=query)
        assert refused.status_code == 400 and refused.get_json()["field"] == field
        assert refused.get_json()["code"] == "missing" and "verdict" not in refused.get_json()
    legacy = client.get("/api/v1/verify", query_string={"number": "1521010012340001", "name": "x"}).get_json()
    assert legacy["result"] == "legacy" and "非本系统发证" in legacy["message"] and legacy["verdict"] == "legacy"
    by_token = client.get(f"/api/v1/verify/{issued.superseded.token}").get_json()
    assert by_token["certificate"]["replaced_by"] == issued.replacement.number and by_token["signature"] == "absent"
    assert by_token["verdict"] == "superseded"


def test_api_checks_with_a_bearer_token_record_the_calling_organisation(client, session, issued):
    bearer = bearer_headers(session, issued.hr, name="hr system")
    query = {"number": issued.valid.number, "name": "王建华"}
    assert client.get("/api/v1/verify", query_string=query, headers=bearer).status_code == 200
    assert client.get(f"/api/v1/verify/{issued.valid.token}", headers=bearer).status_code == 200
    assert client.get("/api/v1/verify", query_string=query).status_code == 200
    forged = client.get("/api/v1/verify", query_string=query, headers={"Authorization": "Bearer jc_forged"})
    assert forged.status_code == 401 and "Bearer" in forged.headers["WWW-Authenticate"]
    session.rollback()
    logged = [(log.channel, log.organisation_id) for log in
              session.scalars(select(VerificationLog).order_by(VerificationLog.id))]
    assert logged == [("api", issued.enterprise.id), ("api", issued.enterprise.id), ("api", None)]


def test_api_verification_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/verify", "/verify/{token}"):
        operation = document["paths"][path]["get"]
        assert operation["security"] == [{}, {"bearer": []}]  # optional: public, but a token identifies the caller
        assert {"401", "404", "429"} <= set(operation["responses"])
    assert "Verification" in document["components"]["schemas"]
