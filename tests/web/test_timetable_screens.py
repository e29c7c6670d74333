"""The timetable in one go through the class page: pattern → preview → create; refusals keep what was typed."""

from datetime import timedelta

from sqlalchemy import func, select

from app.assessment.workdays import add_holiday
from app.training.models import ClassSession
from tests.conftest import csrf_token_from, post_form
from tests.factories import NOW
from tests.training.factories import make_class, make_session
from tests.web.test_training_screens import as_user, today


def _monday_after(day):
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def setup_class(client, session, *, english=True):
    staff = as_user(client, session, "institution_staff", "planner")
    start = _monday_after(today())
    klass = make_class(session, staff, start_date=start, end_date=start + timedelta(days=60), teacher_names="王老师、李老师")
    session.commit()
    if english:
        client.set_cookie("jiangcai_lang", "en")
    return staff, klass, start


def pattern(start, **overrides):
    data = {"weekdays": ["0", "1", "2", "3", "4"], "blocks": "08:30-11:30, 13:30-16:30",
            "first_date": start.isoformat(), "last_date": (start + timedelta(days=27)).isoformat(),
            "topic": "Electrical basics", "teacher": "王老师", "venue": "Workshop 2"}
    data.update(overrides)
    return {f"pattern-{name}": value for name, value in data.items()}


def sessions(session, klass):
    session.rollback()
    return session.scalar(select(func.count(ClassSession.id)).where(ClassSession.class_id == klass.id))


def test_a_forty_session_timetable_takes_three_page_loads(client, session):
    staff, klass, start = setup_class(client, session)
    add_holiday(session, actor=None, now=NOW, day=start + timedelta(days=9), name="Test day")
    session.commit()
    url = f"/classes/{klass.id}"
    page = client.get(url)  # 1: the class page with the pattern form, dates and first teacher filled in
    html = page.get_data(as_text=True)
    assert "Timetable in one go" in html and f'value="{start.isoformat()}"' in html and 'value="王老师"' in html
    data = pattern(start, last_date=(start + timedelta(days=28)).isoformat())
    preview = client.post(f"{url}/timetable", data={"csrf_token": csrf_token_from(html), **data})  # 2: preview
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Create 40 sessions" in html and "Test day" in html and "120 hours" in html
    assert "hours short of the 300 required" in html
    assert sessions(session, klass) == 0
    created = client.post(f"{url}/timetable/create", data={"csrf_token": csrf_token_from(html), **data})  # 3: create
    assert created.status_code == 302
    assert sessions(session, klass) == 40
    html = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "40 sessions created." in html and "Workshop 2" in html and "Move / edit" in html


def test_refusal_names_date_and_time_and_keeps_what_was_typed(client, session):
    staff, klass, start = setup_class(client, session)
    make_session(session, staff, klass, on=start + timedelta(days=2), start=(9, 0), end=(10, 0), hours="1")
    session.commit()
    url = f"/classes/{klass.id}/timetable"
    response = post_form(client, url, pattern(start, topic="Wiring", blocks="08:30-11:30"))
    html = response.get_data(as_text=True)
    when = f"{(start + timedelta(days=2)).isoformat()} 08:30–11:30"
    assert response.status_code == 422 and f"{when}: the time overlaps the session" in html
    assert 'value="Wiring"' in html and 'value="08:30-11:30"' in html and "create-sessions" not in html
    # The create step refuses the same way and writes nothing.
    response = post_form(client, f"{url}/create", pattern(start, topic="Wiring"), form_url=url)
    assert response.status_code == 422 and when in response.get_data(as_text=True)
    assert 'value="Wiring"' in response.get_data(as_text=True)
    assert sessions(session, klass) == 1


