"""`flask people import`: the same all-or-nothing import for operators, every problem printed by row and column."""

import io
import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.people.models import Person, PersonAccess, WorkRecord
from tests.factories import make_user
from tests.people.factories import phone, resident_id

OFFICE_HEADERS = ["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限"]


def office_sheet(path, *, note=False, bad_id=None):
    rows = [["张伟", "居民身份证", resident_id(born=date(1985, 4, 2)), phone(), "高中", "沈阳机床厂", "电工", 8],
            ["李娜", "身份证", bad_id or resident_id(gender="F"), phone(), "大专", "鞍钢集团", "焊工", "5.5"]]
    book = Workbook()
    book.active.append([*OFFICE_HEADERS, "备注"] if note else OFFICE_HEADERS)
    for row in rows:
        book.active.append([*row, "老学员"] if note else row)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def staff(session):
    user = make_user(session, "institution_staff", username="teacher")
    session.commit()
    return user


def flask(app, *args):
    return app.test_cli_runner().invoke(args=["people", "import", *map(str, args)])


def count(session, model, *where):
    session.rollback()  # read what the command committed
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_office_sheet_is_imported_and_committed(app, session, staff, tmp_path):
    result = flask(app, office_sheet(tmp_path / "名单.xlsx"), "--as", "teacher")
    assert result.exit_code == 0, result.output
    assert "Imported 名单.xlsx: 2 new, 0 completed, 0 unchanged, 2 work records added." in result.output
    assert count(session, Person) == 2 and count(session, PersonAccess) == 2
    assert sorted(session.scalars(select(WorkRecord.declared_years))) == [5.5, 8]
    assert set(session.scalars(select(Person.education))) == {"senior_secondary", "associate"}


def test_a_bad_sheet_prints_every_problem_by_row_and_column_and_exits_1(app, session, staff, tmp_path):
    result = flask(app, office_sheet(tmp_path / "名单.xlsx", bad_id="110105194912310029"), "--as", "teacher")
    assert result.exit_code == 1
    assert "row 3, column “证件号码”: " in result.output and "check character" in result.output
    assert "Nothing was imported: 1 problem found." in result.output
    assert count(session, Person) == 0 and count(session, WorkRecord) == 0


def test_an_unrecognised_column_names_the_options_that_resolve_it(app, session, staff, tmp_path):
    path = office_sheet(tmp_path / "名单.xlsx", note=True)
    refused = flask(app, path, "--as", "teacher")
    assert refused.exit_code == 1
    assert "row 1, column “备注”: The column “备注” is not recognised" in refused.output
    assert '--map "备注=FIELD"' in refused.output and '--map "备注="' in refused.output
    assert "--ignore-unmapped" in refused.output and "education" in refused.output
    assert count(session, Person) == 0
    left_out = flask(app, path, "--as", "teacher", "--map", "备注=")
    assert left_out.exit_code == 0, left_out.output
    assert count(session, Person) == 2
    again = flask(app, path, "--as", "teacher", "--ignore-unmapped")
    assert again.exit_code == 0 and "0 new, 0 completed, 2 unchanged" in again.output
    assert count(session, Person) == 2


def test_a_mapping_file_is_read_and_an_unknown_field_is_refused(app, session, staff, tmp_path):
    path = office_sheet(tmp_path / "名单.xlsx", note=True)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"备注": None}, ensure_ascii=False), encoding="utf-8")
    unknown = flask(app, path, "--as", "teacher", "--mapping-file", mapping, "--map", "备注=remarks")
    assert unknown.exit_code == 1 and "mapping" in unknown.output and "“remarks”" in unknown.output
    assert count(session, Person) == 0
    mapping_file = flask(app, path, "--as", "teacher", "--mapping-file", mapping)
    assert mapping_file.exit_code == 0, mapping_file.output
    assert count(session, Person) == 2
    mapping.write_text("[1, 2]", encoding="utf-8")
    malformed = flask(app, path, "--as", "teacher", "--mapping-file", mapping)
    assert malformed.exit_code == 2 and "JSON object" in malformed.output


def test_a_dry_run_checks_everything_and_writes_nothing(app, session, staff, tmp_path):
    result = flask(app, office_sheet(tmp_path / "名单.xlsx"), "--as", "teacher", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run of 名单.xlsx: 2 new" in result.output and "nothing was written" in result.output
    assert count(session, Person) == 0 and count(session, WorkRecord) == 0
    assert count(session, AuditEvent, AuditEvent.action == "person.import") == 0


def test_only_a_known_user_who_may_register_people_can_import(app, session, tmp_path):
    make_user(session, "assessor", username="examiner")
    session.commit()
    path = office_sheet(tmp_path / "名单.xlsx")
    assert "There is no user 'nobody'" in flask(app, path, "--as", "nobody").output
    refused = flask(app, path, "--as", "examiner")
    assert refused.exit_code == 1 and "Refused (not_allowed)" in refused.output
    assert count(session, Person) == 0


def test_a_hostile_or_oversized_file_is_refused_before_it_is_read_whole(app, session, staff, tmp_path):
    from tests import hostile_files as hostile

    bomb = tmp_path / "名单.xlsx"
    bomb.write_bytes(hostile.zip_bomb_xlsx())
    result = flask(app, bomb, "--as", "teacher")
    assert result.exit_code == 1 and "more than 100 times its packed size" in result.output
    huge = tmp_path / "名单.csv"
    with huge.open("wb") as out:  # 64 MB on disk; the command reads 20 MB and a byte of it
        out.truncate(64 * 1024 * 1024)
    result = flask(app, huge, "--as", "teacher")
    assert result.exit_code == 1 and "larger than 20 MB" in result.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Person)) == 0
