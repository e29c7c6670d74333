"""A competition in a real browser, from its creation to a promoted winner's certificate verified on /verify:
the scheme imported from Excel, competitors entered by their employer, a conflicting judge refused, blind marking
with a spread flag resolved by re-marking, sign-off, publication with an objection, final results and the
certificate."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.certification.models import Certificate
from app.competitions.models import Competition, CompetitionEvent, SpreadFlag
from app.database import utcnow, write_intent
from app.demo.people import demo_id_number
from app.people.levels import record_level_award
from app.people.services import register_person
from app.spreadsheets import simple_workbook
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCHEME = [["实操", "70", "A1", "焊缝尺寸", "measurement", "10", "0.5;1", ""],
          ["实操", "70", "A2", "焊缝外观", "judgement", "3", "", "0:未完成;1:基本合格;2:良好;3:优秀"],
          ["安全文明", "30", "B1", "安全文明生产", "judgement", "3", "", "0:违规;1:一般;2:规范;3:示范"]]
NAMES = ["甲浏览", "乙浏览", "丙浏览"]


def _competitors(session) -> list[int]:
    import random

    rng = random.Random(7)
    hr = session.scalar(select(User).where(User.username == "hr_sy"))
    admin = session.scalar(select(User).where(User.username == "admin"))
    ids = []
    with write_intent():
        for name in NAMES:
            born = date(1993, rng.randint(1, 12), rng.randint(1, 28))
            person = register_person(session, actor=hr, now=utcnow(), name=name, id_type="resident_id",
                                     id_number=demo_id_number(rng, born, False), birth_date=born,
                                     employer_org_id=hr.organisation_id)
            record_level_award(session, actor=admin, now=utcnow(), person_id=person.id, occupation_code="6-18-02-04",
                               occupation_name="焊工", grade_key="senior", route="exam", awarded_on=date(2023, 5, 1))
            ids.append(person.id)
        session.commit()
    return ids


def _as(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    log_in(page, base, username)
    page.wait_for_url(f"{base}/dashboard")
    return page


def _confirm(page, box: str) -> None:
    page.click(f"#{box} summary")
    page.click(f"#{box} button[type=submit]")
    page.wait_for_load_state()


def _mark(page, base: str, event_id: int, values: list[str], reason: str | None = None) -> None:
    page.goto(f"{base}/competitions/events/{event_id}/sheet")
    cells = page.locator("#sheet-form .mark-cell")
    assert cells.count() == len(values)
    for index, value in enumerate(values):
        cells.nth(index).fill(value)
    if reason:
        page.fill("#reason", reason)
    page.click("#save-sheet")
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.content()


def test_competition_to_verified_certificate(live_server, browser, session, tmp_path, monkeypatch):
    base = live_server
    people = _competitors(session)
    issuer = session.scalar(select(Organisation).where(Organisation.kind == "evaluation"))
    conflicted = session.scalar(select(User).where(User.username == "hr_sy"))
    judges = {name: session.scalar(select(User).where(User.username == name)).id
              for name in ("assessor1", "assessor2", "assessor3", "assessor4")}
    session.rollback()

    admin = _as(browser, base, "admin")
    admin.goto(f"{base}/competitions/new")
    admin.fill("#name", "浏览器测试焊工大赛")
    admin.select_option("#tier", "provincial_1")
    today = utcnow().date()
    admin.fill("#starts_on", today.isoformat())
    admin.fill("#ends_on", (today + timedelta(days=2)).isoformat())
    admin.fill("#notice_days", "5")
    admin.select_option("#rule_set", "tianjin")
    admin.select_option("#issuer_org_id", str(issuer.id))
    admin.click("#submit")
    admin.click("#new-event")
    admin.fill("#name", "焊工（职工组）")
    admin.fill("#occupation_code", "6-18-02-04")
    admin.select_option("#band_low", "3")
    admin.select_option("#band_high", "2")
    admin.select_option("#track", "worker")
    admin.fill("#spread_threshold", "1")
    admin.click("#submit")
    admin.wait_for_url(f"{base}/competitions/events/*")
    event_id = int(admin.url.rsplit("/", 1)[1])

    workbook = tmp_path / "scheme.xlsx"
    workbook.write_bytes(simple_workbook("评分标准", ["分项", "权重", "代码", "评分项", "类型", "满分", "扣分步长", "评分等级"],
                                         SCHEME))
    admin.locator("#scheme-import input[type=file]").set_input_files(str(workbook))
    admin.click("#scheme-import [type=submit]")
    admin.wait_for_load_state()
    assert "焊缝外观" in admin.content()

    hr = _as(browser, base, "hr_sy")
    hr.goto(f"{base}/competitions/events/{event_id}")
    for person_id in people:
        hr.select_option("#entry-form #person_id", str(person_id))
        hr.click("#entry-form [type=submit]")
        hr.wait_for_load_state()
    assert hr.locator("#entries tbody tr").count() == 3

    admin.goto(f"{base}/competitions/events/{event_id}")
    admin.select_option("#judge-form #user_id", str(conflicted.id))
    admin.click("#judge-form [type=submit]")
    admin.wait_for_load_state()
    assert "沈阳北方数控机床有限公司" in admin.locator("#judge-form").inner_text()  # recusal: their firm entered them
    for name, role in (("assessor1", "judge"), ("assessor2", "judge"), ("assessor3", "judge"), ("assessor4", "chief")):
        admin.select_option("#judge-form #user_id", str(judges[name]))
        admin.select_option("#judge-form #role", role)
        admin.click("#judge-form [type=submit]")
        admin.wait_for_load_state()
    assert admin.locator("#judges li").count() == 4
    _confirm(admin, "confirm-open")
    session.rollback()
    assert session.scalar(select(CompetitionEvent.status).where(CompetitionEvent.id == event_id)) == "marking"
    session.rollback()

    one, two, three = (_as(browser, base, name) for name in ("assessor1", "assessor2", "assessor3"))
    _mark(one, base, event_id, ["10", "3", "3", "9.5", "2", "2", "9", "1", "2"])
    assert one.locator(".others").count() == 0  # blind: nobody else has marked yet
    _mark(two, base, event_id, ["10", "3", "3", "9.5", "2", "2", "9", "1", "2"])
    _mark(three, base, event_id, ["10", "1", "3", "9.5", "2", "2", "9", "1", "2"])  # A2 of the first: 3, 3, 1
    assert three.locator(".others").count() == 9  # everyone has marked: the others' marks show

    chief = _as(browser, base, "assessor4")
    chief.goto(f"{base}/competitions/events/{event_id}/sheet")
    assert chief.locator("#flags li").count() == 1
    chief.click("#flags form[action$='/remark'] button")
    chief.wait_for_load_state()
    _mark(three, base, event_id, ["10", "3", "3", "9.5", "2", "2", "9", "1", "2"], reason="复核后改为优秀")
    session.rollback()
    assert session.scalar(select(SpreadFlag.status).where(SpreadFlag.event_id == event_id)) == "resolved_remark"
    session.rollback()
    chief.goto(f"{base}/competitions/events/{event_id}/sheet")
    assert chief.locator("#flags li.text-muted").count() == 1  # "no open spread flags"
    _confirm(chief, "confirm-sign-off")

    admin.goto(f"{base}/competitions/events/{event_id}")
    _confirm(admin, "confirm-publish")
    hr.goto(f"{base}/competitions/events/{event_id}")
    hr.fill("#objection-form #text", "我单位第三名选手安全文明分数偏低，请复核。")
    hr.click("#objection-form [type=submit]")
    hr.wait_for_load_state()
    admin.goto(f"{base}/competitions/events/{event_id}")
    admin.fill("#objections textarea", "经复核录像，评分无误，维持原成绩。")
    admin.click("#objections button")
    admin.wait_for_load_state()
    assert "经复核录像" in admin.locator("#objections").inner_text()

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/competitions/results/{event_id}")
    assert NAMES[0] in public.locator("#results").inner_text()

    from app.web import actions as web_actions

    monkeypatch.setattr(web_actions, "utcnow", lambda: utcnow() + timedelta(days=21))  # after the notice
    _confirm(admin, "confirm-finalise")
    monkeypatch.undo()
    _confirm(admin, "confirm-certificates")
    number = admin.locator("#results .cert-number").first.inner_text()
    admin.screenshot(path=str(tmp_path / "competition.png"), full_page=True)

    session.rollback()
    certificate = session.scalar(select(Certificate).where(Certificate.number == number))
    assert certificate.source_type == "competition_promotion" and certificate.level_digit == 2
    assert session.scalar(select(CompetitionEvent.status).where(CompetitionEvent.id == event_id)) == "final"
    assert session.scalar(select(Competition.name).where(Competition.id == session.get(
        CompetitionEvent, event_id).competition_id)) == "浏览器测试焊工大赛"

    public.goto(f"{base}/verify")
    public.fill("#number", number)
    public.fill("#name", certificate.holder_name)
    public.click("#submit")
    assert public.get_attribute("#verify-status", "data-status") == "valid"
    assert "二级/技师" in public.inner_text("#verify-facts")
