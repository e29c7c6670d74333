"""Class-scale screens: the week grid, the Excel sign-in sheet, completion in bulk (refusals in English and Chinese)."""

import io
import re
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.database import utcnow
from app.training.enrolments import enrol_person
from app.training.models import Attendance, Enrolment
from tests.conftest import csrf_token_from, post_form
from tests.people.factories import resident_id
from tests.training.factories import make_class, make_session, trainee
from tests.web.test_training_screens import as_user, project_with_class, today


def class_with_week(client, session):
    """A class with three trainees, two sessions held this week (yesterday or today) and one tomorrow."""
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    people = [trainee(session, staff, name=n) for n in ("甲一", "乙二", "丙三")]
    enrolments = [enrol_person(session, actor=staff, now=utcnow(), class_id=klass.id, person_id=p.id) for p in people]
    held = [make_session(session, staff, klass, on=today(), hours="4", start=(8, 0), end=(12, 0)),
            make_session(session, staff, klass, on=today(), hours="4", start=(13, 0), end=(17, 0))]
    coming = make_session(session, staff, klass, on=today() + timedelta(days=1), hours="4")
    session.commit()
    return klass, enrolments, held, coming


def _marks(session):
    session.rollback()
    return {(a.session_id, a.enrolment_id): (a.status, str(a.hours), a.method)
            for a in session.scalars(select(Attendance))}


def test_week_grid_saves_every_session_at_once(client, session):
    klass, (a, b, c), (s1, s2), coming = class_with_week(client, session)
    url = f"/classes/{klass.id}/attendance/week"
    page = client.get(url).get_data(as_text=True)
    assert f'name="c-{s1.id}-{a.id}"' in page and f'name="all-{s2.id}"' in page
    assert f'name="c-{coming.id}-{a.id}"' not in page and f'name="all-{coming.id}"' not in page  # read-only
    response = post_form(client, url, {f"c-{s1.id}-{a.id}": "到", f"c-{s1.id}-{b.id}": "2.5",
                                       f"c-{s1.id}-{c.id}": "缺", f"all-{s2.id}": "1", f"c-{s2.id}-{c.id}": "0"})
    assert response.status_code == 302
    marks = _marks(session)
    assert marks[(s1.id, b.id)] == ("late", "2.5", "staff") and marks[(s2.id, a.id)][0] == "present"
    assert marks[(s2.id, c.id)][0] == "absent" and len(marks) == 6
    page = client.get(response.location).get_data(as_text=True)
    assert "6" in page and f'id="c-{s1.id}-{b.id}"' in page and 'value="2.5"' in page


def test_week_grid_refuses_all_names_every_problem_and_keeps_what_was_typed(client, session):
    klass, (a, b, c), (s1, s2), coming = class_with_week(client, session)
    url = f"/classes/{klass.id}/attendance/week"
    client.set_cookie("jiangcai_lang", "en")
    response = post_form(client, url, {f"c-{s1.id}-{a.id}": "1", f"c-{s1.id}-{b.id}": "9",
                                       f"c-{s2.id}-{c.id}": "迟", f"c-{coming.id}-{a.id}": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved. Marks to correct: " in html
    assert "乙二: 9 hours attended exceed the session&#39;s 4 hours" in html
    assert "丙三: “迟” is not an attendance mark" in html
    assert 'value="9"' in html and 'value="迟"' in html  # what was typed is kept
    assert _marks(session) == {}
    client.set_cookie("jiangcai_lang", "zh")
    html = post_form(client, url, {f"c-{s1.id}-{b.id}": "9"}).get_data(as_text=True)
    assert "未保存任何考勤" in html and "超过" in html


def test_a_future_session_posted_anyway_is_refused(client, session):
    klass, (a, *_), _held, coming = class_with_week(client, session)
    client.set_cookie("jiangcai_lang", "en")
    url = f"/classes/{klass.id}/attendance/week?week={coming.session_date.isoformat()}"
    response = post_form(client, url, {f"c-{coming.id}-{a.id}": "1"})
    assert response.status_code == 422 and "the session has not come yet" in response.get_data(as_text=True)
    assert _marks(session) == {}


def test_another_institution_cannot_open_the_grid(app, client, session):
    klass, *_ = class_with_week(client, session)
    other = app.test_client()
    as_user(other, session, "institution_staff", "other-teacher")
    assert other.get(f"/classes/{klass.id}/attendance/week").status_code == 404
    assert other.get(f"/classes/{klass.id}/sign-in-sheet.xlsx").status_code == 404
    assert other.get(f"/classes/{klass.id}/complete?all=1").status_code == 404


def _sheet(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, klass, data):
    page = client.get(f"/classes/{klass.id}/sign-in-sheet").get_data(as_text=True)
    return client.post(f"/classes/{klass.id}/sign-in-sheet", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), "签到表.xlsx")},
        content_type="multipart/form-data")


def test_sign_in_sheet_round_trip(client, session):
    klass, (a, b, c), (s1, s2), coming = class_with_week(client, session)
    page = client.get(f"/classes/{klass.id}/sign-in-sheet").get_data(as_text=True)
    assert "出勤" in page and "缺勤" in page  # the accepted words are on the page
    download = client.get(f"/classes/{klass.id}/sign-in-sheet.xlsx")
    book = load_workbook(io.BytesIO(download.data)).active
    rows = [list(r) for r in book.iter_rows(values_only=True)]
    assert rows[0][:2] == ["姓名", "证件号码"] and len(rows) == 4 and len(rows[0]) == 5
    for row, marks in zip(rows[1:], (["到", "1", None], ["缺", "3", None], ["√", "×", None]), strict=True):
        row[2:] = marks
    response = _upload(client, klass, _sheet(rows))
    assert response.status_code == 302
    marks = _marks(session)
    assert marks[(s2.id, b.id)] == ("late", "3.0", "sheet") and len(marks) == 6


