"""Two people saving the same score sheet from two browsers: untouched cells never fail, real conflicts show both."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.assessment.result_models import Score
from tests.assessment.factories import close, make_world, practical_session, registered_plan
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("after_exams")


class _SheetForm(HTMLParser):
    """Every input of the score sheet form as a browser would post it (name → value)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields, self.inside = {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "score-sheet":
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("name"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return  # an unticked box is not posted
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _form(html: str) -> dict[str, str]:
    parser = _SheetForm()
    parser.feed(html)
    return parser.fields


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


@pytest.fixture
def sheet(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    sitting = practical_session(session, world, plan)
    session.commit()
    return sitting, regs


def _cells(session, sitting, marker):
    return session.scalars(select(Score).where(Score.session_id == sitting.id, Score.marker_id == marker.id)
                           .order_by(Score.registration_id)).all()


def test_examiners_saving_the_same_sheet_do_not_break_each_other(app, session, world, sheet):
    sitting, _regs = sheet
    leader, examiner = world.assessors[0], world.assessors[1]
    url = f"/assessment/sessions/{sitting.id}/sheet"
    first, second = app.test_client(), app.test_client()
    login(first, leader.username)
    login(second, examiner.username)
    leader_page = _form(first.get(url).get_data(as_text=True))
    examiner_page = _form(second.get(url).get_data(as_text=True))
    mine, theirs = _cells(session, sitting, leader), _cells(session, sitting, examiner)
    session.rollback()
    # The examiner saves their column first; then the leader saves the sheet opened before that.
    examiner_page.update({f"value-{c.id}": v for c, v in zip(theirs, ("70", "75", "80"), strict=True)})
    assert second.post(url, data=examiner_page).status_code == 302
    leader_page.update({f"value-{mine[0].id}": "81.5", f"value-{mine[1].id}": "77"})
    response = first.post(url, data=leader_page)
    assert response.status_code == 302, response.get_data(as_text=True)

    session.rollback()
    assert [str(c.value) for c in _cells(session, sitting, examiner)] == ["70.0", "75.0", "80.0"]
    assert [c.value and str(c.value) for c in _cells(session, sitting, leader)] == ["81.5", "77.0", None]
    # Each page opens only its owner's column.
    assert {k for k in leader_page if k.startswith("value-")} == {f"value-{c.id}" for c in mine}
    assert {k for k in examiner_page if k.startswith("value-")} == {f"value-{c.id}" for c in theirs}


def test_a_real_conflict_shows_both_values_and_saves_the_rest(app, session, world, sheet):
    sitting, _regs = sheet
    leader, examiner = world.assessors[0], world.assessors[1]
    url = f"/assessment/sessions/{sitting.id}/sheet"
    first, second = app.test_client(), app.test_client()
    login(first, leader.username)
    login(second, examiner.username)
    # The 考评组长 opens the examiner's column to copy the paper marking sheet.
    leader_html = first.get(f"{url}?column={examiner.id}").get_data(as_text=True)
    assert "周丽娜" in leader_html and 'id="entering"' in leader_html
    leader_page = _form(leader_html)
    examiner_page = _form(second.get(url).get_data(as_text=True))
    theirs = _cells(session, sitting, examiner)
    session.rollback()
    examiner_page[f"value-{theirs[0].id}"] = "70"
    assert second.post(url, data=examiner_page).status_code == 302

    leader_page.update({f"value-{theirs[0].id}": "79", f"value-{theirs[1].id}": "84",
                        "reason": "按纸质评分表代为录入"})
    response = first.post(url, data=leader_page)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert html.count("row-message") == 1  # only the cell both changed
    assert "周丽娜" in html and "70.0" in html and 'value="79"' in html and 'value="84.0"' in html
    assert f'name="version-{theirs[0].id}" value="1"' in html  # saving again, having read it, applies

    session.rollback()
    assert [c.value and str(c.value) for c in _cells(session, sitting, examiner)] == ["70.0", "84.0", None]


@pytest.mark.parametrize(("lang", "refusal"), [("en", "A score and absent exclude each other"),
                                               ("zh", "成绩和缺考只能二选一")])
def test_the_absent_box_without_script_marks_absence_and_refuses_a_score_with_it(app, session, world, sheet, lang,
                                                                                 refusal):
    sitting, _regs = sheet
    examiner = world.assessors[1]
    url = f"/assessment/sessions/{sitting.id}/sheet"
    client = app.test_client()
    login(client, examiner.username)
    client.set_cookie("jiangcai_lang", lang)
    page = _form(client.get(url).get_data(as_text=True))
    cells = _cells(session, sitting, examiner)
    session.rollback()
    assert not any(k.startswith("absent-") for k in page)  # no box ticked yet
    page.update({f"absent-{cells[0].id}": "1", f"value-{cells[1].id}": "68", f"absent-{cells[1].id}": "1",
                 f"value-{cells[2].id}": "90"})
    refused = client.post(url, data=page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and refusal in html
    assert f'name="absent-{cells[1].id}"' in html and 'value="68"' in html  # what was typed and ticked stays
    session.rollback()
    assert [(c.absent, c.value and str(c.value)) for c in _cells(session, sitting, examiner)] == [
        (True, None), (False, None), (False, "90.0")]
    shown = _form(client.get(url).get_data(as_text=True))
    assert shown.get(f"absent-{cells[0].id}") == "1" and f"absent-{cells[2].id}" not in shown