def test_mistakes_land_on_their_fields(client, session):
    _staff, klass, start = setup_class(client, session)
    url = f"/classes/{klass.id}/timetable"
    response = post_form(client, url, pattern(start, weekdays=[], blocks="morning"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tick at least one weekday." in html
    response = post_form(client, url, pattern(start, blocks="9-12"))
    html = response.get_data(as_text=True)
    assert "“9-12” is not a time block; write it as 08:30-11:30." in html and 'value="9-12"' in html
    response = post_form(client, url, pattern(start, last_date=(start - timedelta(days=3)).isoformat()))
    assert "is before the first date" in response.get_data(as_text=True)


def test_in_chinese(client, session):
    staff, klass, start = setup_class(client, session, english=False)
    url = f"/classes/{klass.id}/timetable"
    html = post_form(client, url, pattern(start)).get_data(as_text=True)
    assert "创建 40 个课次" in html and "比规定的 300 学时少 180 学时" in html
    html = post_form(client, url, pattern(start, blocks="9-12")).get_data(as_text=True)
    assert "“9-12”不是时间段" in html
    other = make_class(session, staff, name="二期", start_date=start, end_date=start + timedelta(days=60))
    make_session(session, staff, other, on=start, start=(9, 0), end=(10, 0), hours="1")
    other.sessions[0].teacher = "王老师"
    session.commit()
    html = post_form(client, url, pattern(start)).get_data(as_text=True)
    assert f"{start.isoformat()} 08:30–11:30：王老师 此时已在二期讲授“安全用电”（09:00 至 10:00），时间冲突。" in html


def test_a_session_is_moved_and_cancelled_from_its_row(client, session):
    staff, klass, start = setup_class(client, session)
    lesson = make_session(session, staff, klass, on=start, start=(8, 0), end=(12, 0), hours="4")
    other = make_session(session, staff, klass, on=start + timedelta(days=1), start=(8, 0), end=(12, 0), hours="4")
    session.commit()
    edit = f"/classes/sessions/{lesson.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert f'value="{start.isoformat()}"' in page and 'value="08:00"' in page
    moved = {"session_date": (start + timedelta(days=1)).isoformat(), "start_time": "09:00", "end_time": "11:00",
             "hours": "2", "topic": "Moved", "teacher": "", "venue": "Yard"}
    response = post_form(client, edit, moved)
    assert response.status_code == 422 and "overlaps the session" in response.get_data(as_text=True)
    assert 'value="Moved"' in response.get_data(as_text=True)
    response = post_form(client, edit, {**moved, "start_time": "13:00", "end_time": "15:00"})
    assert response.status_code == 302
    session.rollback()
    assert (lesson.session_date, lesson.venue) == (start + timedelta(days=1), "Yard")
    response = post_form(client, f"/classes/sessions/{other.id}/cancel", {}, form_url=f"/classes/{klass.id}")
    assert response.status_code == 302 and sessions(session, klass) == 1
    assert "Session cancelled." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_make_up_working_days_ticked_on_the_pattern_are_previewed_named_and_created(client, session):
    staff, klass, start = setup_class(client, session, english=False)
    saturday = start + timedelta(days=5)
    add_holiday(session, actor=None, now=NOW, day=saturday, name="国庆调休", is_makeup_workday=True)
    session.commit()
    url = f"/classes/{klass.id}"
    html = client.get(url).get_data(as_text=True)
    assert "调休上班日也排课" in html and 'name="pattern-makeup_days"' in html
    data = pattern(start, makeup_days="y")
    preview = client.post(f"{url}/timetable", data={"csrf_token": csrf_token_from(html), **data})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="added-makeup-days"' in html
    assert f"{saturday.isoformat()} 国庆调休" in html and "创建 42 个课次" in html
    create_form = html.split('id="create-timetable"')[1].split("</form>")[0]
    assert 'name="pattern-makeup_days" value="y"' in create_form  # the create step keeps the choice
    created = client.post(f"{url}/timetable/create", data={"csrf_token": csrf_token_from(html), **data})
    assert created.status_code == 302
    assert sessions(session, klass) == 42  # 20 weekdays × 2 blocks, and the Saturday's 2
    assert session.scalar(select(func.count(ClassSession.id)).where(ClassSession.class_id == klass.id,
                                                                  ClassSession.session_date == saturday)) == 2
