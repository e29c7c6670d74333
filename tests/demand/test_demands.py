"""Job demands: rules on content, wording, scope, status changes, expiry and the shortage flag."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.demand.pipeline import demand_pipeline_counts
from app.demand.services import (
    change_demand_status,
    create_demand,
    currently_in_shortage,
    expire_demands,
    get_demand,
    list_demands,
    update_demand,
)
from app.demand.wording import check_wording, find_forbidden
from app.demo.catalog import load_catalog
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.translation import in_chinese
from tests.factories import NOW, make_org, make_user
from tests.training.factories import TODAY, details, institution_staff, make_demand


@pytest.fixture
def hr(session):
    return make_user(session, "enterprise_hr")


def test_enterprise_records_a_demand_for_itself(session, hr):
    demand = make_demand(session, hr)
    assert demand.enterprise_id == hr.organisation_id and demand.status == "open"
    assert demand.occupation.code == "6-31-01-03" and demand.wage_min == 5000
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "demand.create"))
    assert event.object_id == str(demand.id) and event.new_value["headcount"] == 5


def test_enterprise_cannot_record_for_another_enterprise(session, hr):
    other = make_org(session, "enterprise")
    with pytest.raises(NotAllowed, match="only for your own enterprise"):
        create_demand(session, actor=hr, now=NOW, details=details(session), enterprise_id=other.id)


def test_admin_records_on_an_enterprise_behalf_and_must_name_it(session):
    admin = make_user(session, "admin")
    enterprise = make_org(session, "enterprise")
    with pytest.raises(ValidationFailed) as refused:
        create_demand(session, actor=admin, now=NOW, details=details(session))
    assert refused.value.field == "enterprise_id"
    institution = make_org(session, "institution")
    with pytest.raises(ValidationFailed) as refused:
        create_demand(session, actor=admin, now=NOW, details=details(session), enterprise_id=institution.id)
    assert refused.value.field == "enterprise_id"
    demand = create_demand(session, actor=admin, now=NOW, details=details(session), enterprise_id=enterprise.id)
    assert demand.enterprise_id == enterprise.id


def test_institution_staff_may_not_record_demands(session):
    with pytest.raises(NotAllowed):
        create_demand(session, actor=institution_staff(session), now=NOW, details=details(session))


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"wage_min": 8000, "wage_max": 6000}, "wage_max", "lowest monthly wage of 8000 yuan is above the highest of 6000"),
    ({"headcount": 0}, "headcount", "number of people wanted"),
    ({"city_code": "1101"}, "city_code", "city of Liaoning"),
    ({"valid_until": TODAY - timedelta(days=1)}, "valid_until", "before today"),
    ({"min_level_digit": 5, "code": "6-30-99-00"}, "min_level_digit", "has no level"),
    ({"variant_name": "数控车工"}, "variant_name", "has no trade “数控车工”"),
    ({"title": "  "}, "title", "Enter the job title"),
])
def test_demand_content_rules(session, hr, overrides, field, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        make_demand(session, hr, **overrides)
    assert refused.value.field == field


@pytest.mark.parametrize("text", ["限男性，能吃苦", "仅限女性", "限汉族", "少数民族不招", "不信仰宗教者优先",
                                  "入职须交押金 500 元", "报名费 100 元", "面试收费", "限 男 性"])
def test_discriminating_or_charging_requirements_are_refused(session, hr, text):
    with pytest.raises(ValidationFailed) as refused:
        make_demand(session, hr, requirements=text)
    assert refused.value.field == "requirements"
    term = refused.value.message.params["term"]  # the refusal names the offending words
    assert term and term in text.replace(" ", "") and f"“{term}”" in refused.value.message


def test_refusal_names_the_phrase_and_rule():
    assert find_forbidden("岗位限男性") == ("限男性", "applicants may not be restricted by sex, marriage or childbirth")
    assert find_forbidden("交押金") == ("押金", "applicants may not be charged any fee or deposit")
    with pytest.raises(ValidationFailed) as refused:
        check_wording("交押金", field="requirements")
    # The catalogue keeps the Chinese refusal word for word.
    assert in_chinese(refused.value.message) == ("招聘要求含有“押金”：不得向求职者收取任何费用或押金"
                                                 "（《就业促进法》《人力资源市场暂行条例》）")
    assert find_forbidden("持电工证，能适应倒班") is None


def test_title_wording_is_checked_too(session, hr):
    with pytest.raises(ValidationFailed) as refused:
        make_demand(session, hr, title="女性电工（限女）")
    assert refused.value.field == "title"


def test_shortage_flag_at_creation_and_live_check(session, hr):
    load_catalog(session, now=NOW)  # 2026Q4 lists 焊工 and 电工 but not 汽车维修工
    welder = make_demand(session, hr, code="6-18-02-04", min_level_digit=None)
    mechanic = make_demand(session, hr, code="4-12-01-01", min_level_digit=None)
    assert welder.is_shortage and welder.shortage_quarter == "2026Q4"
    assert not mechanic.is_shortage and mechanic.shortage_quarter is None
    assert currently_in_shortage(session, demand=welder, today=TODAY)
    assert not currently_in_shortage(session, demand=mechanic, today=TODAY)


def test_scope_enterprise_sees_own_institution_sees_open_admin_all(session, hr):
    mine = make_demand(session, hr)
    other_hr = make_user(session, "enterprise_hr")
    theirs = make_demand(session, other_hr)
    closed = make_demand(session, other_hr)
    change_demand_status(session, actor=other_hr, now=NOW, demand_id=closed.id, to_status="closed",
                         reason="position withdrawn")
    assert [d.id for d in list_demands(session, actor=hr, today=TODAY)] == [mine.id]
    with pytest.raises(NotFound):
        get_demand(session, actor=hr, demand_id=theirs.id, today=TODAY)
    staff = institution_staff(session)
    assert {d.id for d in list_demands(session, actor=staff, today=TODAY)} == {mine.id, theirs.id}
    with pytest.raises(NotFound):
        get_demand(session, actor=staff, demand_id=closed.id, today=TODAY)
    admin = make_user(session, "admin")
    assert len(list_demands(session, actor=admin, today=TODAY)) == 3
    assert make_user(session, "assessor") and list_demands(session, actor=make_user(session, "assessor"),
                                                           today=TODAY) == []


def test_other_enterprise_cannot_change_a_demand(session, hr):
    demand = make_demand(session, hr)
    with pytest.raises(NotFound):
        change_demand_status(session, actor=make_user(session, "enterprise_hr"), now=NOW, demand_id=demand.id,
                             to_status="closed", reason="position withdrawn")


def test_status_transitions_are_checked_and_audited(session, hr):
    demand = make_demand(session, hr)
    change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="filled")
    change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="open")
    change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="closed",
                         reason="position withdrawn")
    with pytest.raises(InvalidTransition, match="cannot change from “Closed” to “Open”"):
        change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="open")
    with pytest.raises(InvalidTransition, match="cannot change from “Closed” to “Expired”"):
        change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="expired")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "demand.status")).all()
    assert [(e.old_value["status"], e.new_value["status"]) for e in events] == [
        ("open", "filled"), ("filled", "open"), ("open", "closed")]
    assert events[-1].note == "position withdrawn"


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_closing_a_standing_demand_needs_a_reason(session, hr, reason):
    demand = make_demand(session, hr)
    with pytest.raises(ValidationFailed) as refused:
        change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="closed", reason=reason)
    assert refused.value.field == "reason" and demand.status == "open"


def test_closing_an_expired_demand_needs_no_reason(session, hr):
    demand = make_demand(session, hr, valid_until=TODAY)
    later = NOW + timedelta(days=2)
    change_demand_status(session, actor=hr, now=later, demand_id=demand.id, to_status="closed")
    assert demand.status == "closed"


def test_demand_past_its_date_is_expired_in_queries_and_by_the_expiry_job(session, hr):
    demand = make_demand(session, hr, valid_until=TODAY)
    later = NOW + timedelta(days=2)
    assert demand.effective_status(later.date()) == "expired"
    assert list_demands(session, actor=hr, today=later.date(), status="open") == []
    assert [d.id for d in list_demands(session, actor=hr, today=later.date(), status="expired")] == [demand.id]
    with pytest.raises(InvalidTransition, match="cannot change from “Expired” to “Filled”"):
        change_demand_status(session, actor=hr, now=later, demand_id=demand.id, to_status="filled")
    assert expire_demands(session, now=later) == 1
    assert demand.status == "expired" and expire_demands(session, now=later) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "demand.status"))
    assert event.actor_name == "system" and event.new_value == {"status": "expired"}


def test_only_open_demands_can_be_edited_and_edits_are_checked(session, hr):
    demand = make_demand(session, hr)
    update_demand(session, actor=hr, now=NOW, demand_id=demand.id, details=details(session, headcount=9))
    assert demand.headcount == 9
    with pytest.raises(ValidationFailed, match="“押金”"):
        update_demand(session, actor=hr, now=NOW, demand_id=demand.id, details=details(session, requirements="押金"))
    change_demand_status(session, actor=hr, now=NOW, demand_id=demand.id, to_status="closed", reason="filled elsewhere")
    with pytest.raises(InvalidTransition, match="Only an open job demand can be changed"):
        update_demand(session, actor=hr, now=NOW, demand_id=demand.id, details=details(session))


def test_pipeline_counts_start_at_zero(session, hr):
    demand = make_demand(session, hr)
    assert demand_pipeline_counts(session, demand.id) == {"trained": 0, "completed": 0, "assessed": 0, "placed": 0}


def test_hourly_task_expires_demands_past_their_date(app, session):
    from app.demand.models import JobDemand

    hr = make_user(session, "enterprise_hr")
    stale, current = make_demand(session, hr), make_demand(session, hr)
    session.flush()
    # Time passes: the first demand's valid-until date is now behind us (the task reads the real clock).
    stale.valid_until = TODAY - timedelta(days=400)
    current.valid_until = TODAY + timedelta(days=400)
    session.commit()
    task = app.extensions["huey_tasks"]["expire_demands"]
    assert task.name == "demand.expire_demands"
    assert any(type(t) is task.task_class for t in app.extensions["huey"]._registry.periodic_tasks)
    task()  # HUEY_IMMEDIATE: runs inline
    session.rollback()
    statuses = dict(session.execute(select(JobDemand.id, JobDemand.status)).all())
    assert statuses == {stale.id: "expired", current.id: "open"}
