"""Competition pages: organiser, entering organisation, judges' sheet, public results, exports; refused forms
keep what was typed and answer 422."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.competitions.exports import scheme_workbook
from app.competitions.models import Competition, CompetitionEvent, Entry, EventJudge, Mark
from app.competitions.results import publish_results
from tests.competitions.factories import (
    entered_event,
    fully_marked,
    later,
    make_event,
    marking_event,
    signed_off,
)
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import NOW


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English refusals (the interface is Chinese by default)."""
    client.set_cookie("jiangcai_lang", "en")


@pytest.fixture
def clocked(monkeypatch):
    """Pages read the clock: pin the competition views' and one-click actions' clock after the notice."""
    from app.web import actions as web_actions
    from app.web.competitions import marking as marking_views

    moment = later(9)
    monkeypatch.setattr(marking_views, "utcnow", lambda: moment)
    monkeypatch.setattr(web_actions, "utcnow", lambda: moment)


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/dashboard").get_data(as_text=True))})


def named(session, world):
    """Give the world's users known usernames, committed."""
    for user, name in ((world.admin, "org1"), (world.hr, "hr1"), (world.other_hr, "hr2"),
                       (world.judges[0], "judge1"), (world.judges[1], "judge2"), (world.chief, "chief1"),
                       (world.conflicted, "hr3")):
        user.username = name
    session.commit()


