"""Attendance at class scale (week grid, sign-in sheet) and completion in bulk: all or nothing, every problem named."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.errors import ValidationFailed
from app.spreadsheets import read_table
from app.training.attendance_grid import Cell, MarksRefused, mark_for, record_marks, week_grid, week_start
from app.training.completion import complete_in_bulk, completion_review
from app.training.enrolments import enrol_person, withdraw_enrolment
from app.training.models import Attendance, Enrolment
from app.training.sign_in_sheet import import_sign_in_sheet, sheet_workbook
from app.translation import in_chinese
from tests.factories import NOW
from tests.training.factories import institution_staff, make_class, make_session, trainee


@pytest.fixture
def setup(session):
    staff = institution_staff(session)
    start = NOW.date() - timedelta(days=2)
    klass = make_class(session, staff, start_date=start)
    people = [trainee(session, staff, name=n) for n in ("甲一", "乙二", "丙三")]
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in people]
    lessons = [make_session(session, staff, klass, on=start + timedelta(days=i), hours="4") for i in range(4)]
    return staff, klass, enrolments, lessons  # lessons[3] is tomorrow


def _saved(session):
    return {(a.session_id, a.enrolment_id): (a.status, a.hours, a.method) for a in session.scalars(select(Attendance))}


@pytest.mark.parametrize(("word", "status", "hours"), [
    ("到", "present", None), ("√", "present", None), ("1", "present", None), ("出勤", "present", None),
    ("缺", "absent", None), ("×", "absent", None), ("0", "absent", None), ("缺勤", "absent", None),
    ("2.5", "late", Decimal("2.5")), ("1.0", "late", Decimal("1.0")), ("4", "present", Decimal("4")),
    ("  ", None, None),
])
def test_the_accepted_words(session, setup, word, status, hours):
    lesson = setup[3][0]
    mark = mark_for(word, lesson)
    assert (mark.status, mark.hours) == (status, hours) if status else mark is None


def test_unknown_word_is_refused(session, setup):
    with pytest.raises(ValueError):
        mark_for("迟到", setup[3][0])


def test_grid_records_every_session_of_the_week_in_one_go(session, setup):
    staff, klass, (a, b, c), lessons = setup
    cells = [Cell(lessons[0].id, a.id, "到"), Cell(lessons[0].id, b.id, "2.5"), Cell(lessons[0].id, c.id, "缺"),
             Cell(lessons[1].id, a.id, "1"), Cell(lessons[1].id, b.id, ""), Cell(lessons[2].id, c.id, "√")]
    assert record_marks(session, actor=staff, now=NOW, class_id=klass.id, cells=cells) == 5
    saved = _saved(session)
    assert saved[(lessons[0].id, b.id)] == ("late", Decimal("2.5"), "staff")
    assert saved[(lessons[0].id, c.id)] == ("absent", Decimal("0"), "staff")
    assert (lessons[1].id, b.id) not in saved and len(saved) == 5
    grid = week_grid(session, actor=staff, class_id=klass.id, week_of=lessons[0].session_date)
    assert grid.monday == week_start(lessons[0].session_date)
    assert grid.text(lessons[0].id, b.id) == "2.5" and grid.text(lessons[0].id, a.id) == "√"


def test_grid_refuses_everything_and_names_each_bad_cell(session, setup):
    staff, klass, (a, b, c), lessons = setup
    cells = [Cell(lessons[0].id, a.id, "到"), Cell(lessons[0].id, b.id, "9"), Cell(lessons[1].id, c.id, "迟"),
             Cell(lessons[3].id, a.id, "1")]
    with pytest.raises(MarksRefused) as refused:
        record_marks(session, actor=staff, now=NOW, class_id=klass.id, cells=cells)
    problems = {key: str(m) for key, m in refused.value.problems.items()}
    assert set(problems) == {(lessons[0].id, b.id), (lessons[1].id, c.id), (lessons[3].id, a.id)}
    assert "乙二: 9 hours attended exceed the session's 4 hours" in problems[(lessons[0].id, b.id)]
    assert problems[(lessons[0].id, b.id)].startswith(lessons[0].session_date.isoformat() + " 08:00 · ")
    assert "丙三: “迟” is not an attendance mark" in problems[(lessons[1].id, c.id)]
    assert "甲一: the session has not come yet" in problems[(lessons[3].id, a.id)]
    assert "尚未到来" in in_chinese(refused.value.problems[(lessons[3].id, a.id)])
    assert in_chinese(refused.value.message) == "未保存任何考勤。需更正的标记：3 处（见下方）。"
    assert _saved(session) == {}


def test_grid_with_nothing_typed_is_refused(session, setup):
    staff, klass, (a, *_), lessons = setup
    with pytest.raises(ValidationFailed, match="No attendance was entered"):
        record_marks(session, actor=staff, now=NOW, class_id=klass.id, cells=[Cell(lessons[0].id, a.id, " ")])


def _upload(rows) -> object:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return read_table(out.getvalue(), "sheet.xlsx", max_rows=100)


def test_sheet_template_has_office_headers_and_masked_ids(session, setup):
    staff, klass, (a, *_), lessons = setup
    sheet = load_workbook(io.BytesIO(sheet_workbook(session, actor=staff, class_id=klass.id))).active
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["姓名", "证件号码"] and len(headers) == 2 + len(lessons)
    assert headers[2] == f"{lessons[0].session_date.isoformat()} 08:00"
    assert sheet.cell(2, 1).value == "甲一" and "*" in sheet.cell(2, 2).value
    assert sheet.cell(2, 2).value == a.person.id_masked


def test_sheet_upload_records_with_method_sheet(session, setup):
    staff, klass, (a, b, c), lessons = setup
    head = ["姓名", "证件号码", *(f"{s.session_date.isoformat()} 08:00" for s in lessons[:3])]
    table = _upload([head, ["甲一", a.person.id_masked, "到", "√", "1"], ["乙二", "****" + b.person.id_masked[-4:],
                     "缺", "3", ""], ["丙三", c.person.id_masked, "出勤", "×", "缺勤"]])
    outcome = import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=table)
    assert outcome.errors == [] and outcome.count == 8
    saved = _saved(session)
    assert saved[(lessons[1].id, b.id)] == ("late", Decimal("3.0"), "sheet")
    assert {v[2] for v in saved.values()} == {"sheet"}


def test_sheet_upload_reports_every_bad_row_and_cell(session, setup):
    staff, klass, (a, b, c), lessons = setup
    head = ["姓名", "证件号码", *(f"{s.session_date.isoformat()} 08:00" for s in lessons)]
    table = _upload([head, ["甲一", a.person.id_masked, "到", "迟到", "1", ""],
                     ["乙二", b.person.id_masked, "5", "1", "1", "1"],
                     ["无名氏", "1234", "1", "1", "1", ""], ["丙三", c.person.id_masked, "1", "1", "1", ""]])
    outcome = import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=table)
    assert [(e.row, e.col) for e in outcome.errors] == [(4, 0)]  # an unknown trainee stops before the marks
    table.rows.pop(3)
    outcome = import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=table)
    assert [(e.row, e.col) for e in outcome.errors] == [(2, 3), (3, 2), (3, 5)]
    assert "not an attendance mark" in str(outcome.errors[0].message)
    assert "5 hours attended exceed" in str(outcome.errors[1].message)
    assert "has not come yet" in str(outcome.errors[2].message)
    assert _saved(session) == {}


def test_sheet_with_an_unknown_session_column_is_refused(session, setup):
    staff, klass, (a, *_), _lessons = setup
    table = _upload([["姓名", "证件号码", "2020-01-01 08:00"], ["甲一", a.person.id_masked, "1"]])
    outcome = import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=table)
    assert len(outcome.errors) == 1 and "is not a session of this class" in str(outcome.errors[0].message)


def test_bulk_completion_lists_who_qualifies_and_why_not(session, setup):
    staff, klass, (a, b, c), lessons = setup
    klass.project.reference_hours = 10  # 8 hours needed at 80 %
    cells = [Cell(s.id, a.id, "1") for s in lessons[:3]] + [Cell(lessons[0].id, b.id, "1")]
    record_marks(session, actor=staff, now=NOW, class_id=klass.id, cells=cells)
    checks = {ch.enrolment.id: ch for ch in completion_review(session, actor=staff, class_id=klass.id)}
    assert checks[a.id].qualifies and checks[a.id].attended == Decimal("12.0")
    assert not checks[b.id].qualifies and "4 hours attended; 8 are needed" in str(checks[b.id].reason)
    assert "Not in training yet" in str(checks[c.id].reason)
    with pytest.raises(ValidationFailed, match="乙二: 4 hours attended"):
        complete_in_bulk(session, actor=staff, now=NOW, class_id=klass.id, enrolment_ids=[a.id, b.id])
    session.rollback()


def test_bulk_completion_completes_all_named(session, setup):
    staff, klass, (a, b, c), lessons = setup
    klass.project.reference_hours = 5
    record_marks(session, actor=staff, now=NOW, class_id=klass.id,
                 cells=[Cell(s.id, e.id, "1") for s in lessons[:2] for e in (a, b)])
    done = complete_in_bulk(session, actor=staff, now=NOW, class_id=klass.id, enrolment_ids=[a.id, b.id])
    assert [e.status for e in done] == ["completed", "completed"]
    assert "Already Completed" in str(completion_review(session, actor=staff, class_id=klass.id,
                                                         enrolment_ids=[a.id])[0].reason)
    with pytest.raises(ValidationFailed, match="Nobody was chosen"):
        complete_in_bulk(session, actor=staff, now=NOW, class_id=klass.id, enrolment_ids=[])


def test_withdrawal_without_reason_is_refused(session, setup):
    staff, _klass, (a, *_), _lessons = setup
    with pytest.raises(ValidationFailed) as refused:
        withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=a.id, reason="  ")
    assert refused.value.field == "reason"
    assert session.get(Enrolment, a.id).status == "enrolled"


def test_a_sheet_repeating_a_completed_trainees_marks_is_accepted_a_change_is_not(session, setup):
    staff, klass, (a, b, _c), lessons = setup
    klass.project.reference_hours = 5
    head = ["姓名", "证件号码", *(f"{s.session_date.isoformat()} 08:00" for s in lessons[:2])]
    first = [head, ["甲一", a.person.id_masked, "1", "1"], ["乙二", b.person.id_masked, "1", ""]]
    assert import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=_upload(first)).count == 3
    complete_in_bulk(session, actor=staff, now=NOW, class_id=klass.id, enrolment_ids=[a.id])
    again = [head, ["甲一", a.person.id_masked, "√", "到"], ["乙二", b.person.id_masked, "1", "2"]]
    outcome = import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=_upload(again))
    assert outcome.errors == [] and outcome.count == 2
    changed = [head, ["甲一", a.person.id_masked, "0", "1"]]
    outcome = import_sign_in_sheet(session, actor=staff, now=NOW, class_id=klass.id, table=_upload(changed))
    assert [(e.row, e.col) for e in outcome.errors] == [(2, 2)]
    assert "甲一 is Completed: attendance can no longer be changed" in str(outcome.errors[0].message)
