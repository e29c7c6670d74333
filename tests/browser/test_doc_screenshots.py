"""Screenshots for the user guides in docs/, taken by logging in as each demo role and visiting its key pages.

Each page must answer 200 and show its key text. The PNGs go to a temporary folder on an ordinary run, so
`make test` leaves the checkout clean; `make docs-screenshots` (DOC_SCREENSHOTS_DIR=docs/images) refreshes
docs/images/<role>-<page>.png for the guides.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.models import User
from app.assessment.models import AssessmentPlan, AssessmentSession, SessionAssignment
from app.catalog.models import Occupation
from app.certification.models import Certificate
from app.database import write_intent
from app.demand.models import JobDemand
from app.people.models import Person, PersonAccess
from app.training.apprenticeship_models import Apprenticeship
from app.training.models import ClassSession, TrainingClass, TrainingProject
from config import TestConfig
from tests.browser.conftest import log_in
from tests.demo_world import load_demo_world
from tests.people.factories import phone, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.one_database]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def docs_server(app):
    """The demo data set with certificates issued, served in a background thread."""
    with write_intent():
        load_demo_world(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def shot_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _org(session, username: str) -> int:
    return session.scalar(select(User.organisation_id).where(User.username == username))


def demo_ids(session) -> dict[str, int]:
    """Ids of the records the guides show, found in the demo data."""
    inst, ent, evaluation = _org(session, "inst_sy"), _org(session, "hr_sy"), _org(session, "eval")
    assessor = session.scalar(select(User.id).where(User.username == "assessor1"))
    project = session.scalar(select(TrainingProject.id).where(TrainingProject.institution_id == inst)
                             .order_by(TrainingProject.id))
    klass = session.scalar(select(TrainingClass.id).where(TrainingClass.project_id == project).order_by(TrainingClass.id))
    plans = list(session.scalars(select(AssessmentPlan).where(AssessmentPlan.organisation_id == evaluation)
                                 .order_by(AssessmentPlan.id)))
    finalised = next(p.id for p in plans if p.status == "finalised")
    open_plan = next(p.id for p in plans if p.status not in ("finalised", "published"))
    return {
        "project": project, "class": klass,
        "class_session": session.scalar(select(ClassSession.id).where(ClassSession.class_id == klass)
                                        .order_by(ClassSession.id)),
        "person": session.scalar(select(Person.id).join(PersonAccess, PersonAccess.person_id == Person.id)
                                 .where(PersonAccess.organisation_id == inst).order_by(Person.id)),
        "finalised_plan": finalised, "open_plan": open_plan,
        "assessor_session": session.scalar(select(SessionAssignment.session_id)
                                           .where(SessionAssignment.user_id == assessor)
                                           .order_by(SessionAssignment.session_id)),
        "plan_session": session.scalar(select(AssessmentSession.id).where(AssessmentSession.plan_id == open_plan)
                                       .order_by(AssessmentSession.id)),
        "certificate": session.scalar(select(Certificate.id).order_by(Certificate.id)),
        "demand": session.scalar(select(JobDemand.id).where(JobDemand.enterprise_id == ent).order_by(JobDemand.id)),
        "apprenticeship": session.scalar(select(Apprenticeship.id).where(Apprenticeship.enterprise_id == ent)
                                         .order_by(Apprenticeship.id)),
        "organisation": evaluation,
        "occupation": session.scalar(select(Occupation.id).where(Occupation.code == "6-31-01-03")),
    }


# role → (demo login, [(image name, path template, key text that must be visible)])
PAGES = {
    "institution": ("inst_sy", [
        ("dashboard", "/dashboard", "培训机构"),
        ("projects", "/training/projects", "培训项目"),
        ("project", "/training/projects/{project}", "培训项目"),
        ("new-class", "/training/projects/{project}/classes/new", "开班"),
        ("class", "/classes/{class}", "学员"),
        ("attendance", "/classes/sessions/{class_session}/attendance", "考勤"),
        ("people", "/people", "人员"),
        ("people-import", "/people/import", "导入人员及工作经历"),
        ("person", "/people/{person}", "工作经历"),
        ("demands", "/demands", "岗位需求"),
        ("apprenticeships", "/apprenticeships", "企业新型学徒"),
        ("certificates", "/certificates", "证书"),
    ]),
    "evaluation": ("eval", [
        ("dashboard", "/dashboard", "评价机构"),
        ("plans", "/assessment/plans", "评价计划"),
        ("new-plan", "/assessment/plans/new", "新建评价计划"),
        ("plan", "/assessment/plans/{open_plan}", "职业技能等级认定"),
        ("sessions", "/assessment/plans/{open_plan}/sessions", "考场与考评人员"),
        ("session", "/assessment/sessions/{plan_session}", "理论知识考试"),
        ("results", "/assessment/plans/{finalised_plan}/results", "结果与公示"),
        ("assessors", "/assessment/assessors", "考评员"),
        ("certificates", "/certificates", "证书"),
        ("certificate", "/certificates/{certificate}", "遗失补打"),
    ]),
    "assessor": ("assessor1", [
        ("dashboard", "/dashboard", "考评员"),
        ("my-sessions", "/assessment/my-sessions", "我的考场"),
        ("score-sheet", "/assessment/sessions/{assessor_session}/sheet", "成绩录入"),
    ]),
    "enterprise-hr": ("hr_sy", [
        ("dashboard", "/dashboard", "企业人力资源"),
        ("demands", "/demands", "岗位需求"),
        ("new-demand", "/demands/new", "登记岗位需求"),
        ("demand", "/demands/{demand}", "岗位需求"),
        ("apprenticeships", "/apprenticeships", "企业新型学徒"),
        ("new-apprenticeship", "/apprenticeships/new", "登记学徒"),
        ("apprenticeship", "/apprenticeships/{apprenticeship}", "企业导师"),
        ("subsidies", "/apprenticeships/subsidies", "学徒培训补贴"),
        ("appointments", "/assessment/appointments", "企业评聘"),
    ]),
    "administrator": ("admin", [
        ("dashboard", "/dashboard", "人社管理"),
        ("organisations", "/admin/organisations", "机构"),
        ("organisation", "/admin/organisations/{organisation}", "辽宁辽才职业技能评价有限公司"),
        ("users", "/admin/users", "用户"),
        ("new-user", "/admin/users/new", "新建用户"),
        ("occupations", "/catalog/occupations", "职业目录"),
        ("occupation", "/catalog/occupations/{occupation}", "6-31-01-03"),
        ("shortage", "/catalog/shortage", "急需紧缺技能人才职业（工种）目录"),
        ("holidays", "/assessment/holidays", "节假日与调休"),
        ("training-overview", "/training/overview", "需求与培训概况"),
        ("audit", "/admin/audit", "审计日志"),
        ("tokens", "/account/tokens", "API 令牌"),
    ]),
}


def upload_office_sheet(page, folder: Path) -> None:
    """The people import as the guide shows it: an office's own sheet uploaded, its columns previewed
    (a 备注 column not recognised), nothing imported yet."""
    book = Workbook()
    book.active.append(["2026年培训人员名单"])
    book.active.append(["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限", "备注"])
    book.active.append(["邵明辉", "居民身份证", resident_id(born=date(1985, 4, 2)), phone(), "高中", "沈阳机床厂", "电工", 8,
                        "老学员"])
    book.active.append(["柏晓雪", "身份证", resident_id(born=date(1992, 11, 20), gender="F"), phone(), "大专", "鞍钢集团",
                        "焊工", "5.5", ""])
    book.active.append(["门立新", "居民身份证", resident_id(born=date(2000, 6, 1)), phone(), "中专", "华晨宝马", "车工", 4,
                        "转岗"])
    sheet = folder / "2026年培训人员名单.xlsx"
    book.save(sheet)
    page.set_input_files("#file", str(sheet))
    page.click("#submit")
    expect(page.locator("#import-preview")).to_be_visible()


# page name → what to do on the page before its screenshot
BEFORE_SHOT = {"people-import": upload_office_sheet}


@pytest.mark.parametrize("role", list(PAGES))
def test_guide_screenshots(docs_server, shot_page, session, role, tmp_path):
    images = Path(TestConfig.DOC_SCREENSHOTS_DIR) if TestConfig.DOC_SCREENSHOTS_DIR else tmp_path
    images.mkdir(parents=True, exist_ok=True)
    if role == "institution":
        shot_page.goto(f"{docs_server}/login")
        shot_page.screenshot(path=str(images / "login.png"))
    ids = demo_ids(session)
    session.rollback()
    username, pages = PAGES[role]
    log_in(shot_page, docs_server, username)
    shot_page.wait_for_url(f"{docs_server}/dashboard")
    for name, template, key_text in pages:
        path = template.format(**ids)
        response = shot_page.goto(f"{docs_server}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        if name in BEFORE_SHOT:
            BEFORE_SHOT[name](shot_page, tmp_path)
        # visible=true skips the same words in the collapsed navigation menus
        assert shot_page.locator(f"text={key_text} >> visible=true").count(), f"{path} does not show {key_text}"
        # a previewed import is shown down to its Import button
        shot_page.screenshot(path=str(images / f"{role}-{name}.png"), full_page=name in BEFORE_SHOT)
        assert (images / f"{role}-{name}.png").stat().st_size > 10_000  # a real page, not a blank frame
