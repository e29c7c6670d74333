"""Placement and report pages: access by role, data scope, forms that keep input, exports, CSP-safe SVG."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.people.access import add_access
from app.placement.models import Placement
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import NOW, make_user
from tests.placement.factories import assess, award, enrol, make_chain, people, place

TODAY = NOW.date()


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/dashboard").get_data(as_text=True))})


@pytest.fixture
def chain(session):
    c = make_chain(session, headcount=1)
    folks = people(session, c, 3)
    for person in folks:
        enrol(session, c, person)
        add_access(session, person_id=person.id, organisation_id=c.enterprise.id, reason="granted", now=NOW)
    assess(session, c, folks[0], passed=True)
    award(session, folks[0], on=date(2026, 3, 20))
    place(session, c, folks[2], start=date(2026, 3, 10), retained_6=True)
    for user, name in ((c.admin, "admin8"), (c.staff, "inst8"), (c.hr, "hr8")):
        user.username = name
    session.commit()
    return c


def test_pages_by_role(client, session, chain):
    login(client, "hr8")
    assert client.get("/placements").status_code == 200
    assert client.get("/reports/ladder").status_code == 200
    assert client.get("/reports/funnel").status_code == 403
    assert client.get("/reports/subsidies").status_code == 403
    assert client.get(f"/placements/demands/{chain.demand.id}/candidates").status_code == 200
    logout(client)
    login(client, "inst8")
    assert client.get("/reports/funnel").status_code == 200
    assert client.get("/reports/ladder").status_code == 403
    assert client.get(f"/placements/demands/{chain.demand.id}/candidates").status_code == 403


def test_enterprise_sees_only_its_placements(client, session, chain):
    placement = session.scalar(select(Placement))
    other = make_user(session, "enterprise_hr", username="hr_other8")
    session.commit()
    login(client, "hr_other8")
    assert client.get(f"/placements/{placement.id}").status_code == 404
    assert chain.people[2].name not in client.get("/placements").get_data(as_text=True)
    logout(client)
    login(client, "hr8")
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert chain.people[2].name in page and "follow-up-6" in page
    assert other.id


def test_recording_a_placement_closes_the_demand_and_errors_keep_input(client, session, chain):
    login(client, "hr8")
    person = chain.people[0]
    bad = post_form(client, "/placements/new", {"person_id": person.id, "demand_id": chain.demand.id,
                                                "start_date": (TODAY + timedelta(days=200)).isoformat(),
                                                "contract_months": "12", "monthly_wage": "5300",
                                                "job_title": "设备电工"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "超过今天" in html and 'value="5300"' in html and 'value="设备电工"' in html
    ok = post_form(client, "/placements/new", {"person_id": person.id, "demand_id": chain.demand.id,
                                               "start_date": TODAY.isoformat(), "contract_months": "12",
                                               "monthly_wage": "5300", "job_title": "设备电工"})
    assert ok.status_code == 302
    session.rollback()
    placement = session.scalar(select(Placement).where(Placement.person_id == person.id))
    assert placement.demand_id == chain.demand.id and placement.demand.status == "filled"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "placement-card" in dashboard
    follow = post_form(client, f"/placements/{placement.id}/follow-up",
                       {"months": "3", "outcome": "retained", "checked_on": TODAY.isoformat(),
                        "evidence_kind": "wage_record", "reference": ""}, form_url=f"/placements/{placement.id}")
    assert follow.status_code == 422 and "须上传材料或填写材料编号" in follow.get_data(as_text=True)
    evidence = post_form(client, f"/placements/{placement.id}/evidence",
                         {"kind": "employment_registration", "reference": "JY-2026-0001",
                          "dated_on": TODAY.isoformat()}, form_url=f"/placements/{placement.id}")
    assert evidence.status_code == 302
    assert "JY-2026-0001" in client.get(f"/placements/{placement.id}").get_data(as_text=True)


def test_funnel_page_svg_and_excel_export(client, session, chain):
    login(client, "admin8")
    response = client.get("/reports/funnel?window=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in html and "style=" not in html.split('id="funnel-chart"')[1][:3000]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'id="step-enrolled"' in html
    export = client.get("/reports/funnel?export=funnel")
    assert export.status_code == 302
    with client.get(export.headers["Location"]) as download:
        sheet = load_workbook(io.BytesIO(download.data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["环节", "人数", "较上一环节转化率"] and rows[2] == ["报名参训", 3, "300.0%"]
    assert client.get("/reports/funnel?quarter=bad").status_code == 302


def test_ladder_targets_and_subsidy_ledger(client, session, chain):
    login(client, "admin8")
    saved = post_form(client, "/reports/ladder", {"year": "2026", "name": "技师和高级技师",
                                                  "grade_keys": ["technician", "senior_technician"], "target": "10000",
                                                  "city_code": ""}, form_url="/reports/ladder")
    assert saved.status_code == 302
    assert "技师和高级技师" in client.get("/reports/ladder").get_data(as_text=True)
    scheme = post_form(client, "/reports/subsidies", {"name": "技能提升补贴", "kind": "upgrade", "amount_4": "1500",
                                                       "per_person_cap": "3", "claim_window_months": "12",
                                                       "effective_from": "2026-01-01", "shortage_uplift_percent": "0"})
    assert scheme.status_code == 302
    page = client.get("/reports/subsidies?scheme_id=1").get_data(as_text=True)
    assert "Passes every rule" in page or "符合全部规则" in page


def test_candidate_list_exports_to_excel_without_full_id_numbers(client, session, chain):
    login(client, "hr8")
    url = f"/placements/demands/{chain.demand.id}/candidates"
    html = client.get(url).get_data(as_text=True)
    shown = html.count('<tr id="candidate-')
    assert shown >= 1 and 'id="export-candidates"' in html
    export = client.get(url + "?export=xlsx")
    assert export.status_code == 302
    with client.get(export.headers["Location"]) as download:
        sheet = load_workbook(io.BytesIO(download.data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["得分", "姓名", "证件号码（脱敏）", "推荐理由", "邀约状态"]
    assert len(rows) == shown + 1
    assert all("*" in row[2] for row in rows[1:])
