"""Seasonal labour services: each hard rule refuses with nothing changed; runs, publishing, contracts, hours, pay."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.labour.contracts import (
    confirm_as_employer,
    confirm_as_worker,
    confirm_hours,
    contract_pdf,
    record_hours,
    record_payment,
)
from app.labour.models import (
    Assignment,
    DemandSlot,
    LabourDemand,
    Notification,
    ScheduleRun,
    SeasonalContract,
    SeasonalWorker,
    WagePayment,
    WorkLog,
)
from app.labour.notices import ConsoleSms
from app.labour.runs import begin_run, create_run, execute_run, pin_assignment, publish_run, run_assignments
from app.labour.seasonal import CurvePoint, WorkerDetails, register_worker, update_availability
from app.translation import chinese
from tests.factories import NOW, make_org, make_user
from tests.labour.factories import START, County, counts, curve, make_county, make_demand, make_worker
from tests.people.factories import make_person

LATER = NOW + timedelta(days=30)  # 2026-12-24, inside the demand's month


@pytest.fixture
def county(session) -> County:
    return make_county(session)


def solve_now(session, staff, *, start=START, days=10, limit=5):
    run = create_run(session, actor=staff, now=NOW, city_code="2113", county="朝阳县", start_date=start,
                     end_date=start + timedelta(days=days), time_limit_seconds=limit)
    begin_run(session, run_id=run.id, now=NOW)
    return execute_run(session, run_id=run.id, now=NOW)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"task": "juggling"}, "task"),
    ({"city_code": "1101"}, "city_code"),
    ({"township": " "}, "township"),
    ({"pay_rate": "0"}, "pay_rate"),
    ({"pay_rate": "12.345"}, "pay_rate"),
    ({"pay_kind": "hour"}, "pay_kind"),
    ({"hours_per_half_day": 7}, "hours_per_half_day"),
    ({"curve": []}, "curve"),
    ({"curve": [CurvePoint(date(2026, 11, 1), "am", 3)]}, "curve"),
    ({"curve": [CurvePoint(START, "am", 3), CurvePoint(START, "am", 2)]}, "curve"),
    ({"curve": [CurvePoint(START, "am", 0)]}, "curve"),
])
def test_posting_demand_refuses_bad_input_with_nothing_changed(session, county, overrides, field):
    before = counts(session, LabourDemand, DemandSlot)
    with pytest.raises(ValidationFailed) as refused:
        make_demand(session, county.hr, **overrides)
    assert refused.value.field == field
    assert counts(session, LabourDemand, DemandSlot) == before


def test_an_enterprise_posts_only_for_itself_and_sees_only_its_own(session, county):
    other = make_org(session, "enterprise", city_code="2113")
    institution = make_user(session, "institution_staff")
    before = counts(session, LabourDemand)
    with pytest.raises(NotAllowed):
        make_demand(session, county.hr, enterprise_id=other.id)
    with pytest.raises(NotAllowed):
        make_demand(session, institution)
    assert counts(session, LabourDemand) == before
    demand = make_demand(session, county.hr)
    assert [s.headcount for s in demand.slots] == [2] * 6
    from app.labour.seasonal import get_demand
    with pytest.raises(NotFound):
        get_demand(session, actor=make_user(session, "enterprise_hr", org=other), demand_id=demand.id)


def test_registering_workers_is_for_staff_and_once_per_person(session, county):
    person = make_person(session, county.staff, name="李秀兰")
    details = WorkerDetails(person_id=person.id, city_code="2113", county="朝阳县", home_township="大平房镇",
                            townships=["波罗赤镇"], tasks=["harvest"], periods=[(START, START + timedelta(days=9))])
    before = counts(session, SeasonalWorker)
    with pytest.raises(NotAllowed):
        register_worker(session, actor=county.hr, now=NOW, details=details)
    for bad, field in [({"tasks": []}, "tasks"), ({"periods": []}, "periods"),
                       ({"periods": [(START, START - timedelta(days=1))]}, "periods"),
                       ({"preferred_tasks": ["packing"]}, "preferred_tasks")]:
        with pytest.raises(ValidationFailed) as refused:
            register_worker(session, actor=county.staff, now=NOW, details=WorkerDetails(**{**details.__dict__, **bad}))
        assert refused.value.field == field
    assert counts(session, SeasonalWorker) == before
    worker = register_worker(session, actor=county.staff, now=NOW, details=details)
    assert worker.townships == ["大平房镇", "波罗赤镇"]
    with pytest.raises(Conflict):
        register_worker(session, actor=county.staff, now=NOW, details=details)


def test_a_worker_without_injury_cover_is_never_scheduled(session, county):
    make_demand(session, county.hr, curve=curve(days=2, headcount=1))
    uncovered = make_worker(session, county.staff, covered=False)
    run = solve_now(session, county.staff)
    assert run.status == "solved"
    assert all(a.worker_id != uncovered.id for a in run_assignments(session, run))
    assert run.covered == 0 and {u["reason"] for u in run.unmet} == {"not_available"}
    covered = make_worker(session, county.staff)
    run = solve_now(session, county.staff)
    assert {a.worker_id for a in run_assignments(session, run)} == {covered.id}


def test_run_only_one_at_a_time_and_staff_only(session, county):
    create_run(session, actor=county.staff, now=NOW, city_code="2113", county="朝阳县", start_date=START,
               end_date=START + timedelta(days=5))
    before = counts(session, ScheduleRun)
    with pytest.raises(Conflict):
        create_run(session, actor=county.staff, now=NOW, city_code="2113", county="朝阳县", start_date=START,
                   end_date=START + timedelta(days=5))
    with pytest.raises(NotAllowed):
        create_run(session, actor=county.hr, now=NOW, city_code="2113", county="朝阳县", start_date=START,
                   end_date=START + timedelta(days=5))
    with pytest.raises(ValidationFailed):
        create_run(session, actor=county.staff, now=NOW, city_code="2113", county="建平县", start_date=START,
                   end_date=START + timedelta(days=200))
    assert counts(session, ScheduleRun) == before


def test_publish_notifies_by_record_and_sms_and_drafts_contracts(session, county):
    make_demand(session, county.hr, curve=curve(days=3, headcount=2))
    workers = [make_worker(session, county.staff) for _ in range(2)]
    run = solve_now(session, county.staff)
    assert run.covered == 12 and run.unmet == []
    with pytest.raises(NotAllowed):
        publish_run(session, actor=county.hr, now=NOW, run_id=run.id)
    ConsoleSms.sent.clear()
    contracts = publish_run(session, actor=county.staff, now=NOW, run_id=run.id, sms=ConsoleSms())
    assert {c.worker_id for c in contracts} == {w.id for w in workers}
    assert {a.status for a in run_assignments(session, run)} == {"published"}
    notes = session.query(Notification).all()
    assert len(notes) == 2 and all(n.sms_backend == "console" and "季节性用工合同" in n.text for n in notes)
    assert len(ConsoleSms.sent) == 2 and "朝阳丰收果蔬合作社" in ConsoleSms.sent[0].text
    with pytest.raises(InvalidTransition):
        publish_run(session, actor=county.staff, now=NOW, run_id=run.id)


def test_re_run_keeps_confirmed_and_pinned_assignments(session, county):
    make_demand(session, county.hr, curve=curve(days=2, headcount=1))
    first, second = make_worker(session, county.staff), make_worker(session, county.staff)
    run = solve_now(session, county.staff)
    contracts = publish_run(session, actor=county.staff, now=NOW, run_id=run.id)
    contract = contracts[0]
    confirm_as_employer(session, actor=county.hr, now=NOW, contract_id=contract.id)
    confirm_as_worker(session, actor=county.staff, now=NOW, contract_id=contract.id, method="in_person")
    confirmed = {(a.slot_id, a.worker_id) for a in run_assignments(session, run) if a.status == "confirmed"}
    assert confirmed
    # The confirmed worker becomes unavailable for a later stretch; re-solving keeps what was confirmed.
    update_availability(session, actor=county.staff, now=NOW, worker_id=second.id,
                        periods=[(START + timedelta(days=30), START + timedelta(days=40))])
    rerun = solve_now(session, county.staff)
    kept = {(a.slot_id, a.worker_id) for a in run_assignments(session, rerun)}
    assert confirmed <= kept and rerun.kept >= len(confirmed)
    assert first.id in {w for _, w in kept}
    proposal = next((a for a in run_assignments(session, rerun) if a.status == "proposed"), None)
    if proposal is not None:
        pin_assignment(session, actor=county.staff, now=NOW, assignment_id=proposal.id)
        third = solve_now(session, county.staff)
        assert proposal.id in {a.id for a in run_assignments(session, third)}


def published_contract(session, county, *, pay_kind="day"):
    make_demand(session, county.hr, curve=curve(days=3, headcount=1), pay_kind=pay_kind,
                pay_rate="160" if pay_kind == "day" else "0.50")
    make_worker(session, county.staff, name="王春花")
    run = solve_now(session, county.staff)
    return publish_run(session, actor=county.staff, now=NOW, run_id=run.id)[0]


def test_contract_confirmed_by_both_with_time_and_method_and_pdf(session, county):
    contract = published_contract(session, county)
    with pytest.raises(NotAllowed):
        confirm_as_employer(session, actor=county.staff, now=NOW, contract_id=contract.id)
    with pytest.raises(NotAllowed):
        confirm_as_worker(session, actor=county.hr, now=NOW, contract_id=contract.id, method="in_person")
    with pytest.raises(ValidationFailed):
        confirm_as_worker(session, actor=county.staff, now=NOW, contract_id=contract.id, method="online")
    assert contract.status == "draft" and contract.worker_confirmed_at is None
    confirm_as_employer(session, actor=county.hr, now=NOW, contract_id=contract.id)
    with pytest.raises(InvalidTransition):
        confirm_as_employer(session, actor=county.hr, now=NOW, contract_id=contract.id)
    confirm_as_worker(session, actor=county.staff, now=NOW + timedelta(hours=1), contract_id=contract.id,
                      method="sms_code")
    assert contract.status == "confirmed" and contract.worker_method == "sms_code"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        contract_pdf(session, actor=county.hr, contract_id=contract.id))).pages)
    for expected in ("季节性用工合同", "朝阳丰收果蔬合作社", "王春花", "采收", "160.00元/天", "工伤保险", "短信验证码确认"):
        assert expected in text.replace(" ", ""), expected


def confirmed_contract(session, county, **kwargs):
    contract = published_contract(session, county, **kwargs)
    confirm_as_employer(session, actor=county.hr, now=NOW, contract_id=contract.id)
    confirm_as_worker(session, actor=county.staff, now=NOW, contract_id=contract.id, method="in_person")
    return contract


def test_hours_need_a_confirmed_contract_and_stay_within_the_rules(session, county):
    contract = published_contract(session, county)
    with pytest.raises(InvalidTransition):
        record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=START, hours="8")
    confirm_as_employer(session, actor=county.hr, now=NOW, contract_id=contract.id)
    confirm_as_worker(session, actor=county.staff, now=NOW, contract_id=contract.id, method="in_person")
    before = counts(session, WorkLog)
    for day, hours, field in [(START, "10.5", "hours"), (START, "0", "hours"), (START - timedelta(days=1), "8", "day"),
                              (LATER.date() + timedelta(days=1), "8", "day")]:
        with pytest.raises(ValidationFailed) as refused:
            record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=day, hours=hours)
        assert refused.value.field == field
    assert counts(session, WorkLog) == before
    record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=START, hours="8")
    with pytest.raises(Conflict):
        record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=START, hours="7")


def test_payment_against_confirmed_hours_flags_the_difference(session, county):
    contract = confirmed_contract(session, county)
    first = record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=START, hours="8")
    second = record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id,
                          day=START + timedelta(days=1), hours="6")
    confirm_hours(session, actor=county.staff, now=LATER, log_id=first.id, method="in_person")
    before = counts(session, WagePayment)
    with pytest.raises(InvalidTransition):  # the second day is not confirmed by the worker yet
        record_payment(session, actor=county.hr, now=LATER, contract_id=contract.id, paid_on=LATER.date(),
                       period_start=START, period_end=START + timedelta(days=1), amount="280")
    assert counts(session, WagePayment) == before
    confirm_hours(session, actor=county.staff, now=LATER, log_id=second.id, method="sms_code")
    with pytest.raises(InvalidTransition):
        confirm_hours(session, actor=county.staff, now=LATER, log_id=second.id, method="sms_code")
    paid = record_payment(session, actor=county.hr, now=LATER, contract_id=contract.id, paid_on=LATER.date(),
                          period_start=START, period_end=START + timedelta(days=1), amount="260")
    assert paid.due == Decimal("280.00") and paid.difference == Decimal("-20.00") and paid.flagged
    with pytest.raises(Conflict):
        record_payment(session, actor=county.hr, now=LATER, contract_id=contract.id, paid_on=LATER.date(),
                       period_start=START + timedelta(days=1), period_end=START + timedelta(days=1), amount="120")


def test_piece_pay_is_due_per_piece(session, county):
    contract = confirmed_contract(session, county, pay_kind="piece")
    with pytest.raises(ValidationFailed) as refused:
        record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=START, hours="8")
    assert refused.value.field == "pieces"
    log = record_hours(session, actor=county.hr, now=LATER, contract_id=contract.id, day=START, hours="8",
                       pieces=400)
    confirm_hours(session, actor=county.staff, now=LATER, log_id=log.id, method="in_person")
    paid = record_payment(session, actor=county.hr, now=LATER, contract_id=contract.id, paid_on=LATER.date(),
                          period_start=START, period_end=START, amount="200.00")
    assert paid.due == Decimal("200.00") and not paid.flagged


def test_unmet_reason_messages_read_in_chinese():
    from app.labour.vocabulary import UNMET_REASONS
    assert all(isinstance(chinese(m), str) for m in UNMET_REASONS.values())


def test_contract_rows_exist_once_per_worker_and_demand(session, county):
    contract = published_contract(session, county)
    assert session.query(SeasonalContract).count() == 1
    assert contract.half_days == session.query(Assignment).filter_by(worker_id=contract.worker_id).count()
    assert isinstance(contract.created_at, datetime)
