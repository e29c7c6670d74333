"""Enrolling a class from a sheet: every row checked, all or nothing, errors by row and column."""

import io
from datetime import date

from babel.support import Translations
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import pii
from app.people.models import Person
from app.spreadsheets import Table, error_workbook, read_table, simple_workbook
from app.training.enrolment_import import COLUMNS, import_enrolments, template_workbook
from app.training.enrolments import enrol_person
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
    people_before = session.scalar(select(func.count(Person.id)))
    sheet = rows(
        ("张三", "居民身份证", number(session, good)),
        ("李新", "居民身份证", resident_id()),  # new: would be registered
        ("坏号", "居民身份证", "110105194912310029"),
        ("老王", "居民身份证", number(session, old)),
        ("钱五", "居民身份证", number(session, already)),
        ("张三", "军官证", "123"),
        ("张三丰", "居民身份证", resident_id(born=date(1940, 1, 1))),  # new, too old
    )
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    found = [(e.row, e.column, e.message.template) for e in outcome.errors]
    assert found[0][:2] == (4, "证件号码")  # wrong check digit
    assert found[1] == (5, "证件号码", "{name} is {age} on the class's start date ({start}), outside the working age "
                                      "of {low}–{high}.")
    assert found[2] == (6, "证件号码", "{name} is already enrolled in this class (status: {status}) and cannot enrol "
                                      "twice.")
    assert outcome.errors[2].message.params["name"] == "钱五"
    assert found[3][:2] == (7, "证件类型")
    assert outcome.errors[3].message.params["value"] == "军官证"
    assert found[4][0] == 8 and outcome.errors[4].message.params["name"] == "张三丰"
    # Row errors stay marked messages; the catalogue still reads as before in Chinese.
    assert in_chinese(outcome.errors[2].message) == "钱五 已在本班报名（状态：已报名），不能重复报名"
    assert outcome.enrolments == [] and enrolled(session, klass) == 1
    assert session.scalar(select(func.count(Person.id))) == people_before  # nobody registered either


def test_new_and_registered_people_are_enrolled_in_one_upload(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    known = trainee(session, staff, name="张三", education=None)
    new_number = resident_id(date(1992, 2, 2), gender="F")
    sheet = rows(
        ("张三", "", number(session, known), "高中/中专", ""),
        ("李梅", "居民身份证", new_number, "大专", "13812345678"),
        headers=[*COLUMNS, "文化程度", "手机号码"])
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    assert outcome.errors == [] and outcome.registered == 1 and len(outcome.enrolments) == 2
    new = session.scalar(select(Person).where(Person.name == "李梅"))
    assert new.gender == "F" and new.education is not None and new.phone_hash is not None
    assert {e.person_id for e in outcome.enrolments} == {known.id, new.id}
    assert known.education is not None  # an empty detail is filled in, never overwritten
    assert session.scalar(select(func.count(Person.id)).where(Person.name == "张三")) == 1
    # Uploading the same sheet again duplicates nobody: everyone is already enrolled.
    again = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    assert [e.row for e in again.errors] == [2, 3]
    assert session.scalar(select(func.count(Person.id)).where(Person.name == "李梅")) == 1


def test_details_contradicting_the_registered_person_are_reported(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    known = trainee(session, staff, name="张三", education="associate")
    other = trainee(session, staff, name="李四")
    sheet = rows(("李四四", "", number(session, other), ""), ("张三", "", number(session, known), "初中"),
                 headers=[*COLUMNS, "文化程度"])
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    found = [(e.row, e.column) for e in outcome.errors]
    assert (2, "姓名") in found and (3, "文化程度") in found
    assert outcome.enrolments == [] and enrolled(session, klass) == 0
    assert known.name == "张三" and known.education == "associate"
    message = next(e.message for e in outcome.errors if e.column == "文化程度")
    assert "differs from the registered person's" in message.template
    assert "与已登记人员的不同" in in_chinese(message)


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
    sheet = rows(("坏号", "居民身份证", "110105194912310029"))
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
    assert [c.value for c in english[1]][:4] == [*COLUMNS, "手机号码"]  # the header words offices use
    zh = Translations.load(str(TRANSLATIONS_DIR), ["zh"]).gettext
    chinese = load_workbook(io.BytesIO(template_workbook(zh))).active
    assert chinese.title == "报名名单" and [c.value for c in chinese[1]][:3] == list(COLUMNS)
    assert "工作单位" in [c.value for c in chinese[1]]  # the people import's columns, one template for both
    assert read_table(template_workbook(), "template.xlsx", max_rows=1000).rows[1][0] == "张伟"


def test_a_roster_with_its_own_columns_enrols_once_they_are_accounted_for(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    person = trainee(session, staff, name="张三")
    sheet = rows(("1", "张三", number(session, person), "13800000000"),
                 headers=["序号", "学员姓名", "身份证号码", "联系电话"])
    refused = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet)
    assert sorted(e.column for e in refused.errors) == ["序号"] and enrolled(session, klass) == 0
    outcome = import_enrolments(session, actor=staff, now=NOW, class_id=klass.id, table=sheet,
                                mapping={"序号": "", "联系电话": None})
    assert outcome.errors == [] and [e.person_id for e in outcome.enrolments] == [person.id]
