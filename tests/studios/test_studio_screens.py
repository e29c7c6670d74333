"""Studio pages: access by role and scope, forms that keep input, uploads, refusals, exports, rounds."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.studios.models import FundEntry, Studio, StudioAssessment
from tests.conftest import csrf_token_from, post_form
from tests.conftest import login as real_login
from tests.factories import make_org, make_user
from tests.studios.factories import busy_year, listed_studio, make_host, master_worker
from tests.training.factories import pdf_bytes


@pytest.fixture
def world(session, app):
    host = make_host(session)
    host.admin.username, host.hr.username = "admin21", "hr21"
    storage = app.config["FILE_STORAGE_DIR"]
    studio = listed_studio(session, host, storage)
    make_user(session, "enterprise_hr", org=make_org(session, "enterprise"), username="hr_other21")
    make_user(session, "assessor", username="assessor21")
    session.commit()
    return host, studio


def login(client, username):
    """Log in through the real form, reading the pages in English (the refusals asserted are English)."""
    client.set_cookie("jiangcai_lang", "en")
    return real_login(client, username)


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/dashboard").get_data(as_text=True))})


def test_pages_by_role_and_scope(client, world):
    host, studio = world
    login(client, "hr21")
    assert client.get("/studios").status_code == 200
    assert studio.name in client.get("/studios").get_data(as_text=True)
    assert client.get(f"/studios/{studio.id}").status_code == 200
    assert client.get("/studios/overview").status_code == 403
    assert client.get("/studios/rounds").status_code == 403
    logout(client)
    login(client, "hr_other21")
    assert client.get(f"/studios/{studio.id}").status_code == 404
    assert studio.name not in client.get("/studios").get_data(as_text=True)
    logout(client)
    login(client, "assessor21")
    assert client.get("/studios").status_code == 403
    logout(client)
    login(client, "admin21")
    page = client.get("/studios/overview").get_data(as_text=True)
    assert "Due for end-of-cycle review" in page and "National" in page
    assert client.get("/studios/rounds").status_code == 200


def test_application_form_keeps_input_and_the_flow_reaches_review(client, session, world):
    host, _studio = world
    junior = master_worker(session, host.hr, grade="senior", name="钱师傅")
    session.commit()
    login(client, "hr21")
    data = {"kind": "studio", "name": "钱师傅工作室", "tier": "city", "leader_id": str(junior.id),
            "occupations": "车工", "premises": "车间一角"}
    refused = post_form(client, "/studios/new", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "钱师傅工作室" in html and "车间一角" in html
    assert "technician" in html
    data["leader_id"] = str(host.master.id)
    done = post_form(client, "/studios/new", data)
    assert done.status_code == 302
    session.rollback()
    studio = session.scalar(select(Studio).where(Studio.name == "钱师傅工作室"))
    url = f"/studios/{studio.id}"
    early = post_form(client, f"{url}/submit", {}, form_url=url)
    assert early.status_code == 302
    assert "Still missing" in client.get(url).get_data(as_text=True)
    for kind in ("application_form", "leader_record", "premises_proof", "work_plan"):
        answer = post_form(client, f"{url}/records/material", {"material-kind": kind, "material-file": (io.BytesIO(pdf_bytes(kind)), "a.pdf")},
                           form_url=url, content_type="multipart/form-data")
        assert answer.status_code == 302
    bad = post_form(client, f"{url}/records/material", {"material-kind": "work_plan", "material-file": (io.BytesIO(b"MZ exe"), "a.exe")},
                    form_url=url, content_type="multipart/form-data")
    assert bad.status_code == 422 and "PDF, JPEG or PNG" in bad.get_data(as_text=True)
    assert post_form(client, f"{url}/submit", {}, form_url=url).status_code == 302
    session.rollback()
    assert session.get(Studio, studio.id).status == "submitted"
    assert "Withdraw the application" in client.get(url).get_data(as_text=True)
    assert post_form(client, f"{url}/approve", {}, form_url=url).status_code == 403
    logout(client)
    login(client, "admin21")
    refused = post_form(client, f"{url}/reject", {"reason": ""}, form_url=url)
    assert refused.status_code == 422 and "Give the reason" in refused.get_data(as_text=True)
    assert post_form(client, f"{url}/approve", {}, form_url=url).status_code == 302
    session.rollback()
    assert session.get(Studio, studio.id).status == "notice"
    assert session.get(Studio, studio.id).notice_ends_on is not None


def test_spending_over_the_balance_is_refused_and_bare_spending_is_flagged(client, session, world):
    _host, studio = world
    login(client, "hr21")
    url = f"/studios/{studio.id}"
    grant = post_form(client, f"{url}/records/grant", {"grant-source": "host", "grant-amount": "5000",
                                                      "grant-dated_on": "2026-02-01", "grant-description": "单位配套"}, form_url=url)
    assert grant.status_code == 302
    over = post_form(client, f"{url}/records/spending", {"spending-source": "host", "spending-category": "other",
                                                         "spending-amount": "6000", "spending-dated_on": "2026-03-01",
                                                         "spending-description": "超出余额的开支"},
                     form_url=url, content_type="multipart/form-data")
    html = over.get_data(as_text=True)
    assert over.status_code == 422 and "超出余额的开支" in html and "balance" in html
    bare = post_form(client, f"{url}/records/spending", {"spending-source": "host", "spending-category": "other",
                                                         "spending-amount": "100", "spending-dated_on": "2026-03-01",
                                                         "spending-description": "无票开支"},
                     form_url=url, content_type="multipart/form-data")
    assert bare.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "flagged" in page and "4,900.00" in page
    session.rollback()
    entry = session.scalar(select(FundEntry).where(FundEntry.description == "无票开支"))
    fixed = post_form(client, f"{url}/records/evidence", {"evidence-entry_id": str(entry.id),
                                                             "evidence-file": (io.BytesIO(pdf_bytes("r")), "r.pdf")},
                      form_url=url, content_type="multipart/form-data")
    assert fixed.status_code == 302
    session.rollback()
    assert session.get(FundEntry, entry.id).file_path


def test_report_downloads(client, session, world, app):
    host, studio = world
    busy_year(session, host, studio, app.config["FILE_STORAGE_DIR"], apprentices=1, high_skill=1)
    session.commit()
    login(client, "hr21")
    xlsx = client.get(f"/studios/{studio.id}/report.xlsx?year=2026")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert len(book.sheetnames) == 5
    pdf = client.get(f"/studios/{studio.id}/report.pdf?year=2026")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/studios/{studio.id}/report.pdf?year=1999").status_code == 404


def test_round_pages_enforce_the_cap(client, session, world, app):
    host, studio = world
    busy_year(session, host, studio, app.config["FILE_STORAGE_DIR"])
    session.commit()
    login(client, "admin21")
    opened = post_form(client, "/studios/rounds", {"year": "2026", "round_kind": "annual", "cap_percent": "20"})
    assert opened.status_code == 302
    session.rollback()
    entry = session.scalar(select(StudioAssessment))
    round_url = f"/studios/rounds/{entry.round_id}"
    p = f"p{entry.id}-"
    assert post_form(client, f"/studios/assessments/{entry.id}/panel",
                     {p + "plan_and_rules": "10", p + "influence": "10"}, form_url=round_url).status_code == 302
    capped = post_form(client, f"/studios/assessments/{entry.id}/grade", {f"g{entry.id}-grade": "excellent"},
                       form_url=round_url)
    assert capped.status_code == 422 and "At most 0 of the 1" in capped.get_data(as_text=True)
    assert post_form(client, f"/studios/assessments/{entry.id}/grade", {f"g{entry.id}-grade": "pass"},
                     form_url=round_url).status_code == 302
    assert post_form(client, f"{round_url}/close", {}, form_url=round_url).status_code == 302
    session.rollback()
    assert session.get(StudioAssessment, entry.id).grade == "pass"
    assert session.get(Studio, studio.id).status == "listed"
    assert date(2026, 1, 1) <= session.get(Studio, studio.id).approved_on


def test_annual_plan_upload_and_withdrawal(client, session, world):
    host, studio = world
    login(client, "hr21")
    url = f"/studios/{studio.id}"
    bad = post_form(client, f"{url}/records/annual", {"annual-kind": "annual_summary", "annual-year": "2030",
                                                       "annual-file": (io.BytesIO(pdf_bytes("s")), "s.pdf")},
                    form_url=url, content_type="multipart/form-data")
    assert bad.status_code == 422 and "The year must lie between" in bad.get_data(as_text=True)
    good = post_form(client, f"{url}/records/annual", {"annual-kind": "annual_plan", "annual-year": "2026",
                                                        "annual-file": (io.BytesIO(pdf_bytes("p")), "plan.pdf")},
                     form_url=url, content_type="multipart/form-data")
    assert good.status_code == 302 and "plan.pdf" in client.get(url).get_data(as_text=True)
    assert post_form(client, f"{url}/withdraw", {}, form_url=url).status_code == 302
    session.rollback()
    assert session.get(Studio, studio.id).status == "listed"
    from app.studios.registry import StudioDetails, create_application
    from tests.factories import NOW

    draft = create_application(session, actor=host.hr, now=NOW, details=StudioDetails(
        kind="base", name="待撤回基地", tier="city", occupations="焊工", floor_area_band="under_1000",
        trade_count_band="1_5"))
    session.commit()
    answer = post_form(client, f"/studios/{draft.id}/withdraw", {}, form_url=f"/studios/{draft.id}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/studios")
    session.rollback()
    assert session.scalar(select(Studio).where(Studio.name == "待撤回基地")) is None


def test_a_base_records_an_assessment_held_there_and_an_agreement_can_be_ended(client, session, world, app):
    from app.studios.models import HostedClass, MasterApprentice
    from app.studios.records import add_apprenticeship
    from tests.factories import NOW
    from tests.placement.factories import assess, make_chain
    from tests.training.factories import trainee

    host, studio = world
    base = listed_studio(session, host, app.config["FILE_STORAGE_DIR"], kind="base", leader_id=None,
                         floor_area_band="1000_3000", trade_count_band="1_5")
    chain = make_chain(session)
    person = trainee(session, chain.staff, name="冯考生")
    plan_id = assess(session, chain, person, passed=True).plan_id
    apprentice = trainee(session, host.hr, name="褚徒弟")
    agreement = add_apprenticeship(session, actor=host.hr, now=NOW, studio_id=studio.id, master_id=host.master.id,
                                   apprentice_id=apprentice.id, start_on=date(2026, 3, 1), end_on=date(2027, 3, 1))
    session.commit()
    login(client, "hr21")
    url = f"/studios/{base.id}"
    neither = post_form(client, f"{url}/records/hosted", {}, form_url=url)
    assert neither.status_code == 422
    held = post_form(client, f"{url}/records/hosted", {"hosted-plan_id": str(plan_id)}, form_url=url)
    assert held.status_code == 302
    session.rollback()
    assert session.scalar(select(HostedClass.plan_id).where(HostedClass.studio_id == base.id)) == plan_id
    studio_url = f"/studios/{studio.id}"
    ended = post_form(client, f"{studio_url}/agreements/{agreement.id}/end", {}, form_url=studio_url)
    assert ended.status_code == 302
    session.rollback()
    assert session.get(MasterApprentice, agreement.id).status == "ended"


def test_a_ledger_line_is_withdrawn_from_the_page_with_a_reason(client, session, world):
    from app.studios.ledger import record_grant
    from tests.factories import NOW

    host, studio = world
    line = record_grant(session, actor=host.admin, now=NOW, studio_id=studio.id, source="city", amount="300",
                        dated_on=date(2026, 2, 1), description="误录的拨款")
    session.commit()
    line_id = line.id
    login(client, "hr21")
    url = f"/studios/{studio.id}"
    assert f"withdraw-line-{line_id}" in client.get(url).get_data(as_text=True)
    refused = post_form(client, f"{url}/ledger/{line_id}/withdraw", {"reason": ""}, form_url=url)
    assert refused.status_code == 302
    assert "Give the reason" in client.get(url).get_data(as_text=True)
    session.rollback()
    assert session.get(FundEntry, line_id) is not None
    done = post_form(client, f"{url}/ledger/{line_id}/withdraw", {"reason": "重复录入"}, form_url=url)
    assert done.status_code == 302
    session.rollback()
    assert session.get(FundEntry, line_id) is None
