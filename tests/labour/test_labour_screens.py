"""Labour pages: each role's path from a posted peak to a paid worker; refusals keep what was typed."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.labour.models import LabourDemand, Notification, SeasonalContract, WagePayment
from app.labour.sharing_models import SharedAgreement
from app.web import actions as web_actions
from app.web.labour import views as labour_views
from tests.conftest import login, post_form
from tests.factories import make_org, make_user
from tests.people.factories import make_person

TODAY = datetime.now(UTC).date()
FIRST = TODAY + timedelta(days=3)


@pytest.fixture
def users(session):
    staff = make_user(session, "admin", username="township")
    farm = make_org(session, "enterprise", name="建平丰收合作社", city_code="2113")
    hr = make_user(session, "enterprise_hr", org=farm, username="farmhr")
    people = [make_person(session, staff, name=n) for n in ("张春花", "李秋实")]
    session.commit()
    return staff, farm, hr, people


def as_user(client, username):
    if client.get("/dashboard").status_code == 200:
        post_form(client, "/logout", {}, form_url="/dashboard")
    assert login(client, username).status_code == 302


def post_demand(client, curve=f"{FIRST} day 2\n"):
    return post_form(client, "/labour/demands/new", {
        "title": "苹果采收", "task": "harvest", "city_code": "2113", "county": "建平县", "township": "朱碌科镇",
        "pay_kind": "day", "pay_rate": "160", "hours_per_half_day": "4", "curve": curve})


def test_the_season_from_posted_peak_to_paid_worker(client, session, users, monkeypatch):
    staff, farm, hr, people = users
    as_user(client, "farmhr")
    refused = post_demand(client, curve="tomorrow am 3")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Line 1" in page or "第1行" in page or "1" in page
    assert "tomorrow am 3" in page and session.query(LabourDemand).count() == 0
    assert post_demand(client).status_code == 302
    assert client.get("/labour/workers").status_code == 403

    as_user(client, "township")
    for person in people:
        answer = post_form(client, "/labour/workers/new", {
            "person_id": person.id, "city_code": "2113", "county": "建平县", "home_township": "朱碌科镇",
            "townships": "", "tasks": ["harvest"], "periods": f"{TODAY} {TODAY + timedelta(days=30)}",
            "channel": "township"})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
        worker_url = answer.headers["Location"]
        answer = post_form(client, worker_url + "/cover", {
            "kind": "work_injury", "insurer": "人保财险", "policy_number": f"P-{person.id}",
            "start_date": TODAY.isoformat(), "end_date": (TODAY + timedelta(days=60)).isoformat()},
            form_url=worker_url)
        assert answer.status_code == 302
    answer = post_form(client, "/labour/runs", {"city_code": "2113", "county": "建平县",
                                                "start_date": TODAY.isoformat(),
                                                "end_date": (TODAY + timedelta(days=10)).isoformat(),
                                                "time_limit_seconds": "3"}, form_url="/labour")
    assert answer.status_code == 302
    run_url = answer.headers["Location"]
    page = client.get(run_url).get_data(as_text=True)
    assert 'id="covered">4<' in page
    export = client.get(run_url + "?export=xlsx", follow_redirects=True)
    rows = list(load_workbook(io.BytesIO(export.data)).active.values)
    assert len(rows) == 5 and {r[5] for r in rows[1:]} == {"张春花", "李秋实"}
    assert post_form(client, run_url + "/publish", {}, form_url=run_url).status_code == 302
    session.rollback()
    assert session.query(Notification).count() == 2
    contract = session.query(SeasonalContract).first()
    contract_url = f"/labour/contracts/{contract.id}"

    as_user(client, "farmhr")
    assert post_form(client, contract_url + "/employer-confirm", {}, form_url=contract_url).status_code == 302
    as_user(client, "township")
    assert post_form(client, contract_url + "/worker-confirm", {"method": "in_person"},
                     form_url=contract_url).status_code == 302
    page = client.get(contract_url).get_data(as_text=True)
    assert 'id="contract-status"' in page
    pdf = client.get(contract_url + "/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    later = datetime.combine(FIRST + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    monkeypatch.setattr(labour_views, "utcnow", lambda: later)
    monkeypatch.setattr(web_actions, "utcnow", lambda: later)
    as_user(client, "farmhr")
    assert post_form(client, contract_url + "/hours", {"day": FIRST.isoformat(), "hours": "11"},
                     form_url=contract_url).status_code == 422
    assert post_form(client, contract_url + "/hours", {"day": FIRST.isoformat(), "hours": "8"},
                     form_url=contract_url).status_code == 302
    as_user(client, "township")
    session.rollback()
    log = session.get(SeasonalContract, contract.id).work_logs[0]
    assert post_form(client, f"/labour/hours/{log.id}/confirm", {"method": "sms_code"},
                     form_url=contract_url).status_code == 302
    as_user(client, "farmhr")
    answer = post_form(client, contract_url + "/payments", {
        "paid_on": later.date().isoformat(), "period_start": FIRST.isoformat(), "period_end": FIRST.isoformat(),
        "amount": "150", "reference": "农商行 0001"}, form_url=contract_url, follow_redirects=True)
    assert answer.status_code == 200
    session.rollback()
    payment = session.query(WagePayment).one()
    assert payment.flagged and str(payment.difference) == "-10.00"

    page = client.get(f"/labour/forecast?city_code=2113&county=建平县&start={TODAY}&end={TODAY + timedelta(days=30)}")
    assert page.status_code == 200 and 'id="forecast-chart"' in page.get_data(as_text=True)


def test_a_markup_agreement_is_refused_on_the_page_and_nothing_is_recorded(client, session):
    lender = make_org(session, "enterprise", name="沈阳机床一厂", city_code="2101")
    borrower = make_org(session, "enterprise", name="沈阳汽车配件厂", city_code="2101")
    make_user(session, "enterprise_hr", org=lender, username="lenderhr")
    lender_hr = session.query(type(make_user(session, "admin"))).filter_by(username="lenderhr").one()
    worker = make_person(session, lender_hr, name="周师傅", employer_org_id=lender.id)
    session.commit()
    as_user(client, "lenderhr")
    start = TODAY
    data = {"lender_id": lender.id, "borrower_id": borrower.id, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=29)).isoformat(), "weekly_hours_cap": "40",
            "safety_duties": "岗前安全培训", "charge": "9000",
            "workers": f"{worker.id}, 6000, 1800, {start - timedelta(days=1)}, in_person",
            "lender_pays_wages": "y"}
    refused = post_form(client, "/labour/shared/agreements", data, form_url="/labour/shared")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "7800.00" in page and "9000" in page
    assert session.query(SharedAgreement).count() == 0
    data["charge"] = "7800"
    assert post_form(client, "/labour/shared/agreements", data, form_url="/labour/shared").status_code == 302
    session.rollback()
    assert session.query(SharedAgreement).count() == 1


def test_every_labour_page_opens_for_its_roles(client, session, users):
    as_user(client, "township")
    for url in ("/labour", "/labour/workers", "/labour/workers/new", "/labour/demands/new", "/labour/shared",
                "/labour/experts", "/labour/forecast"):
        assert client.get(url).status_code == 200, url
    as_user(client, "farmhr")
    for url in ("/labour", "/labour/demands/new", "/labour/shared", "/labour/experts", "/labour/forecast"):
        assert client.get(url).status_code == 200, url
    assert client.get("/labour/runs/1").status_code == 403
    assert date.today() is not None


def test_a_firm_posts_a_surplus_and_sees_the_suggested_pair(client, session):
    from app.labour.sharing import post_staffing
    from app.labour.sharing_models import SharedPost
    from tests.conftest import csrf_token_from

    mine = make_org(session, "enterprise", name="沈阳重工设备厂", city_code="2101")
    make_user(session, "enterprise_hr", org=mine, username="surplushr")
    other = make_user(session, "enterprise_hr", org=make_org(session, "enterprise", name="沈阳缺工机械厂",
                                                             city_code="2101"))
    post_staffing(session, actor=other, now=datetime.now(UTC), kind="shortage", headcount=2, city_code="2101",
                  start_date=TODAY, end_date=TODAY + timedelta(days=30), occupation_code="6-31-01-03")
    session.commit()
    as_user(client, "surplushr")
    token = csrf_token_from(client.get("/labour/shared").get_data(as_text=True))
    refused = client.post("/labour/shared/posts", data={
        "post-csrf_token": token, "post-kind": "surplus", "post-headcount": "3", "post-city_code": "2101",
        "post-start_date": TODAY.isoformat(), "post-end_date": (TODAY - timedelta(days=1)).isoformat(),
        "post-occupation_code": "6-31-01-03"})
    assert refused.status_code == 422 and session.query(SharedPost).count() == 1
    answer = client.post("/labour/shared/posts", data={
        "post-csrf_token": token, "post-kind": "surplus", "post-headcount": "3", "post-city_code": "2101",
        "post-start_date": TODAY.isoformat(), "post-end_date": (TODAY + timedelta(days=20)).isoformat(),
        "post-occupation_code": "6-31-01-03", "post-skills": "电工"}, follow_redirects=True)
    assert answer.status_code == 200
    assert "沈阳缺工机械厂" in answer.get_data(as_text=True).split('id="pairs"')[1].split("</ul>")[0]


def test_staff_pin_an_assignment_from_the_run_page(client, session):
    from app.labour.models import Assignment
    from app.labour.runs import begin_run, create_run, execute_run
    from tests.labour.factories import START, curve, make_county, make_demand
    from tests.labour.factories import make_worker as register

    county = make_county(session)
    county.staff.username = "pinstaff"
    make_demand(session, county.hr, curve=curve(days=1, headcount=1))
    register(session, county.staff)
    now = datetime(2026, 11, 24, 2, tzinfo=UTC)
    run = create_run(session, actor=county.staff, now=now, city_code="2113", county="朝阳县", start_date=START,
                     end_date=START + timedelta(days=2), time_limit_seconds=2)
    begin_run(session, run_id=run.id, now=now)
    execute_run(session, run_id=run.id, now=now)
    session.commit()
    assignment = session.query(Assignment).first()
    as_user(client, "pinstaff")
    run_url = f"/labour/runs/{run.id}"
    assert post_form(client, f"/labour/assignments/{assignment.id}/pin", {"pinned": "1"},
                     form_url=run_url).status_code == 302
    session.rollback()
    assert session.get(Assignment, assignment.id).pinned


def test_the_farm_closes_its_demand_after_confirming(client, session, users):
    _staff, _farm, _hr, _people = users
    as_user(client, "farmhr")
    url = post_demand(client).headers["Location"]
    assert post_form(client, url + "/close", {}, form_url=url).status_code == 302
    session.rollback()
    assert session.query(LabourDemand).one().status == "closed"
    assert 'id="demand-closed"' in client.get(url).get_data(as_text=True)
    assert post_form(client, url + "/close", {}, form_url=url, follow_redirects=True).status_code == 200


def test_staff_add_an_allowance_rule_and_a_bad_rate_keeps_what_was_typed(client, session, users):
    from app.labour.sharing_models import AllowanceRule
    from tests.conftest import csrf_token_from

    as_user(client, "township")
    token = csrf_token_from(client.get("/labour/experts").get_data(as_text=True))
    data = {"rule-csrf_token": token, "rule-name": "周末工程师补贴", "rule-max_level_digit": "3",
            "rule-per_visit": "200", "rule-per_hour": "一百", "rule-solved_bonus": "300",
            "rule-valid_from": TODAY.isoformat()}
    refused = client.post("/labour/experts/rules", data=data)
    assert refused.status_code == 422 and "一百" in refused.get_data(as_text=True)
    assert session.query(AllowanceRule).count() == 0
    data["rule-per_hour"] = "120"
    assert client.post("/labour/experts/rules", data=data).status_code == 302
    session.rollback()
    assert str(session.query(AllowanceRule).one().per_hour) == "120.00"
