"""The main training paths in a real browser: an institution runs a class, an enterprise an apprenticeship."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import pii
from app.accounts.models import Organisation
from app.database import utcnow
from app.people.models import Person, PersonAccess
from app.training.models import Enrolment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def visible_person(session, org_name: str, *, skip_enrolled: bool = True) -> Person:
    """A demo person the organisation can see and who is not in any class yet."""
    org = session.scalar(select(Organisation).where(Organisation.name == org_name))
    enrolled = set(session.scalars(select(Enrolment.person_id))) if skip_enrolled else set()
    stmt = (select(Person).join(PersonAccess, PersonAccess.person_id == Person.id)
            .where(PersonAccess.organisation_id == org.id).order_by(Person.id.desc()))
    return next(p for p in session.scalars(stmt) if p.id not in enrolled and 1970 <= p.birth_date.year <= 2004)


def test_institution_opens_a_class_enrols_records_attendance_and_completes(live_server, page, session, tmp_path):
    today = utcnow().date()
    person = visible_person(session, "沈阳匠心职业技能培训学校")
    number = pii.decrypt(person.id_number_enc)
    log_in(page, live_server, "inst_sy")
    page.wait_for_url(f"{live_server}/dashboard")
    page.click("#card-demand-training a >> nth=0")
    page.wait_for_url(f"{live_server}/training/projects")
    page.click("#projects a >> nth=0")
    page.click("#new-class")
    page.fill("#name", "浏览器测试班")
    page.fill("#start_date", today.isoformat())
    page.fill("#end_date", (today + timedelta(days=20)).isoformat())
    page.fill("#capacity", "10")
    page.fill("#venue", "实训楼 101")
    page.fill("#teacher_names", "王建国")
    page.fill("#completion_threshold", "1")
    page.click("#submit")
    page.wait_for_selector("#class-name")
    assert page.inner_text("#class-name") == "浏览器测试班"
    class_url = page.url

    page.fill("#enrol-form #name", person.name)
    page.fill("#enrol-form #id_number", number)
    page.click("#enrol-form #submit")
    page.wait_for_selector("#roster-table")
    assert person.name in page.inner_text("#roster-table") and number not in page.content()

    page.fill("#session-form #session_date", today.isoformat())
    page.fill("#session-form #start_time", "08:00")
    page.fill("#session-form #end_time", "12:00")
    page.fill("#session-form #hours", "4")
    page.fill("#session-form #topic", "安全操作规程")
    page.click("#session-form #submit")
    page.click("#sessions a[data-session]")
    page.wait_for_selector("#attendance-form")
    page.screenshot(path=str(tmp_path / "attendance.png"), full_page=True)
    page.select_option("#rows-0-status", "late")
    page.keyboard.press("Tab")
    page.keyboard.type("3.5")
    page.click("#save-attendance")
    page.wait_for_url(f"{class_url}#timetable")
    assert page.inner_text("#roster-table td[data-hours]") == "3.5"

    page.click("#roster-table details[id^=complete-] summary")  # the confirmation step says who completes
    page.click("#roster-table details[id^=complete-] button[type=submit]")
    page.wait_for_selector("#roster-table")
    assert "已结业" in page.inner_text("#roster-table") or "Completed" in page.inner_text("#roster-table")
    assert page.locator("#roster-table details[id^=complete-]").count() == 0
    page.screenshot(path=str(tmp_path / "class.png"), full_page=True)


def test_enterprise_files_an_apprenticeship_keeps_a_logbook_and_completes(live_server, page, session, tmp_path):
    today = utcnow().date()
    person = visible_person(session, "沈阳北方数控机床有限公司", skip_enrolled=False)
    institution = session.scalar(select(Organisation).where(Organisation.name == "沈阳匠心职业技能培训学校"))
    documents = {}
    for kind in ("training_plan", "cooperation_agreement", "apprentice_agreement"):
        documents[kind] = tmp_path / f"{kind}.pdf"
        documents[kind].write_bytes(b"%PDF-1.4\n% " + kind.encode() + b"\n%%EOF\n")
    log_in(page, live_server, "hr_sy")
    page.wait_for_url(f"{live_server}/dashboard")
    page.goto(f"{live_server}/apprenticeships")
    page.click("#new-apprenticeship")
    page.select_option("#person_id", str(person.id))
    page.select_option("#institution_id", str(institution.id))
    page.select_option("#occupation_id", label="6-31-01-03 电工")
    page.select_option("#target_level_digit", "4")
    page.fill("#contract_start", (today - timedelta(days=30)).isoformat())
    page.fill("#contract_end", (today + timedelta(days=200)).isoformat())
    page.fill("#planned_start", today.isoformat())
    page.fill("#planned_end", today.replace(year=today.year + 1).isoformat())
    page.fill("#mentor_name", "孙国强")
    page.select_option("#mentor_level_digit", "2")
    page.fill("#teacher_name", "王建国")
    page.click("#submit")
    assert "1 年及以上" in page.content() or "覆盖整个培养期" in page.content()
    assert page.input_value("#mentor_name") == "孙国强"
    page.fill("#contract_end", today.replace(year=today.year + 3).isoformat())
    page.click("#submit")
    page.wait_for_selector("#apprenticeship-status")

    for kind, path in documents.items():
        page.select_option("#document-form #kind", kind)
        page.set_input_files("#document-form #file", str(path))
        if kind == "cooperation_agreement":
            page.fill("#document-form #fee", "18000")
        page.click("#document-form #submit")
        page.wait_for_selector(f"[data-document={kind}] a")
    page.click("#to-filed")
    page.wait_for_selector("#to-in_training")
    page.click("#to-in_training")
    page.wait_for_selector("#logbook-form")
    page.fill("#logbook-form #work_done", "配电柜二次接线")
    page.fill("#logbook-form #skills", "接线、校线")
    page.fill("#logbook-form #hours", "8")
    page.click("#logbook-form #submit")
    page.wait_for_selector("[data-sign]")
    page.click("[data-sign]")
    page.wait_for_selector("#logbook-table .badge")
    assert "孙国强" in page.inner_text("#logbook-table")
    page.click("#to-completed")
    assert "提前完成须说明原因" in page.content()
    page.fill("#reason-completed", "提前通过企业技能考核")
    page.click("#to-completed")
    page.wait_for_selector("#ready")
    page.screenshot(path=str(tmp_path / "apprenticeship.png"), full_page=True)
