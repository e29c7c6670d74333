"""A 40-session timetable in a real browser: the class page, the preview, the creation — page loads counted."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.clock import local_date
from app.database import utcnow
from app.training.models import ClassSession, TrainingProject
from app.training.projects import create_class
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_forty_sessions_in_three_page_loads(live_server, page, session):
    staff = session.scalar(select(User).where(User.username == "inst_sy"))
    project = session.scalar(select(TrainingProject).where(TrainingProject.institution_id == staff.organisation_id))
    today = local_date(utcnow())
    start = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    klass = create_class(session, actor=staff, now=utcnow(), project_id=project.id, name="排课测试班",
                         start_date=start, end_date=start + timedelta(days=40), capacity=50, venue="实训楼",
                         teacher_names="赵排课")
    session.commit()
    log_in(page, live_server, "inst_sy")
    page.wait_for_url(f"{live_server}/dashboard")
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)

    page.goto(f"{live_server}/classes/{klass.id}")
    assert page.is_visible("#class-timetable-form")  # open: the class has no sessions yet
    page.fill("#pattern-last_date", (start + timedelta(days=27)).isoformat())
    page.fill("#pattern-topic", "电工基础")
    page.click("#class-preview-timetable")
    page.wait_for_selector("#proposed-sessions")
    assert page.locator("#proposed-sessions tbody tr").count() == 40
    assert "少" in page.inner_text("#hours-verdict")
    page.click("#create-sessions")
    page.wait_for_selector("#sessions")
    assert page.locator("#sessions tbody tr").count() == 40 and "已创建 40 个课次" in page.content()
    assert len(loads) == 3, loads
    session.rollback()
    assert session.scalar(select(func.count(ClassSession.id)).where(ClassSession.class_id == klass.id)) == 40