def test_organiser_creates_a_competition_and_event_and_a_refused_form_keeps_input(client, session, world):
    named(session, world)
    login(client, "org1")
    refused = post_form(client, "/competitions/new", {"name": "沈阳市焊工技能大赛", "tier": "city",
                                                       "starts_on": "2026-12-10", "ends_on": "2026-12-01",
                                                       "notice_days": "5", "rule_set": "tianjin"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "沈阳市焊工技能大赛" in page and "before it starts" in page
    made = post_form(client, "/competitions/new", {"name": "沈阳市焊工技能大赛", "tier": "city",
                                                    "starts_on": "2026-12-01", "ends_on": "2026-12-03",
                                                    "notice_days": "5", "rule_set": "tianjin",
                                                    "issuer_org_id": str(world.issuer.id)})
    assert made.status_code == 302
    session.rollback()
    competition = session.scalar(select(Competition).where(Competition.name == "沈阳市焊工技能大赛"))
    url = f"/competitions/{competition.id}/events/new"
    event = {"name": "焊工", "occupation_code": "6-18-02-04", "band_low": "3", "band_high": "2", "track": "worker",
             "mode": "individual", "spread_threshold": "1", "tie_break": "first_section", "merit_places": "3"}
    bad = post_form(client, url, {**event, "occupation_code": "9-99-99-99"})
    assert bad.status_code == 422 and "Unknown occupation code" in bad.get_data(as_text=True)
    assert post_form(client, url, event).status_code == 302
    rules = client.get(f"/competitions/{competition.id}").get_data(as_text=True)
    assert "Top 30 %" not in rules and "No promotion rules for this tier" in rules  # city tier: none in tianjin
    logout(client)
    login(client, "hr1")
    assert client.get("/competitions/new").status_code == 403


def test_competition_page_lists_its_promotion_rules(client, session, world):
    event = make_event(session, world)
    named(session, world)
    login(client, "hr1")
    page = client.get(f"/competitions/{event.competition_id}").get_data(as_text=True)
    assert "Places 1 to 10" in page and "Senior technician" in page and "Students&#39; track" in page


def _upload(client, url, data: bytes, name="scheme.xlsx"):
    page = client.get(url.rsplit("/", 1)[0]).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_scheme_export_imports_back_and_a_bad_sheet_reports_every_row(client, session, world):
    event = make_event(session, world)
    other = make_event(session, world)
    other.sections.clear()
    named(session, world)
    data = scheme_workbook(event)
    login(client, "org1")
    answer = _upload(client, f"/competitions/events/{other.id}/scheme", data)
    assert answer.status_code == 302
    session.rollback()
    assert [a.code for s in session.get(CompetitionEvent, other.id).sections for a in s.aspects] == ["A1", "A2", "B1"]
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    sheet["E2"], sheet["G3"] = "guess", ""
    sheet["H3"] = "0:bad"
    out = io.BytesIO()
    book.save(out)
    bad = _upload(client, f"/competitions/events/{other.id}/scheme", out.getvalue())
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Row 2" in text and "Row 3" in text and "not saved" in text


def test_a_conflicting_judge_is_refused_on_the_page(client, session, world):
    event = entered_event(session, world)
    named(session, world)
    login(client, "org1")
    url = f"/competitions/events/{event.id}/judges"
    answer = post_form(client, url, {"user_id": str(world.conflicted.id), "role": "judge"},
                       form_url=f"/competitions/events/{event.id}")
    assert answer.status_code == 422
    assert "must recuse themselves" in answer.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(EventJudge).where(EventJudge.user_id == world.conflicted.id)) is None


def test_entering_organisation_enters_and_sees_only_its_entries(client, session, world):
    event = make_event(session, world)
    named(session, world)
    login(client, "hr1")
    url = f"/competitions/events/{event.id}/entries"
    ok = post_form(client, url, {"person_id": str(world.people[0].id)}, form_url=f"/competitions/events/{event.id}")
    assert ok.status_code == 302
    twice = post_form(client, url, {"person_id": str(world.people[0].id)},
                      form_url=f"/competitions/events/{event.id}")
    assert twice.status_code == 422 and "already entered" in twice.get_data(as_text=True)
    logout(client)
    login(client, "hr2")
    page = client.get(f"/competitions/events/{event.id}").get_data(as_text=True)
    assert world.people[0].name not in page
    entries = client.get(f"/competitions/events/{event.id}/entries.xlsx")
    assert entries.status_code == 200
    assert client.get(f"/competitions/events/{event.id}/marks.xlsx").status_code == 403
    session.rollback()
    assert session.scalar(select(Entry).where(Entry.event_id == event.id)).admission_number.endswith("0001")


def test_judge_sheet_saves_marks_and_refuses_a_stale_save_keeping_what_was_typed(client, session, world, clocked):
    event = marking_event(session, world)
    named(session, world)
    login(client, "judge1")
    url = f"/competitions/events/{event.id}/sheet"
    page = client.get(url).get_data(as_text=True)
    cells = session.scalars(select(Mark).where(Mark.event_id == event.id, Mark.judge_id == world.judges[0].id)
                            .order_by(Mark.id)).all()
    assert page.count('class="form-control form-control-sm mark-cell"') == len(cells)
    first = cells[0]
    form = {"csrf_token": csrf_token_from(page), f"m-{first.id}": "9.5", f"v-{first.id}": "0"}
    assert client.post(url, data=form).status_code == 302
    stale = client.post(url, data={**form, f"m-{first.id}": "9"})
    assert stale.status_code == 422
    text = stale.get_data(as_text=True)
    assert "changed meanwhile" in text and 'value="9"' in text
    session.rollback()
    assert session.get(Mark, first.id).value == 9.5
    logout(client)
    login(client, "hr1")
    assert client.get(url).status_code == 404


def test_chief_judge_signs_off_on_the_sheet_page(client, session, world, clocked):
    event = fully_marked(session, world)
    named(session, world)
    login(client, "chief1")
    page = client.get(f"/competitions/events/{event.id}/sheet").get_data(as_text=True)
    assert "Sign off the marking" in page
    answer = post_form(client, f"/competitions/events/{event.id}/sign-off", {},
                       form_url=f"/competitions/events/{event.id}/sheet")
    assert answer.status_code == 302
    session.rollback()
    assert session.get(CompetitionEvent, event.id).status == "signed_off"


def test_public_results_need_no_login_once_published(client, session, world):
    event = signed_off(session, world)
    session.commit()
    assert client.get(f"/competitions/results/{event.id}").status_code == 404
    publish_results(session, actor=world.admin, now=NOW + timedelta(days=10), event_id=event.id)
    session.commit()
    page = client.get(f"/competitions/results/{event.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert world.people[0].name in text and "Under public notice until" in text
    assert event.name in client.get("/competitions/results").get_data(as_text=True)
