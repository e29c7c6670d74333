"""Placements: recording, closing a demand, follow-ups with evidence, reminders, scope, matching, invitations."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.demand.pipeline import demand_pipeline_counts
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.access import add_access
from app.placement.followups import due_follow_ups, record_follow_up
from app.placement.invitations import advance_invitation, hire_candidate, invite_candidate
from app.placement.matching import candidates_for_demand, demands_for_person
from app.placement.placements import (
    PlacementDetails,
    add_evidence,
    list_placements,
    record_placement,
    registration_reminders,
)
from app.placement.scope import add_months, get_placement
from app.translation import in_chinese
from tests.factories import NOW, make_org, make_user
from tests.placement.factories import award, enrol, make_chain, people
from tests.training.factories import make_demand

TODAY = NOW.date()


@pytest.fixture
def chain(session):
    c = make_chain(session, headcount=2)
    people(session, c, 4)
    for person in c.people:
        enrol(session, c, person)
        add_access(session, person_id=person.id, organisation_id=c.enterprise.id, reason="granted", now=NOW)
    session.commit()
    return c


def details(chain, person, **kw):
    values = {"person_id": person.id, "start_date": TODAY - timedelta(days=10), "contract_months": 12,
              "monthly_wage": 5200, "demand_id": chain.demand.id}
    values.update(kw)
    return PlacementDetails(**values)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 15), 12) == date(2027, 5, 15)


def test_placement_schedules_follow_ups_and_filling_headcount_closes_the_demand(session, chain):
    first = record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[0]))
    assert [(f.months, f.due_on) for f in first.follow_ups] == [
        (3, add_months(first.start_date, 3)), (6, add_months(first.start_date, 6)),
        (12, add_months(first.start_date, 12))]
    assert first.registration_due_on == first.start_date + timedelta(days=30)
    assert chain.demand.status == "open"
    record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[1]))
    assert chain.demand.status == "filled"
    assert demand_pipeline_counts(session, chain.demand.id)["placed"] == 2
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type.in_(
        ["placement", "job_demand"]))).all()
    assert actions.count("placement.create") == 2 and "demand.status" in actions
    with pytest.raises(ValidationFailed) as refused:
        record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[2]))
    assert refused.value.field == "demand_id"


def test_refusals_name_the_field(session, chain):
    with pytest.raises(ValidationFailed) as bad:
        record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[0], contract_months=0))
    assert bad.value.field == "contract_months"
    with pytest.raises(ValidationFailed) as bad:
        record_placement(session, actor=chain.hr, now=NOW,
                         details=details(chain, chain.people[0], start_date=TODAY + timedelta(days=200)))
    assert bad.value.field == "start_date"
    record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[0]))
    with pytest.raises(Conflict):
        record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[0], demand_id=None,
                                                                           job_title="电工"))
    with pytest.raises(ValidationFailed) as bad:  # institutions record hires, but not against a demand
        record_placement(session, actor=chain.staff, now=NOW, details=details(
            chain, chain.people[1], enterprise_id=chain.enterprise.id))
    assert bad.value.field == "demand_id"


def test_scope_enterprise_own_institution_trainees_others_nothing(session, chain):
    placement = record_placement(session, actor=chain.staff, now=NOW, details=details(
        chain, chain.people[0], demand_id=None, enterprise_id=chain.enterprise.id, job_title="电工"))
    assert get_placement(session, actor=chain.hr, placement_id=placement.id) is placement
    assert get_placement(session, actor=chain.staff, placement_id=placement.id) is placement
    other_hr = make_user(session, "enterprise_hr")
    other_staff = make_user(session, "institution_staff")
    for outsider in (other_hr, other_staff):
        with pytest.raises(NotFound):
            get_placement(session, actor=outsider, placement_id=placement.id)
        assert list_placements(session, actor=outsider) == []
    assert list_placements(session, actor=chain.admin) == [placement]
    with pytest.raises(NotAllowed):
        record_placement(session, actor=make_user(session, "assessor"), now=NOW,
                         details=details(chain, chain.people[1]))


def test_follow_up_retained_needs_evidence_and_left_ends_the_placement(session, chain, tmp_path):
    placement = record_placement(session, actor=chain.hr, now=NOW, details=details(
        chain, chain.people[0], start_date=date(2026, 2, 1)))
    due = due_follow_ups(session, actor=chain.hr, today=TODAY)
    assert [(d.follow_up.months, d.overdue) for d in due] == [(3, True), (6, True)]
    assert due_follow_ups(session, actor=chain.staff, today=TODAY)[0].placement is placement
    with pytest.raises(ValidationFailed) as bad:
        record_follow_up(session, actor=chain.hr, now=NOW, placement_id=placement.id, months=3, outcome="retained",
                         checked_on=date(2026, 5, 2), evidence_kind="social_insurance")
    assert bad.value.field == "reference"
    record_follow_up(session, actor=chain.hr, now=NOW, placement_id=placement.id, months=3, outcome="retained",
                     checked_on=date(2026, 5, 2), evidence_kind="social_insurance", reference="SB-2026-05-001")
    assert [e.kind for e in placement.evidence] == ["social_insurance"]
    with pytest.raises(InvalidTransition):
        record_follow_up(session, actor=chain.hr, now=NOW, placement_id=placement.id, months=3, outcome="left",
                         checked_on=date(2026, 5, 2))
    record_follow_up(session, actor=chain.hr, now=NOW, placement_id=placement.id, months=6, outcome="left",
                     checked_on=date(2026, 8, 3))
    assert (placement.status, placement.left_on) == ("left", date(2026, 8, 3))
    assert due_follow_ups(session, actor=chain.hr, today=TODAY) == []


def test_registration_reminder_until_evidence(session, chain, tmp_path):
    placement = record_placement(session, actor=chain.hr, now=NOW, details=details(
        chain, chain.people[0], start_date=TODAY - timedelta(days=40)))
    (reminder,) = registration_reminders(session, actor=chain.hr, today=TODAY)
    assert reminder.overdue and reminder.days_left == -10
    with pytest.raises(ValidationFailed) as bad:
        add_evidence(session, actor=chain.hr, now=NOW, placement_id=placement.id, kind="employment_registration",
                     dated_on=TODAY)
    assert bad.value.field == "reference"
    row = add_evidence(session, actor=chain.hr, now=NOW, placement_id=placement.id, kind="employment_registration",
                       dated_on=TODAY, data=b"%PDF-1.4 registration", filename="登记.pdf", storage_dir=tmp_path)
    assert (tmp_path / row.file_path).read_bytes().startswith(b"%PDF")
    assert registration_reminders(session, actor=chain.hr, today=TODAY) == []


def test_matching_ranks_certified_same_city_first_with_reasons(session, chain):
    # people 0–3 completed the Shenyang class; person 1 also holds 三级 (above the demand's minimum).
    award(session, chain.people[1], on=date(2026, 3, 20), digit=3, grade="senior")
    record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[3], demand_id=None,
                                                                       job_title="电工"))
    found = candidates_for_demand(session, actor=chain.hr, demand_id=chain.demand.id, today=TODAY)
    assert found[0].person_id == chain.people[1].id
    templates = {r.template for r in found[0].reasons}
    assert {"Holds a {occupation} certificate at {level}", "In {city} (same city)"} <= templates
    assert in_chinese(found[0].reasons_text).count("；") == len(found[0].reasons) - 1  # one marked list
    assert chain.people[3].id not in {c.person_id for c in found}  # already working
    assert {c.person_id for c in found} >= {chain.people[0].id, chain.people[2].id}
    strict = make_demand(session, chain.hr, min_level_digit=3, city_code="2102")
    ranked = candidates_for_demand(session, actor=chain.hr, demand_id=strict.id, today=TODAY)
    assert [c.person_id for c in ranked] == [chain.people[1].id]
    assert any(r.template == "In {city} (in the province)" for r in ranked[0].reasons)
    fits = demands_for_person(session, actor=chain.staff, person_id=chain.people[0].id, today=TODAY)
    assert [f.demand.id for f in fits] == [chain.demand.id]
    assert demands_for_person(session, actor=chain.staff, person_id=chain.people[1].id, today=TODAY)[0].score >= 60


def test_invitation_flow_hired_creates_a_placement(session, chain):
    person = chain.people[2]
    outsider = make_org(session, "enterprise")
    invitation = invite_candidate(session, actor=chain.hr, now=NOW, demand_id=chain.demand.id, person_id=person.id)
    with pytest.raises(Conflict):
        invite_candidate(session, actor=chain.hr, now=NOW, demand_id=chain.demand.id, person_id=person.id)
    with pytest.raises(InvalidTransition):
        hire_candidate(session, actor=chain.hr, now=NOW, invitation_id=invitation.id, start_date=TODAY,
                       contract_months=12, monthly_wage=5000)
    advance_invitation(session, actor=chain.hr, now=NOW, invitation_id=invitation.id, to_status="interview")
    advance_invitation(session, actor=chain.hr, now=NOW, invitation_id=invitation.id, to_status="offer")
    placement = hire_candidate(session, actor=chain.hr, now=NOW, invitation_id=invitation.id, start_date=TODAY,
                               contract_months=24, monthly_wage=6000)
    assert (invitation.status, invitation.placement_id, placement.demand_id) == ("hired", placement.id,
                                                                                 chain.demand.id)
    with pytest.raises(InvalidTransition):
        advance_invitation(session, actor=chain.hr, now=NOW, invitation_id=invitation.id, to_status="declined")
    with pytest.raises(NotFound):
        advance_invitation(session, actor=make_user(session, "enterprise_hr", org=outsider), now=NOW,
                           invitation_id=invitation.id, to_status="declined")


def test_exports_speak_the_language_they_are_given(session, chain):
    import io

    from babel.support import Translations
    from openpyxl import load_workbook

    from app.placement.exports import candidates_workbook, placements_workbook
    from app.translation import TRANSLATIONS_DIR

    placement = record_placement(session, actor=chain.hr, now=NOW, details=details(chain, chain.people[0]))
    english = load_workbook(io.BytesIO(placements_workbook([placement]))).active
    assert english.title == "Placements" and english["A1"].value == "Full name" and english["G2"].value == "At work"
    zh = Translations.load(str(TRANSLATIONS_DIR), ["zh"]).gettext
    chinese = load_workbook(io.BytesIO(placements_workbook([placement], zh))).active
    assert chinese.title == "就业记录" and chinese["A1"].value == "姓名" and chinese["G2"].value == "在岗"
    found = candidates_for_demand(session, actor=chain.hr, demand_id=chain.demand.id, today=TODAY)
    sheet = load_workbook(io.BytesIO(candidates_workbook(found, zh))).active
    assert sheet.title == "候选人" and sheet["A1"].value == "得分" and "在" in sheet["D2"].value
