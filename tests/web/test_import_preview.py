"""Importing the sheet an office already keeps: a preview of its columns before anything is written, every
column accounted for, the mapping saved for the organisation, the kept upload sealed and private."""

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from app.accounts.models import SavedMapping
from app.catalog.models import ShortageCatalogue
from app.people.models import Person, WorkRecord
from tests.conftest import confirm_import, csrf_token_from, login, preview_form
from tests.factories import make_org, make_user
from tests.people.factories import phone, resident_id

HEADERS = ["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限", "备注"]


def sheet(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows():
    return [["张伟", "居民身份证", resident_id(born=date(1985, 4, 2)), phone(), "高中", "沈阳机床厂", "电工", 8, "老学员"],
            ["李娜", "身份证", resident_id(gender="F"), phone(), "大专", "鞍钢集团", "焊工", "5.5", ""]]


def upload(client, data, name="名单.xlsx", url="/people/import", **fields):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), name), **fields})


def teacher(session, username="teacher", org=None):
    user = make_user(session, "institution_staff", username=username, org=org)
    session.commit()
    return user


def test_the_preview_shows_every_column_and_nothing_is_written_until_confirmed(client, session):
    teacher(session)
    login(client, "teacher")
    data = sheet(rows())
    step1 = upload(client, data)
    html = step1.get_data(as_text=True)
    assert step1.status_code == 200 and 'id="import-preview"' in html
    _action, fields = preview_form(html)
    assert [fields[f"column_{i}"] for i in range(9)] == [
        "name", "id_type", "id_number", "phone", "education", "employer_name", "occupation_name", "work_years", ""]
    assert "未识别" in html and "无法识别“备注”列" in html  # the unrecognised column is named before anything runs
    assert data and rows()[0][2] not in html  # ID numbers are masked in the sample values
    session.rollback()
    assert session.scalar(select(Person)) is None
    # Confirmed as preset, the 备注 column is still undecided: refused, nothing written, the preview stays.
    refused = confirm_import(client, step1)
    assert refused.status_code == 422 and "备注" in refused.get_data(as_text=True)
    assert 'id="import-preview"' in refused.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(Person)) is None
    done = confirm_import(client, refused, {"column_8": "-"})
    assert done.status_code == 302
    session.rollback()
    people = {p.name: p for p in session.scalars(select(Person))}
    assert people["张伟"].education == "senior_secondary" and people["李娜"].education == "associate"
    assert sorted(w.declared_years for w in session.scalars(select(WorkRecord))) == [5.5, 8]


def test_the_saved_mapping_is_offered_on_the_next_upload(client, session):
    teacher(session)
    login(client, "teacher")
    headers = ["学员姓名", "身份证", "受教育程度", "备注"]
    data = sheet([["张伟", resident_id(), "初中", "x"]], headers=headers)
    step1 = upload(client, data)
    assert confirm_import(client, step1, {"column_2": "education", "column_3": "-"}).status_code == 302
    session.rollback()
    saved = session.scalars(select(SavedMapping)).one()
    assert saved.kind == "people" and saved.mapping["受教育程度"] == "education" and saved.mapping["备注"] == ""
    again = upload(client, sheet([["李四", resident_id(), "高中", "y"]], headers=headers))
    _action, fields = preview_form(again.get_data(as_text=True))
    assert (fields["column_2"], fields["column_3"]) == ("education", "-")
    assert "未识别" not in again.get_data(as_text=True)
    assert confirm_import(client, again).status_code == 302
    session.rollback()
    assert {p.name: p.education for p in session.scalars(select(Person))} == {
        "张伟": "junior_secondary", "李四": "senior_secondary"}


def test_the_kept_upload_is_sealed_and_only_its_uploader_can_import_it(client, session, app):
    teacher(session)
    teacher(session, "other", org=make_org(session, "institution"))
    login(client, "teacher")
    data = sheet(rows())
    step1 = upload(client, data)
    _action, fields = preview_form(step1.get_data(as_text=True))
    kept = Path(app.config["FILE_STORAGE_DIR"]) / "pending-imports" / f"{fields['pending']}.bin"
    assert kept.exists() and rows()[0][0].encode() not in kept.read_bytes()
    assert "张伟".encode() not in kept.read_bytes()
    intruder = app.test_client()
    login(intruder, "other")
    own_token = csrf_token_from(intruder.get("/people/import").get_data(as_text=True))
    refused = confirm_import(intruder, step1, {"column_8": "-", "csrf_token": own_token})
    assert refused.status_code == 422 and "请重新上传" in refused.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(Person)) is None
    assert confirm_import(client, step1, {"column_8": "-"}).status_code == 302
    assert not kept.exists()  # deleted once imported


def test_the_preview_and_its_refusals_speak_english(client, session):
    teacher(session)
    client.set_cookie("jiangcai_lang", "en")
    login(client, "teacher")
    step1 = upload(client, sheet(rows()))
    html = step1.get_data(as_text=True)
    assert "Check the columns of" in html and "Leave this column out" in html and "Years worked in the occupation" in html
    refused = confirm_import(client, step1)
    text = refused.get_data(as_text=True)
    assert "The column “备注” is not recognised" in text and "无法识别" not in text


def test_a_shortage_upload_keeps_its_quarter_through_the_preview(client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    data = sheet([[1, "6-18-02-04", "焊工", 3200, "沈阳、大连"]], headers=["序号", "职业代码", "职业", "缺口人数", "需求地区"])
    step1 = upload(client, data, url="/catalog/shortage", quarter="2026Q3", title="")
    assert 'id="import-preview"' in step1.get_data(as_text=True)
    assert confirm_import(client, step1).status_code == 302
    session.rollback()
    catalogue = session.scalars(select(ShortageCatalogue)).one()
    assert catalogue.quarter == "2026Q3" and catalogue.entries[0].gap == 3200


def test_an_old_xls_file_gets_the_how_to(client, session):
    teacher(session)
    login(client, "teacher")
    refused = upload(client, b"\xd0\xcf\x11\xe0" + b"\0" * 600, name="名单.xls")
    assert refused.status_code == 422 and "另存为" in refused.get_data(as_text=True)


def test_a_refusal_of_the_whole_import_is_shown_on_the_preview(client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    data = sheet([[1, "6-18-02-04", "焊工", 3200]], headers=["排名", "职业编码", "职业名称", "缺口数"])
    assert confirm_import(client, upload(client, data, url="/catalog/shortage", quarter="2026Q3")).status_code == 302
    again = confirm_import(client, upload(client, data, url="/catalog/shortage", quarter="2026Q3"))
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and 'id="upload-refusal"' in html and "替换" in html
