"""The labour JSON API: demand curves, runs on the queue, publishing, hours, the forecast, agreements at cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.labour.models import LabourDemand, Notification
from app.labour.sharing_models import SharedAgreement
from tests.factories import bearer_headers, make_org, make_user
from tests.labour.factories import make_worker
from tests.people.factories import make_person

TODAY = datetime.now(UTC).date()
DAY = TODAY + timedelta(days=2)


def demand_body(**overrides):
    body = {"title": "葡萄采收", "task": "harvest", "city_code": "2113", "county": "朝阳县", "township": "大平房镇",
            "pay_kind": "day", "pay_rate": "150", "curve": [{"day": DAY.isoformat(), "half": "am", "headcount": 1},
                                                            {"day": DAY.isoformat(), "half": "pm", "headcount": 1}]}
    body.update(overrides)
    return body


def test_demand_run_and_publish_through_the_api(client, session):
    staff = make_user(session, "admin")
    farm = make_org(session, "enterprise", city_code="2113")
    hr = make_user(session, "enterprise_hr", org=farm)
    worker = make_worker(session, staff, periods=[(TODAY, TODAY + timedelta(days=20))])
    worker.covers[0].start_date, worker.covers[0].end_date = TODAY, TODAY + timedelta(days=20)
    hr_headers, staff_headers = bearer_headers(session, hr), bearer_headers(session, staff)

    refused = client.post("/api/v1/labour/demands", json=demand_body(curve=[{"day": DAY.isoformat(), "half": "noon",
                                                                             "headcount": 1}]), headers=hr_headers)
    assert refused.status_code == 422 and refused.json["field"] == "curve"
    created = client.post("/api/v1/labour/demands", json=demand_body(), headers=hr_headers)
    assert created.status_code == 201 and created.json["pay_rate"] == "150.00" and len(created.json["curve"]) == 2
    assert [d["id"] for d in client.get("/api/v1/labour/demands", headers=hr_headers).json["items"]] == \
        [created.json["id"]]
    assert client.post("/api/v1/labour/runs", json={"city_code": "2113", "county": "朝阳县"},
                       headers=hr_headers).status_code == 403
    run = client.post("/api/v1/labour/runs", json={"city_code": "2113", "county": "朝阳县",
                                                   "start_date": TODAY.isoformat(),
                                                   "end_date": (TODAY + timedelta(days=7)).isoformat(),
                                                   "time_limit_seconds": 2}, headers=staff_headers)
    assert run.status_code == 202
    shown = client.get(f"/api/v1/labour/runs/{run.json['id']}", headers=staff_headers).json
    assert shown["status"] == "solved" and (shown["demanded"], shown["covered"]) == (2, 2) and shown["progress"] == 100
    published = client.post(f"/api/v1/labour/runs/{run.json['id']}/publish", headers=staff_headers)
    assert published.status_code == 200 and published.json["status"] == "published"
    session.rollback()
    assert session.query(Notification).filter_by(person_id=worker.person_id).count() == 1
    forecast = client.get(f"/api/v1/labour/forecast?city_code=2113&county=朝阳县&start={TODAY}"
                          f"&end={TODAY + timedelta(days=13)}", headers=hr_headers)
    assert forecast.status_code == 200 and sum(w["posted"] for w in forecast.json["weeks"]) == 2
    assert client.get(f"/api/v1/labour/forecast?city_code=2113&county=朝阳县&start={TODAY}"
                      f"&end={TODAY - timedelta(days=1)}", headers=hr_headers).status_code == 422
    assert session.query(LabourDemand).count() == 1


def test_an_agreement_charging_a_markup_is_refused(client, session):
    lender = make_org(session, "enterprise", city_code="2101")
    borrower = make_org(session, "enterprise", city_code="2101")
    hr = make_user(session, "enterprise_hr", org=lender)
    person = make_person(session, hr, name="吴师傅", employer_org_id=lender.id)
    headers = bearer_headers(session, hr)
    body = {"lender_id": lender.id, "borrower_id": borrower.id, "start_date": TODAY.isoformat(),
            "end_date": (TODAY + timedelta(days=29)).isoformat(), "weekly_hours_cap": 40,
            "safety_duties": "提供劳保用品", "charge": "8000",
            "workers": [{"person_id": person.id, "monthly_wage": "6000", "monthly_social_insurance": "1800",
                         "consented_on": TODAY.isoformat(), "consent_method": "online"}]}
    refused = client.post("/api/v1/labour/shared/agreements", json=body, headers=headers)
    assert refused.status_code == 422 and refused.json["field"] == "charge"
    assert session.query(SharedAgreement).count() == 0
    body["charge"] = "7800.00"
    created = client.post("/api/v1/labour/shared/agreements", json=body, headers=headers)
    assert created.status_code == 201 and created.json["cost"] == "7800.00"
