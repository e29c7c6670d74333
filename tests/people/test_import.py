"""Bulk import from Excel and CSV: all or nothing, every error located, idempotent, with error and template workbooks."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from babel.support import Translations
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app import pii
from app.audit.models import AuditEvent
from app.errors import ValidationFailed
from app.people.importing import (
    error_workbook,
    export_people_workbook,
    import_people,
    template_workbook,
)
from app.people.models import Person, PersonAccess, WorkRecord
from app.people.services import get_person, list_people
from app.translation import TRANSLATIONS_DIR, in_chinese
from tests.factories import NOW, make_user
from tests.people.factories import make_person, phone, resident_id

HEADERS = ["姓名", "证件类型", "证件号码", "手机号码", "性别", "学历", "毕业院校类型", "所学专业", "目标群体",
           "工作单位", "从事职业编码", "从事职业名称", "工作开始日期", "工作结束日期"]


# Workbooks for a Chinese user: the web edge passes the request's gettext.
ZH = Translations.load(str(TRANSLATIONS_DIR), ["zh"]).gettext


@pytest.fixture
def staff(session):
    return make_user(session, "institution_staff")


def row(name="张伟", id_number=None, mobile=None, **extra):
    values = {"姓名": name, "证件类型": "居民身份证", "证件号码": id_number or resident_id(),
              "手机号码": mobile if mobile is not None else phone(), "学历": "高中/中专",
              "目标群体": "农村转移就业劳动者、登记失业人员", "工作单位": "沈阳机床厂", "从事职业编码": "6-31-01-03",
              "从事职业名称": "电工", "工作开始日期": "2012-03-01"}
    values.update(extra)
    return [values.get(header) for header in HEADERS]


def xlsx(rows, headers=HEADERS, above=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in above:
        sheet.append(line)
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8", headers=HEADERS) -> bytes:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in values) for values in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(session, actor, data, filename="people.xlsx", **options):
    return import_people(session, actor=actor, now=NOW, data=data, filename=filename, **options)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_valid_sheet_creates_people_with_work_history(session, staff):
    first, second = resident_id(), resident_id(gender="F")
    result = run(session, staff, xlsx([row("张伟", first), row("李娜", second, 性别="女", 工作结束日期="2020/6/30")]))
    assert result.ok and (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.work_records_added == 2
    people = {p.name: p for p in list_people(session, actor=staff)}
    assert pii.decrypt(people["李娜"].id_number_enc) == second and people["李娜"].gender == "F"
    assert people["张伟"].target_groups == ["rural_migrant", "registered_unemployed"]
    assert people["张伟"].education == "senior_secondary"
    work = people["李娜"].work_records
    assert [(w.occupation_code, w.start_date, w.end_date) for w in work] == [
        ("6-31-01-03", date(2012, 3, 1), date(2020, 6, 30))]
    assert count(session, PersonAccess) == 2
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.import")).one()
    assert event.new_value["created"] == 2 and event.new_value["filename"] == "people.xlsx"


def test_any_bad_row_means_nothing_is_imported_and_every_error_is_located(session, staff):
    rows = [
        row("王一"),
        row("王二", "110105194912310029"),
        row("王三", 学历="幼儿园"),
        row("王四", mobile="1381234"),
        row("王五", 工作开始日期="2012-13-01", 从事职业编码="63101"),
        row("王六"),
    ]
    result = run(session, staff, xlsx(rows))
    assert not result.ok
    located = [(e.row, e.column, e.col) for e in result.errors]
    assert located == [(3, "证件号码", 2), (4, "学历", 5), (5, "手机号码", 3), (6, "从事职业编码", 10),
                       (6, "工作开始日期", 12)]
    messages = {(e.row, e.column): in_chinese(e.message) for e in result.errors}  # the catalogue's wording
    assert "校验位应为 X，实际为 9" in messages[(3, "证件号码")]
    assert "幼儿园" in messages[(4, "学历")] and "高中/中专" in messages[(4, "学历")]
    assert "不是有效日期" in messages[(6, "工作开始日期")]
    assert count(session, Person) == 0 and count(session, WorkRecord) == 0


def test_full_width_digits_spaces_and_lowercase_x_are_accepted(session, staff):
    number = "11010519491231002X"
    messy = " ".join("１１０１０５１９４９１２３１００２ｘ")
    result = run(session, staff, xlsx([row(" 张  伟 ", messy, mobile="139 1234 5678", 性别=" 女 ")]))
    assert result.ok, result.errors
    person = list_people(session, actor=staff)[0]
    assert person.name == "张伟"
    assert pii.decrypt(person.id_number_enc) == number
    assert pii.decrypt(person.phone_enc) == "13912345678"


def test_scientific_notation_ids_are_refused_with_an_explanation(session, staff):
    result = run(session, staff, xlsx([row(id_number="2.10102E+17")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "证件号码")]
    assert "科学计数法（2.10102E+17）" in in_chinese(result.errors[0].message)
    assert "文本格式" in in_chinese(result.errors[0].message)


@pytest.mark.parametrize("value", [210102199003071233, 2.10102199003071e17])
def test_numeric_id_cells_are_refused_saying_the_column_must_be_text(session, staff, value):
    result = run(session, staff, xlsx([row(id_number=value)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "证件号码")]
    assert result.errors[0].message.template.startswith("The ID number cell is formatted as a number")
    message = in_chinese(result.errors[0].message)
    assert "数字格式" in message and "“文本”格式" in message and "15 位有效数字" in message
    if isinstance(value, float):
        assert "2.10102E+17" in message


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")])
def test_csv_in_utf8_with_or_without_bom_and_gbk(session, staff, encoding, bom):
    data = bom + csv_bytes([row("欧阳娜娜", 目标群体="就业困难人员")], encoding=encoding)
    result = run(session, staff, data, filename="people.csv")
    assert result.ok, result.errors
    assert result.encoding == ("GBK" if encoding == "gbk" else "UTF-8")
    person = list_people(session, actor=staff)[0]
    assert person.name == "欧阳娜娜" and person.target_groups == ["hard_to_employ"]


def test_reimporting_the_same_file_creates_no_duplicates(session, staff):
    data = xlsx([row("张伟"), row("李娜"), row("赵强")])
    assert run(session, staff, data).created == 3
    again = run(session, staff, data)
    assert again.ok and (again.created, again.updated, again.unchanged, again.work_records_added) == (0, 0, 3, 0)
    assert count(session, Person) == 3 and count(session, WorkRecord) == 3


def test_reimport_fills_missing_fields_and_adds_new_work_only(session, staff):
    number = resident_id()
    run(session, staff, xlsx([row("张伟", number, mobile="", 学历=None)]))
    later = xlsx([row("张伟", number, mobile="13900001111", 学历="大专"),
                  row("张伟", number, mobile="", 工作单位="大连船厂", 工作开始日期="2008.01.02",
                      工作结束日期="20111231", 学历="本科")])
    result = run(session, staff, later)
    assert not result.ok  # 大专 vs 本科 on rows of one person conflict
    assert [(e.row, e.column) for e in result.errors] == [(3, "学历")]
    later = xlsx([row("张伟", number, mobile="13900001111", 学历="大专"),
                  row("张伟", number, mobile="", 学历=None, 工作单位="大连船厂", 工作开始日期="2008.01.02",
                      工作结束日期="20111231")])
    result = run(session, staff, later)
    assert (result.created, result.updated, result.unchanged, result.work_records_added) == (0, 1, 0, 1)
    person = session.scalars(select(Person)).one()
    assert person.education == "associate" and pii.decrypt(person.phone_enc) == "13900001111"
    assert count(session, WorkRecord) == 2


def test_reimport_never_overwrites_existing_values(session, staff):
    number = resident_id()
    run(session, staff, xlsx([row("张伟", number, 学历="初中")]))
    result = run(session, staff, xlsx([row("张伟", number, 学历="本科")]))
    assert result.ok and result.unchanged == 1
    assert session.scalars(select(Person)).one().education == "junior_secondary"


def test_one_person_over_several_rows(session, staff):
    number = resident_id()
    rows = [row("张伟", number, 工作单位="沈阳机床厂", 工作开始日期="2010-03-01", 工作结束日期="2015-02-28"),
            row(None, number, mobile="", 学历=None, 目标群体=None, 工作单位="大连船厂",
                工作开始日期=datetime(2015, 3, 1)),
            row("张伟", number, mobile="", 工作单位="沈阳机床厂", 工作开始日期="2010-03-01", 工作结束日期="2015-02-28")]
    result = run(session, staff, xlsx(rows))
    assert result.ok, result.errors
    assert result.created == 1 and result.work_records_added == 2


def test_conflicting_names_for_one_id_are_refused(session, staff):
    number = resident_id()
    result = run(session, staff, xlsx([row("张伟", number), row("张韦", number, mobile="")]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名")]
    assert result.errors[0].message.params["row"] == 2 and result.errors[0].message.params["value"] == "张伟"
    assert "与第 2 行（同一证件号码）的姓名“张伟”不一致" in in_chinese(result.errors[0].message)
    assert count(session, Person) == 0


def test_an_id_registered_under_another_name_is_refused(session, staff):
    number = resident_id()
    existing = make_person(session, staff, name="刘洋", id_number=number)
    result = run(session, staff, xlsx([row("刘阳", number)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]
    assert existing.id_masked in result.errors[0].message and number not in result.errors[0].message


def test_importing_a_known_person_grants_the_importer_access(session, staff):
    number = resident_id()
    make_person(session, staff, name="刘洋", id_number=number)
    evaluator = make_user(session, "evaluation_staff")
    result = run(session, evaluator, xlsx([row("刘洋", number)]))
    assert result.ok and result.created == 0 and result.updated == 1  # a new work period
    person = list_people(session, actor=evaluator)[0]
    assert get_person(session, actor=evaluator, person_id=person.id) is person


def test_headers_are_matched_by_name_in_any_order_with_spaces_and_full_width(session, staff):
    headers = [" 证件号码（必填） ", "＊姓 名", "手机号", "Notes"]
    data = xlsx([[resident_id(), "张伟", phone(), "ignored"]], headers=headers, above=[["2026 年培训人员名单"]])
    refused = run(session, staff, data)
    assert [(e.row, e.column, e.col) for e in refused.errors] == [(2, "Notes", 3)]  # never dropped unseen
    assert count(session, Person) == 0
    result = run(session, staff, data, mapping={"Notes": None})
    assert result.ok, result.errors
    assert count(session, Person) == 1
    assert result.layout.mapping()["notes"] == ""


# The sheet an institution keeps, in the wording of the registration forms (issue 15).
FORM_HEADERS = ["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限"]


def form_rows():
    return [["张伟", "居民身份证", resident_id(born=date(1985, 4, 2)), phone(), "高中", "沈阳机床厂", "电工", "8"],
            ["李娜", "身份证", resident_id(gender="F", born=date(1990, 1, 9)), phone(), "大专", "鞍钢集团", "焊工",
             "５.５年"],
            ["王强", "", resident_id(born=date(1979, 7, 1)).lower(), phone(), "本科", "", "", ""]]


@pytest.mark.parametrize("kind", ["xlsx", "gbk-csv"])
def test_the_registration_form_headers_import_every_row_and_keep_every_value(session, staff, kind):
    rows = form_rows()
    data = (xlsx(rows, headers=FORM_HEADERS) if kind == "xlsx"
            else csv_bytes(rows, encoding="gbk", headers=FORM_HEADERS))
    result = run(session, staff, data, filename=f"people.{kind.split('-')[-1]}")
    assert result.ok, result.errors
    assert result.layout.unmapped == [] and result.created == 3 and result.work_records_added == 2
    people = {p.name: p for p in list_people(session, actor=staff)}
    assert {name: p.education for name, p in people.items()} == {
        "张伟": "senior_secondary", "李娜": "associate", "王强": "bachelor"}
    work = {w.person.name: w for w in session.scalars(select(WorkRecord))}
    assert (work["张伟"].employer_name, work["张伟"].occupation_name, work["张伟"].declared_years) == (
        "沈阳机床厂", "电工", 8)
    assert work["张伟"].start_date is None and work["张伟"].declared_on == NOW.date()
    assert work["李娜"].declared_years == Decimal("5.5")


def test_the_other_registration_fields_are_kept(session, staff):
    headers = ["＊姓名", "公民身份号码", "民族", "户籍所在地", "最高学历", "毕业院校", "所学专业", "联系电话"]
    data = xlsx([["张伟", resident_id(), "满族", "辽宁省抚顺市", "中专", "抚顺市技工学校", "焊接", phone()]],
                headers=headers)
    result = run(session, staff, data)
    assert result.ok, result.errors
    person = session.scalars(select(Person)).one()
    assert (person.ethnicity, person.household_place, person.education, person.school_name, person.speciality) == (
        "满族", "辽宁省抚顺市", "senior_secondary", "抚顺市技工学校", "焊接")


@pytest.mark.parametrize(("years", "problem"), [("八", "not a number of years"), ("0", "more than 0"),
                                                ("5.25", "one decimal"), ("30", "since the age of 16")])
def test_declared_years_that_cannot_be_true_are_refused_on_their_cell(session, staff, years, problem):
    data = xlsx([["张伟", resident_id(born=date(1995, 4, 2)), "沈阳机床厂", "电工", years]],
                headers=["姓名", "身份证号", "单位名称", "工种", "工作年限"])
    result = run(session, staff, data)
    assert [(e.row, e.column, e.col) for e in result.errors] == [(2, "工作年限", 4)]
    assert problem in str(result.errors[0].message)
    assert count(session, Person) == 0


def test_a_work_row_needs_a_start_date_or_declared_years(session, staff):
    data = xlsx([["张伟", resident_id(), "沈阳机床厂", "电工", None]],
                headers=["姓名", "身份证号", "工作单位", "职业（工种）", "从业年限"])
    result = run(session, staff, data)
    assert [(e.row, e.column) for e in result.errors] == [(2, "工作开始日期")]
    assert "从业年限" in str(result.errors[0].message)


def test_an_explicit_mapping_places_a_column_the_words_do_not_know(session, staff):
    data = xlsx([["张伟", resident_id(), "初中"]], headers=["姓名", "身份证号", "受教育程度"])
    assert [e.column for e in run(session, staff, data).errors] == ["受教育程度"]
    result = run(session, staff, data, mapping={"受教育程度": "education"})
    assert result.ok and session.scalars(select(Person)).one().education == "junior_secondary"
    with pytest.raises(ValidationFailed) as refused:
        run(session, staff, data, mapping={"受教育程度": "schooling"})
    assert refused.value.field == "mapping" and "schooling" in str(refused.value.message)


def test_ignore_unmapped_leaves_unknown_columns_out_when_asked(session, staff):
    data = xlsx([["张伟", resident_id(), "见备注"]], headers=["姓名", "身份证号", "备注"])
    assert run(session, staff, data, ignore_unmapped=True).ok


def test_missing_required_headers_are_reported(session, staff):
    result = run(session, staff, xlsx([["张伟", "13912345678"]], headers=["姓名", "手机号码"]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "证件号码")]
    assert "“证件号码” is missing" in str(result.errors[0].message)
    assert "身份证号码" in str(result.errors[0].message)  # the other words accepted are named


def test_row_numbers_count_title_rows_above_the_header(session, staff):
    data = xlsx([row("王一"), row("王二", "110105194912310029")], above=[["人员名单"], []])
    result = run(session, staff, data)
    assert [(e.row, e.column) for e in result.errors] == [(5, "证件号码")]


@pytest.mark.parametrize("value", ["2024-03-01", "2024/3/1", "2024.03.01", "20240301", "2024年3月1日",
                                   datetime(2024, 3, 1), 20240301])
def test_date_formats(session, staff, value):
    result = run(session, staff, xlsx([row(工作开始日期=value)]))
    assert result.ok, result.errors
    assert session.scalars(select(WorkRecord)).one().start_date == date(2024, 3, 1)


def test_work_columns_need_employer_occupation_and_start(session, staff):
    result = run(session, staff, xlsx([row(工作单位=None, 从事职业名称=None, 工作开始日期=None)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "工作单位"), (2, "从事职业名称"), (2, "工作开始日期")]


def test_passport_rows_need_a_birth_date(session, staff):
    headers = HEADERS + ["出生日期"]
    no_birth = row(id_number="E12345678", 证件类型="护照") + [None]
    with_birth = row(id_number="E87654321", 证件类型="护照") + ["1980-02-03"]
    result = run(session, staff, xlsx([no_birth, with_birth], headers=headers))
    assert [(e.row, e.column) for e in result.errors] == [(2, "出生日期")]
    assert run(session, staff, xlsx([with_birth], headers=headers)).created == 1


def test_gender_column_is_checked_against_the_id(session, staff):
    result = run(session, staff, xlsx([row(id_number=resident_id(gender="M"), 性别="女")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "性别")]
    assert "号码显示为男" in in_chinese(result.errors[0].message)


def test_unreadable_files_are_refused_on_the_file_field(session, staff):
    with pytest.raises(ValidationFailed) as error:
        run(session, staff, b"\xd0\xcf\x11\xe0" + b"\0" * 200, "old.xls")
    assert error.value.field == "file" and ".xlsx" in error.value.message
    with pytest.raises(ValidationFailed) as error:
        run(session, staff, b"hello", "people.xlsx")
    assert error.value.field == "file"
    with pytest.raises(ValidationFailed) as error:
        run(session, staff, "姓名,证件号码\r\n".encode() + b"\xff\xfe\xfa", "people.csv")
    assert error.value.field == "file" and "encoding" in error.value.message.template


def test_template_has_text_id_column_and_its_example_row_imports(session, staff):
    data = template_workbook(ZH)
    book = load_workbook(io.BytesIO(data))
    sheet = book["人员信息"]
    headers = [cell.value for cell in sheet[1]]
    id_letter = chr(ord("A") + headers.index("证件号码"))
    assert sheet.column_dimensions[id_letter].number_format == "@"
    assert sheet[f"{id_letter}2"].number_format == "@" and isinstance(sheet[f"{id_letter}2"].value, str)
    notes = book["填写说明"]
    assert "证件号码" in [cell.value for cell in notes["A"]]
    result = run(session, staff, data, "template.xlsx")
    assert result.ok, result.errors
    assert result.created == 1 and result.work_records_added == 1


def test_error_workbook_marks_bad_cells_and_lists_errors(session, staff):
    rows = [row("王一"), row("王二", "110105194912310029"), row("=cmd|' /C calc'!A0", mobile="12")]
    result = run(session, staff, csv_bytes(rows), "people.csv")  # CSV: a leading '=' arrives as text
    book = load_workbook(io.BytesIO(error_workbook(result, ZH)))
    data, listing = book["导入数据"], book["错误列表"]
    width = len(HEADERS)
    assert data.cell(row=1, column=width + 1).value == "错误说明"
    bad_id = data.cell(row=3, column=3)
    assert bad_id.fill.fgColor.rgb.endswith("FFC7CE")
    assert data.cell(row=3, column=1).fill.fgColor.rgb in (None, "00000000")
    assert "证件号码：" in data.cell(row=3, column=width + 1).value
    assert data.cell(row=2, column=width + 1).value is None
    formula_cell = data.cell(row=4, column=1)
    assert formula_cell.data_type == "s" and formula_cell.value.startswith("=")
    assert [c.value for c in listing[1]] == ["行号", "列", "原因"]
    listed = [(r[0].value, r[1].value) for r in listing.iter_rows(min_row=2)]
    assert listed == sorted((e.row, e.column) for e in result.errors)
    assert (3, "证件号码") in listed and (4, "手机号码") in listed


def test_export_contains_masked_numbers_only(session, staff):
    number, mobile = resident_id(), phone()
    person = make_person(session, staff, id_number=number, phone=mobile, target_groups=["graduate"])
    data = export_people_workbook([person], ZH)
    book = load_workbook(io.BytesIO(data))
    values = [[c.value for c in r] for r in book.active.iter_rows()]
    assert values[1][:3] == ["张伟", "居民身份证", person.id_masked]
    assert values[1][4] == person.phone_masked and values[1][9] == "毕业年度高校毕业生"
    text = repr(values)
    assert number not in text and mobile not in text


def test_every_bad_cell_of_a_row_is_reported(session, staff):
    result = run(session, staff, xlsx([row(id_number="110105194912310029", 性别="未知", mobile="12")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "证件号码"), (2, "手机号码"), (2, "性别")]


def test_target_group_order_does_not_make_rows_conflict(session, staff):
    number = resident_id()
    rows = [row("张伟", number, 目标群体="登记失业人员、农村转移就业劳动者"),
            row("张伟", number, mobile="", 目标群体="农村转移就业劳动者，登记失业人员", 工作单位="大连船厂")]
    result = run(session, staff, xlsx(rows))
    assert result.ok, result.errors


def test_import_uses_a_few_bulk_statements_not_one_per_row(session, staff, engine):
    from sqlalchemy import event

    statements = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    data = xlsx([row(f"王{'一二三四五六七八九十'[i % 10]}") for i in range(300)])
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        result = run(session, staff, data)
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert result.created == 300 and result.work_records_added == 300
    assert len(statements) < 20, statements
    again = xlsx([row("王一", pii.decrypt(p.id_number_enc), mobile="") for p in list_people(session, actor=staff, limit=1000)
                  if p.name == "王一"])
    assert run(session, staff, again).unchanged == 30


def test_a_person_registered_meanwhile_is_a_conflict_not_a_crash(session, staff, monkeypatch):
    from app.errors import Conflict
    from app.people import importing

    number = resident_id()
    make_person(session, staff, name="张伟", id_number=number)
    monkeypatch.setattr(importing, "_existing_people", lambda session, hashes: {})
    with pytest.raises(Conflict) as error:
        run(session, staff, xlsx([row("张伟", number)]))
    assert error.value.field == "file"
    session.rollback()


def test_a_refused_name_is_reported_once_not_also_as_missing(session, staff):
    result = run(session, staff, xlsx([row("测试0001"), row("")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名"), (3, "姓名")]
    assert "数字" in in_chinese(result.errors[0].message)
    assert in_chinese(result.errors[1].message) == "请填写姓名"