def test_sign_in_sheet_with_bad_cells_records_nothing_and_lists_every_problem(client, session):
    klass, (a, b, c), (s1, s2), coming = class_with_week(client, session)
    client.set_cookie("jiangcai_lang", "en")
    download = client.get(f"/classes/{klass.id}/sign-in-sheet.xlsx")
    rows = [list(r) for r in load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True)]
    rows[1][2:] = ["迟到", "1", "1"]
    rows[2][2:] = ["5", "1", None]
    response = _upload(client, klass, _sheet(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported: 3 problems found." in html and 'id="error-workbook"' in html
    assert "“迟到” is not an attendance mark" in html and "5 hours attended exceed" in html
    assert "the session has not come yet" in html
    assert _marks(session) == {}
    client.set_cookie("jiangcai_lang", "zh")
    html = _upload(client, klass, _sheet(rows)).get_data(as_text=True)
    assert "不是考勤标记" in html


def test_bulk_completion_confirms_who_qualifies_and_names_who_was_completed(client, session):
    klass, (a, b, c), (s1, s2), _coming = class_with_week(client, session)
    klass.project.reference_hours = 10  # 8 hours needed
    session.commit()
    post_form(client, f"/classes/{klass.id}/attendance/week", {
        f"c-{s1.id}-{a.id}": "1", f"c-{s2.id}-{a.id}": "1", f"c-{s1.id}-{b.id}": "1", f"c-{s1.id}-{c.id}": "0"})
    client.set_cookie("jiangcai_lang", "en")
    page = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    assert 'id="complete-qualified"' in page and f'id="choose-{a.id}"' in page
    confirm = client.get(f"/classes/{klass.id}/complete?all=1").get_data(as_text=True)
    qualify, others = confirm.split('id="qualify"')[1].split('id="not-qualify"')
    assert "甲一" in qualify and "乙二" not in qualify
    assert "乙二" in others and "4 hours attended; 8 are needed" in others and "丙三" in others
    response = post_form(client, f"/classes/{klass.id}/complete", {"e": [str(a.id)]},
                         form_url=f"/classes/{klass.id}/complete?all=1", follow_redirects=True)
    assert "Completed: 甲一." in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Enrolment, a.id).status == "completed"
    # A trainee who does not qualify, posted anyway, refuses the lot.
    response = post_form(client, f"/classes/{klass.id}/complete", {"e": [str(b.id)]},
                         form_url=f"/classes/{klass.id}/complete?e={b.id}")
    assert response.status_code == 422 and "乙二: 4 hours attended" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Enrolment, b.id).status == "in_training"


def test_a_50_trainee_40_session_class_in_few_page_loads(client, session):
    """Five weeks of eight sessions for 50 trainees: by the week grid about two page loads a week, by the sheet
    three in all (the sheet page, the download, the upload)."""
    staff = as_user(client, session, "institution_staff", "teacher")
    first_monday = today() - timedelta(days=today().weekday() + 35)
    klass = make_class(session, staff, start_date=first_monday, end_date=today() + timedelta(days=20), capacity=60)
    for i in range(50):
        born = date(1990, 1, 1) + timedelta(days=i)
        person = trainee(session, staff, name="学员" + "甲乙丙丁戊己庚辛壬癸"[i // 10] + "子丑寅卯辰巳午未申酉"[i % 10], id_number=resident_id(born))
        enrol_person(session, actor=staff, now=utcnow(), class_id=klass.id, person_id=person.id)
    for w in range(5):
        for d in range(4):
            for half in range(2):
                make_session(session, staff, klass, on=first_monday + timedelta(days=7 * w + d), hours="4",
                             start=(8 + 5 * half, 0), end=(12 + 5 * half, 0))
    session.commit()
    loads = 1  # the class page
    page = client.get(f"/classes/{klass.id}/attendance/week?week={first_monday.isoformat()}")
    loads += 1
    for _week in range(5):
        html = page.get_data(as_text=True)
        ticks = {name: "1" for name in re.findall(r'name="(all-\d+)"', html)}
        saved = client.post(page.request.full_path, data={"csrf_token": csrf_token_from(html), **ticks})
        assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
        loads += 1  # save (the redirect shows the saved week)
        html = client.get(saved.location).get_data(as_text=True)
        page = client.get(re.search(r'id="next-week" href="([^"]+)"', html)[1].replace("&amp;", "&"))
        loads += 1  # next week
    assert loads <= 12
    session.rollback()
    assert session.scalar(select(func.count(Attendance.id))) == 2000
    session.rollback()
    # The same class by the sheet: the sheet page, the download, one upload.
    download = client.get(f"/classes/{klass.id}/sign-in-sheet.xlsx")
    sheet = [list(r) for r in load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True)]
    assert len(sheet) == 51 and len(sheet[0]) == 42
    for row in sheet[1:]:
        row[2:] = ["到"] * 39 + ["3"]
    assert _upload(client, klass, _sheet(sheet)).status_code == 302
    session.rollback()
    assert session.scalar(select(func.count(Attendance.id)).where(Attendance.method == "sheet")) == 50
