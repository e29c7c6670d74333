"""People import through the API: the office's own sheet, unrecognised columns refused until mapped or left out,
every problem by row and column in the caller's language, and nothing kept unless the whole sheet is good."""

import io
import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.people.import_columns import FIELDS
from app.people.models import Person, PersonAccess, WorkRecord
from tests.people.factories import phone, resident_id

OFFICE_HEADERS = ["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限"]
BAD_ID = "110105194912310029"  # the check character should be X


def sheet(rows, headers=OFFICE_HEADERS) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_rows(note=False):
    rows = [["张伟", "居民身份证", resident_id(born=date(1985, 4, 2)), phone(), "高中", "沈阳机床厂", "电工", 8],
            ["李娜", "身份证", resident_id(gender="F"), phone(), "大专", "鞍钢集团", "焊工", "5.5"]]
    return [[*row, "老学员"] for row in rows] if note else rows


def upload(client, headers, data, name="名单.xlsx", language="zh", **fields):
    return client.post("/api/v1/people/import", headers={**headers, "Accept-Language": language},
                       content_type="multipart/form-data", data={"file": (io.BytesIO(data), name), **fields})


def count(session, model, *where):
    session.rollback()  # read what the request committed
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_office_sheet_imports_every_row_with_education_and_declared_years(client, session, api_user):
    user, headers = api_user("institution_staff")
    response = upload(client, headers, sheet(office_rows()))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["created"], body["updated"], body["unchanged"], body["work_records_added"]) == (2, 0, 0, 2)
    assert body["mapping"] == {"姓名": "name", "证件类型": "id_type", "证件号码": "id_number", "手机号": "phone",
                               "文化程度": "education", "工作单位": "employer_name", "职业(工种)": "occupation_name",
                               "从业年限": "work_years"}
    session.rollback()
    people = {p.name: p for p in session.scalars(select(Person))}
    assert people["张伟"].education == "senior_secondary" and people["李娜"].education == "associate"
    work = {w.occupation_name: w for w in session.scalars(select(WorkRecord))}
    assert (work["电工"].declared_years, work["焊工"].declared_years) == (8, 5.5)
    assert work["电工"].employer_name == "沈阳机床厂" and work["电工"].declared_on is not None
    assert count(session, PersonAccess, PersonAccess.organisation_id == user.organisation_id) == 2
    assert count(session, AuditEvent, AuditEvent.action == "person.import") == 1


def test_an_unrecognised_column_is_refused_until_left_out(client, session, api_user):
    _user, headers = api_user("institution_staff")
    data = sheet(office_rows(note=True), headers=[*OFFICE_HEADERS, "备注"])
    refused = upload(client, headers, data)
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["unmapped"] == ["备注"] and (body["code"], body["field"], body["status"]) == ("invalid", "file", 422)
    assert [(e["row"], e["column"], e["col"]) for e in body["errors"]] == [(1, "备注", 8)]
    assert body["fields"] == [f.key for f in FIELDS] and body["mapping"]["证件号码"] == "id_number"
    assert count(session, Person) == 0 and count(session, AuditEvent, AuditEvent.action == "person.import") == 0

    mapped = upload(client, headers, data, mapping=json.dumps({"备注": None}))
    assert mapped.status_code == 200, mapped.get_json()
    assert mapped.get_json()["created"] == 2 and mapped.get_json()["mapping"]["备注"] == ""
    assert count(session, Person) == 2
    # The same sheet again, with every unrecognised column left out: nobody is added twice.
    again = upload(client, headers, data, ignore_unmapped="true")
    assert again.status_code == 200, again.get_json()
    assert (again.get_json()["created"], again.get_json()["unchanged"]) == (0, 2)
    assert count(session, Person) == 2 and count(session, WorkRecord) == 2


def test_a_mapping_column_may_fill_a_field_the_words_do_not_know(client, session, api_user):
    _user, headers = api_user("institution_staff")
    data = sheet([["张伟", resident_id(), "初中"]], headers=["学员姓名", "身份证", "受教育程度"])
    assert upload(client, headers, data).get_json()["unmapped"] == ["受教育程度"]
    response = upload(client, headers, data, mapping=json.dumps({"受教育程度": "education"}))
    assert response.status_code == 200, response.get_json()
    session.rollback()
    assert session.scalars(select(Person.education)).one() == "junior_secondary"


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"mapping": json.dumps({"备注": "remarks"})}, "mapping", "remarks"),
    ({"mapping": json.dumps(["备注"])}, "mapping", "JSON object"),
    ({"mapping": "{备注: null"}, "mapping", "JSON object"),
    ({"mapping": json.dumps({"备注": 5})}, "mapping", "JSON object"),
    ({"ignore_unmapped": "yes"}, "ignore_unmapped", "true or false"),
])
def test_a_malformed_request_is_refused_naming_the_field(client, session, api_user, fields, field, words):
    _user, headers = api_user("institution_staff")
    response = upload(client, headers, sheet(office_rows(note=True), headers=[*OFFICE_HEADERS, "备注"]),
                      language="en", **fields)
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == field and words in body["error"] and "errors" not in body
    assert count(session, Person) == 0


