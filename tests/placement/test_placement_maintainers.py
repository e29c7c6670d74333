"""Who may record follow-ups, evidence and leaving on a placement: the employer named on it, the institution
whose user recorded it, or 人社 administrators — nobody else, though others may still view it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.errors import NotAllowed
from app.people.access import add_access
from app.placement.followups import record_follow_up
from app.placement.models import FollowUp, Placement, PlacementEvidence
from app.placement.placements import PlacementDetails, add_evidence, record_leaving, record_placement
from app.placement.scope import get_placement
from tests.conftest import csrf_token_from, login
from tests.factories import NOW, bearer_headers, make_org
from tests.placement.factories import enrol, make_chain, people
from tests.training.factories import institution_staff, make_class, make_project

TODAY = NOW.date()
START = TODAY - timedelta(days=200)  # the 3- and 6-month follow-ups are due


@pytest.fixture
def world(session):
    """Two people trained by two institutions; the enterprise records one hire, the first institution the other."""
    chain = make_chain(session, headcount=3)
    hired, other = people(session, chain, 2)
    for person in (hired, other):
        enrol(session, chain, person)
        add_access(session, person_id=person.id, organisation_id=chain.enterprise.id, reason="granted", now=NOW)
    second = make_org(session, "institution", name="大连职业培训学校", city_code="2102")
    second_staff = institution_staff(session, second)
    klass = make_class(session, second_staff, make_project(session, second_staff), start_date=date(2025, 9, 1),
                       end_date=date(2025, 10, 31))
    for person in (hired, other):  # both also trained by the second institution, which records neither hire
        enrol(session, type("C", (), {"klass": klass})(), person)
    by_enterprise = record_placement(session, actor=chain.hr, now=NOW, details=PlacementDetails(
        person_id=hired.id, start_date=START, contract_months=12, monthly_wage=5200, job_title="维修电工"))
    by_institution = record_placement(session, actor=chain.staff, now=NOW, details=PlacementDetails(
        person_id=other.id, start_date=START, contract_months=12, monthly_wage=5000, job_title="电工",
        enterprise_id=chain.enterprise.id))
    for user, name in ((chain.admin, "admin7"), (chain.staff, "inst7"), (chain.hr, "hr7"),
                       (second_staff, "inst7b")):
        user.username = name
    session.commit()
    return {"chain": chain, "second_staff": second_staff, "by_enterprise": by_enterprise,
            "by_institution": by_institution}


def _attempts(session, actor, placement_id):
    yield lambda: record_follow_up(session, actor=actor, now=NOW, placement_id=placement_id, months=3,
                                   outcome="unknown", checked_on=TODAY)
    yield lambda: add_evidence(session, actor=actor, now=NOW, placement_id=placement_id, kind="wage_record",
                               dated_on=TODAY, reference="GZ-2026-01")
    yield lambda: record_leaving(session, actor=actor, now=NOW, placement_id=placement_id, left_on=TODAY)


def test_institutions_that_did_not_record_a_placement_may_view_but_not_maintain_it(session, world):
    chain, placement = world["chain"], world["by_enterprise"]
    for trainer in (chain.staff, world["second_staff"]):  # both trained the person; neither recorded the hire
        assert get_placement(session, actor=trainer, placement_id=placement.id) is placement
        for attempt in _attempts(session, trainer, placement.id):
            with pytest.raises(NotAllowed) as refused:
                attempt()
            assert "employer named on this placement" in refused.value.message
    session.rollback()
    assert session.get(Placement, placement.id).status == "active"
    assert session.scalars(select(FollowUp.outcome).where(FollowUp.placement_id == placement.id)).all() == [
        None, None, None]
    assert session.scalars(select(PlacementEvidence).where(PlacementEvidence.placement_id == placement.id)).all() == []


def test_the_institution_that_recorded_a_placement_maintains_it_and_the_other_does_not(session, world):
    chain, placement = world["chain"], world["by_institution"]
    colleague = institution_staff(session, chain.institution)
    add_evidence(session, actor=colleague, now=NOW, placement_id=placement.id, kind="labour_contract",
                 dated_on=START, reference="HT-2026-7")
    record_follow_up(session, actor=chain.staff, now=NOW, placement_id=placement.id, months=3, outcome="retained",
                     checked_on=TODAY, evidence_kind="social_insurance", reference="SB-7")
    with pytest.raises(NotAllowed):
        record_follow_up(session, actor=world["second_staff"], now=NOW, placement_id=placement.id, months=6,
                         outcome="left", checked_on=TODAY)


@pytest.mark.parametrize("who", ["hr", "admin"])
def test_the_employer_and_administrators_maintain_any_placement_they_see(session, world, who):
    actor = getattr(world["chain"], who)
    for placement in (world["by_enterprise"], world["by_institution"]):
        for attempt in _attempts(session, actor, placement.id):
            attempt()
        assert placement.status == "left"


def test_an_institution_sees_a_note_instead_of_the_forms_and_gets_403_on_post(client, session, world):
    placement_id = world["by_enterprise"].id
    login(client, "inst7b")
    page = client.get(f"/placements/{placement_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="maintainers-note"' in html
    assert 'id="follow-up-form"' not in html and 'id="evidence-form"' not in html and 'id="leave-form"' not in html
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    posts = {
        "follow-up": {"months": "3", "outcome": "left", "checked_on": TODAY.isoformat()},
        "evidence": {"kind": "wage_record", "dated_on": TODAY.isoformat(), "reference": "GZ-1"},
        "leave": {"left_on": TODAY.isoformat()},
    }
    for path, data in posts.items():
        response = client.post(f"/placements/{placement_id}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    session.rollback()
    assert session.get(Placement, placement_id).status == "active"


def test_the_employer_still_sees_the_forms(client, session, world):
    login(client, "hr7")
    html = client.get(f"/placements/{world['by_institution'].id}").get_data(as_text=True)
    assert 'id="follow-up-form"' in html and 'id="evidence-form"' in html and 'maintainers-note' not in html


def test_api_refuses_a_follow_up_from_an_institution_that_did_not_record_the_placement(client, session, world):
    headers = bearer_headers(session, world["chain"].staff)
    placement_id = world["by_enterprise"].id
    assert client.get(f"/api/v1/placements/{placement_id}", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/placements/{placement_id}/follow-ups", headers={**headers, "Accept-Language": "en"}, json={
        "months": 3, "outcome": "left", "checked_on": TODAY.isoformat()})
    assert refused.status_code == 403 and "employer" in refused.get_json()["error"]
    session.rollback()
    assert session.get(Placement, placement_id).status == "active"
    own = client.post(f"/api/v1/placements/{world['by_institution'].id}/follow-ups", headers=headers, json={
        "months": 3, "outcome": "retained", "checked_on": TODAY.isoformat(), "evidence_kind": "wage_record",
        "reference": "GZ-3"})
    assert own.status_code == 200, own.get_json()
