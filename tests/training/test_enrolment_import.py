"""Enrolling a class from a sheet: every row checked, all or nothing, errors by row and column."""

import io
from datetime import date

from babel.support import Translations
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import pii
from app.spreadsheets import Table, error_workbook, read_table, simple_workbook
from app.training.enrolment_import import COLUMNS, import_enrolments, template_workbook
from app.training.enrolments import NAME_MISMATCH, NOT_REGISTERED, enrol_person
from app.training.models import Enrolment
from app.translation import TRANSLATIONS_DIR, chinese, in_chinese
from tests.factories import NOW
from tests.people.factories import resident_id
from tests.training.factories import institution_staff, make_class, trainee


def rows(*values, headers=COLUMNS):
    return Table([tuple(headers), *values], "xlsx")


def number(_session, person) -> str:
    """The person's full ID number, as the institution has it on paper."""
    return pii.decrypt(person.id_number_enc)


def enrolled(session, klass) -> int:
    return session.scalar(select(func.count(Enrolment.id)).where(Enrolment.class_id == klass.id))


def test_a_clean_sheet_enrols_everyone(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    a = trainee(session, staff, name="张三", id_number=resident_id())
    b = trainee(session, institution_staff(session), name="李四", id_number=resident_id())  # other institution's
    data = simple_workbook("名单", COLUMNS, [("张三", "居民身份证", number(session, a)),
                                              ("李四", "身份证", number(session, b))], text_columns=[2])
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=read_table(data, "名单.xlsx", max_rows=1000))
    assert outcome.errors == [] and {e.person_id for e in outcome.enrolments} == {a.id, b.id}


def test_any_bad_row_means_nothing_is_enrolled(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    good = trainee(session, staff, name="张三")
    old = trainee(session, staff, name="老王", born=date(1950, 1, 1))
    already = trainee(session, staff, name="钱五")
    enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=already.id)
    sheet = rows(
        ("张三", "居民身份证", number(session, good)),
        ("张三丰", "居民身份证", number(session, good)),
        ("无名", "居民身份证", resident_id()),
        ("坏号", "居民身份证", "110105194912310029"),
        ("老王", "居民身份证", number(session, old)),
        ("钱五", "居民身份证", number(session, already)),
        ("张三", "军官证", "123"),
        ("张三", "", number(session, good)),
    )
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    found = [(e.row, e.column, e.message.template) for e in outcome.errors]
    assert found[0] == (3, "姓名", NAME_MISMATCH.template)
    assert found[1] == (4, "证件号码", NOT_REGISTERED.template)
    assert found[2][:2] == (5, "证件号码")  # wrong check digit
    assert found[3] == (6, "证件号码", "{name} is {age} on the class's start date ({start}), outside the working age "
                                      "of {low}–{high}.")
    assert found[4] == (7, "证件号码", "{name} is already enrolled in this class (status: {status}) and cannot enrol "
                                      "twice.")
    assert outcome.errors[4].message.params["name"] == "钱五"
    assert found[5] == (8, "证件类型", "Unknown ID type “{id_type}”.")
    assert outcome.errors[5].message.params == {"id_type": "军官证"}
    assert found[6] == (9, "证件号码", "The same person as in row {row}.")
    assert outcome.errors[6].message.params == {"row": 2}
    # Row errors stay marked messages; the catalogue still reads as before in Chinese.
    assert in_chinese(outcome.errors[4].message) == "钱五 已在本班报名（状态：已报名），不能重复报名"
    assert outcome.enrolments == [] and enrolled(session, klass) == 1


def test_capacity_is_checked_for_the_whole_file(session):
    staff = institution_staff(session)
    klass = make_class(session, staff, capacity=3)
    enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    people = [trainee(session, staff, name=f"学员{n}") for n in "甲乙丙"]
    sheet = rows(*[(p.name, "居民身份证", number(session, p)) for p in people])
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "姓名")]
    assert outcome.errors[0].message.params == {"capacity": 3, "taken": 1, "adding": 3, "over": 1}
    assert enrolled(session, klass) == 1


def test_error_sheet_marks_the_rows(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    sheet = rows(("无名", "居民身份证", resident_id()))
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    book = load_workbook(io.BytesIO(error_workbook(sheet.rows, outcome.errors, translate=chinese)))
    assert book["导入数据"]["D2"].value.startswith("证件号码：")
    assert book["导入数据"]["C2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert book["错误列表"]["A2"].value == 2


def test_missing_columns_are_refused(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id,
                                table=rows(("张三", "居民身份证"), headers=["姓名", "证件类型"]))
    assert [(e.row, e.column) for e in outcome.errors] == [(1, "证件号码")]
    assert "身份证号码" in str(outcome.errors[0].message)


def test_a_sheet_with_english_headers_is_accepted(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    person = trainee(session, staff, name="张三")
    sheet = rows(("张三", "", number(session, person)), headers=["Full name", "ID type", "ID number"])
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    assert outcome.errors == [] and [e.person_id for e in outcome.enrolments] == [person.id]


def test_the_template_speaks_the_users_language():
    english = load_workbook(io.BytesIO(template_workbook())).active
    assert english.title == "Enrolment list"
    assert [c.value for c in english[1]] == ["Full name", "ID type", "ID number"]
    zh = Translations.load(str(TRANSLATIONS_DIR), ["zh"]).gettext
    chinese = load_workbook(io.BytesIO(template_workbook(zh))).active
    assert chinese.title == "报名名单" and [c.value for c in chinese[1]] == list(COLUMNS)
    assert read_table(template_workbook(), "template.xlsx", max_rows=1000).rows[1][0] == "张三"


def test_a_roster_with_its_own_columns_enrols_once_they_are_accounted_for(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    person = trainee(session, staff, name="张三")
    sheet = rows(("1", "张三", number(session, person), "13800000000"),
                 headers=["序号", "学员姓名", "身份证号码", "联系电话"])
    refused = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    assert sorted(e.column for e in refused.errors) == ["序号", "联系电话"] and enrolled(session, klass) == 0
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet,
                                mapping={"序号": "", "联系电话": None})
    assert outcome.errors == [] and [e.person_id for e in outcome.enrolments] == [person.id]