def test_a_file_the_reader_refuses_is_an_error_on_the_file(client, session, api_user):
    _user, headers = api_user("institution_staff")
    old_excel = upload(client, headers, b"\xd0\xcf\x11\xe0" + b"\0" * 100, name="名单.xls", language="en")
    assert old_excel.status_code == 422
    assert old_excel.get_json()["field"] == "file" and ".xlsx" in old_excel.get_json()["error"]
    missing = client.post("/api/v1/people/import", headers={**headers, "Accept-Language": "en"},
                          content_type="multipart/form-data", data={"ignore_unmapped": "true"})
    assert missing.status_code == 422 and missing.get_json()["field"] == "file"
    assert missing.get_json()["error"] == "Choose the file to upload."
    assert count(session, Person) == 0


def test_a_bad_row_imports_nothing_and_every_problem_is_located(client, session, api_user):
    _user, headers = api_user("institution_staff")
    rows = office_rows()
    rows.insert(1, ["王五", "居民身份证", BAD_ID, phone(), "幼儿园", "沈阳机床厂", "电工", 3])
    response = upload(client, headers, sheet(rows), language="en")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "Nothing was imported: 2 problems found." and body["unmapped"] == []
    assert [(e["row"], e["column"], e["col"]) for e in body["errors"]] == [(3, "证件号码", 2), (3, "文化程度", 4)]
    assert count(session, Person) == 0 and count(session, WorkRecord) == 0 and count(session, PersonAccess) == 0


def test_problems_come_back_in_the_callers_language(client, session, api_user):
    _user, headers = api_user("institution_staff")
    data = sheet([["王五", "居民身份证", BAD_ID, phone(), "高中", "沈阳机床厂", "电工", 3, "x"]],
                 headers=[*OFFICE_HEADERS, "备注"])
    data_ok_columns = sheet([["王五", "居民身份证", BAD_ID, phone(), "高中", "沈阳机床厂", "电工", 3]])
    english = upload(client, headers, data, language="en").get_json()
    assert english["error"] == "Nothing was imported: 1 problem found."
    assert english["errors"][0]["message"].startswith("The column “备注” is not recognised")
    chinese = upload(client, headers, data, language="zh").get_json()
    assert chinese["error"] == "未导入任何数据：发现 1 处问题。"
    assert "备注" in chinese["errors"][0]["message"] and "not recognised" not in chinese["errors"][0]["message"]
    row_en = upload(client, headers, data_ok_columns, language="en").get_json()["errors"][0]["message"]
    row_zh = upload(client, headers, data_ok_columns, language="zh").get_json()["errors"][0]["message"]
    assert "check character" in row_en and "should be X" in row_en
    assert "校验位应为 X，实际为 9" in row_zh
    assert count(session, Person) == 0


def test_roles_without_people_access_are_refused(client, session, api_user):
    _assessor, headers = api_user("assessor")
    response = upload(client, headers, sheet(office_rows()))
    assert response.status_code == 403
    assert client.get("/api/v1/people/import/fields", headers=headers).status_code == 403
    anonymous = client.post("/api/v1/people/import", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(sheet(office_rows())), "名单.xlsx")})
    assert anonymous.status_code == 401
    assert count(session, Person) == 0


def test_the_fields_a_mapping_may_name(client, api_user):
    _user, headers = api_user("enterprise_hr")
    english = client.get("/api/v1/people/import/fields", headers={**headers, "Accept-Language": "en"})
    assert english.status_code == 200
    items = {f["key"]: f for f in english.get_json()["items"]}
    assert list(items) == [f.key for f in FIELDS]
    assert {key for key, f in items.items() if f["required"]} == {"name", "id_number"}
    education = items["education"]
    assert (education["header"], education["label"]) == ("文化程度", "Education") and "学历" in education["aliases"]
    assert "eligibility" in education["note"]
    chinese = client.get("/api/v1/people/import/fields", headers={**headers, "Accept-Language": "zh"}).get_json()
    assert {f["key"]: f["label"] for f in chinese["items"]}["education"] == "学历"


def test_both_endpoints_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    upload_operation = document["paths"]["/people/import"]["post"]
    body = upload_operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file"] and body["properties"]["file"]["format"] == "binary"
    assert upload_operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PeopleImportRefusal"}
    assert "get" in document["paths"]["/people/import/fields"]


@pytest.mark.parametrize("case", ["million_rows_xlsx", "zip_bomb_xlsx", "million_rows_csv"])
def test_a_hostile_file_is_refused_on_the_file_within_2_s_and_100_mb(client, session, api_user, case):
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from tests import hostile_files as hostile

    _user, headers = api_user("institution_staff")
    data = getattr(hostile, case)()
    name = "名单.csv" if case.endswith("csv") else "名单.xlsx"
    # Encoded here, in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict({"file": FileStorage(io.BytesIO(data), name)}))
    figures = hostile.measure(lambda: client.post("/api/v1/people/import", data=body, headers={
        **headers, "Accept-Language": "en", "Content-Type": f"multipart/form-data; boundary={boundary}"}), timed=False)
    answer = figures.outcome
    assert answer.status_code == 422 and answer.get_json()["field"] == "file"
    assert "10000 rows" in answer.get_json()["error"] or "100 times" in answer.get_json()["error"]
    assert figures.peak_mb < 100, figures
    assert count(session, Person) == 0
