"""Studio services: funding ledger, apprentices and their progress, activities, teaching hours, hosted events."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import InvalidTransition, ValidationFailed
from app.studios.ledger import attach_evidence, balances, ledger_entries, record_grant, record_spending
from app.studios.models import FundEntry, HostedClass, MasterApprentice, StudioActivity, TeachingLink
from app.studios.records import (
    add_apprenticeship,
    apprentice_progress,
    host_event,
    link_teaching,
    record_activity,
    teaching_hours,
)
from app.studios.registry import create_application
from tests.factories import NOW
from tests.placement.factories import award
from tests.studios.factories import listed_studio, make_host, studio_details, teaching_class
from tests.training.factories import pdf_bytes, trainee


def counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in
                 (FundEntry, MasterApprentice, StudioActivity, TeachingLink, HostedClass, AuditEvent))


@pytest.fixture
def host(session):
    found = make_host(session)
    session.commit()
    return found


@pytest.fixture
def studio(session, host, tmp_path):
    return listed_studio(session, host, tmp_path)


def grant(session, host, studio, amount="100000", source="provincial"):
    return record_grant(session, actor=host.admin, now=NOW, studio_id=studio.id, source=source, amount=amount,
                        dated_on=date(2026, 2, 1), description="一次性资助")


def test_ledger_balances_per_source_and_flags_spending_without_evidence(session, host, studio, tmp_path):
    grant(session, host, studio)
    grant(session, host, studio, amount="20000", source="host")
    record_spending(session, actor=host.hr, now=NOW, studio_id=studio.id, source="provincial", category="equipment",
                    amount="30000.50", dated_on=date(2026, 3, 1), description="设备", data=pdf_bytes("inv"),
                    filename="inv.pdf", storage_dir=tmp_path)
    bare = record_spending(session, actor=host.hr, now=NOW, studio_id=studio.id, source="host", category="training",
                           amount="5000", dated_on=date(2026, 3, 2), description="培训耗材")
    rows = {b.source: (b.granted, b.spent, b.balance) for b in balances(ledger_entries(session, studio.id))}
    assert rows == {"provincial": (Decimal("100000"), Decimal("30000.50"), Decimal("69999.50")),
                    "host": (Decimal("20000"), Decimal("5000"), Decimal("15000"))}
    assert bare.flagged and not ledger_entries(session, studio.id)[2].flagged
    attach_evidence(session, actor=host.hr, now=NOW, studio_id=studio.id, entry_id=bare.id, data=pdf_bytes("r"),
                    filename="receipt.pdf", storage_dir=tmp_path)
    assert not bare.flagged and (tmp_path / bare.file_path).is_file()


def test_spending_more_than_the_source_balance_is_refused(session, host, studio):
    grant(session, host, studio, amount="1000")
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        record_spending(session, actor=host.hr, now=NOW, studio_id=studio.id, source="provincial",
                        category="other", amount="1000.01", dated_on=date(2026, 3, 1), description="超支")
    assert refused.value.field == "amount" and "1000.00" in refused.value.message
    with pytest.raises(ValidationFailed):
        record_spending(session, actor=host.hr, now=NOW, studio_id=studio.id, source="city", category="other",
                        amount="1", dated_on=date(2026, 3, 1), description="无拨款")
    assert counts(session) == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "0"}, "amount"), ({"amount": "abc"}, "amount"), ({"source": "bank"}, "source"),
    ({"dated_on": date(2025, 12, 31)}, "dated_on"), ({"dated_on": date(2026, 12, 1)}, "dated_on"),
    ({"description": " "}, "description"),
])
def test_bad_grants_are_refused_naming_the_field(session, host, studio, changes, field):
    values = {"source": "national", "amount": "500", "dated_on": date(2026, 2, 1), "description": "拨款", **changes}
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        record_grant(session, actor=host.admin, now=NOW, studio_id=studio.id, **values)
    assert refused.value.field == field and counts(session) == before


def test_records_wait_for_approval(session, host):
    draft = create_application(session, actor=host.hr, now=NOW, details=studio_details(host))
    before = counts(session)
    with pytest.raises(InvalidTransition):
        record_grant(session, actor=host.admin, now=NOW, studio_id=draft.id, source="host", amount="1",
                     dated_on=date(2026, 2, 1), description="x")
    with pytest.raises(InvalidTransition):
        record_activity(session, actor=host.hr, now=NOW, studio_id=draft.id, kind="exchange", title="交流",
                        dated_on=date(2026, 2, 1))
    assert counts(session) == before


def test_apprentices_progress_is_read_from_their_later_awards(session, host, studio):
    apprentice = trainee(session, host.hr, name="孙徒弟")
    award(session, apprentice, on=date(2025, 6, 1), digit=4, grade="intermediate")
    row = add_apprenticeship(session, actor=host.hr, now=NOW, studio_id=studio.id, master_id=host.master.id,
                             apprentice_id=apprentice.id, start_on=date(2026, 2, 1), end_on=date(2028, 1, 31))
    later = award(session, apprentice, on=date(2026, 9, 1), digit=3, grade="senior")
    [progress] = apprentice_progress(session, studio.id)
    assert progress.agreement.id == row.id and progress.awards == [later]


def test_apprenticeship_rules_refuse_with_nothing_changed(session, host, studio):
    apprentice = trainee(session, host.hr, name="周徒弟")
    outsider = trainee(session, host.hr, name="吴外人")
    add_apprenticeship(session, actor=host.hr, now=NOW, studio_id=studio.id, master_id=host.master.id,
                       apprentice_id=apprentice.id, start_on=date(2026, 2, 1), end_on=date(2027, 1, 31))
    before = counts(session)
    cases = [
        ({"master_id": outsider.id, "apprentice_id": apprentice.id}, "master_id"),
        ({"apprentice_id": host.master.id}, "apprentice_id"),
        ({"apprentice_id": apprentice.id, "start_on": date(2026, 6, 1)}, "apprentice_id"),
        ({"apprentice_id": outsider.id, "end_on": date(2026, 1, 1)}, "end_on"),
        ({"apprentice_id": outsider.id, "start_on": date(2026, 12, 1), "end_on": date(2027, 12, 1)}, "start_on"),
    ]
    for changes, field in cases:
        values = {"master_id": host.master.id, "start_on": date(2026, 2, 1), "end_on": date(2028, 1, 31), **changes}
        with pytest.raises(ValidationFailed) as refused:
            add_apprenticeship(session, actor=host.hr, now=NOW, studio_id=studio.id, **values)
        assert refused.value.field == field, changes
    assert counts(session) == before


def test_a_solved_problem_needs_its_benefit(session, host, studio):
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        record_activity(session, actor=host.hr, now=NOW, studio_id=studio.id, kind="problem", title="攻关",
                        dated_on=date(2026, 5, 1), benefit=" ")
    assert refused.value.field == "benefit" and counts(session) == before
    row = record_activity(session, actor=host.hr, now=NOW, studio_id=studio.id, kind="problem", title="攻关",
                          dated_on=date(2026, 5, 1), benefit="良品率提高 3%", benefit_yuan=800000)
    assert row.benefit_yuan == 800000


def test_teaching_hours_come_from_the_sessions_timetabled_with_the_master(session, host, studio):
    klass = teaching_class(session, host.master.name, sessions=3, hours="6")
    other = teaching_class(session, "别的老师", sessions=2)
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        link_teaching(session, actor=host.hr, now=NOW, studio_id=studio.id, person_id=host.master.id,
                      class_id=other.id)
    assert refused.value.field == "class_id" and counts(session) == before
    rows = link_teaching(session, actor=host.hr, now=NOW, studio_id=studio.id, person_id=host.master.id,
                         class_id=klass.id)
    assert len(rows) == 3
    hours = teaching_hours(session, studio.id, first=date(2026, 1, 1), last=date(2026, 12, 31))
    assert hours == {host.master.id: Decimal("18.0")}
    with pytest.raises(ValidationFailed):
        link_teaching(session, actor=host.hr, now=NOW, studio_id=studio.id, person_id=host.master.id,
                      class_id=klass.id)


def test_only_a_base_hosts_classes(session, host, studio, tmp_path):
    klass = teaching_class(session, "张老师", sessions=1)
    before = counts(session)
    with pytest.raises(ValidationFailed):
        host_event(session, actor=host.hr, now=NOW, studio_id=studio.id, class_id=klass.id)
    assert counts(session) == before
    base = listed_studio(session, host, tmp_path, kind="base", leader_id=None, floor_area_band="1000_3000",
                         trade_count_band="1_5")
    row = host_event(session, actor=host.hr, now=NOW, studio_id=base.id, class_id=klass.id)
    assert row.training_class.id == klass.id
    with pytest.raises(ValidationFailed):
        host_event(session, actor=host.hr, now=NOW, studio_id=base.id, class_id=klass.id)


def test_a_ledger_line_is_withdrawn_with_a_reason_and_a_spent_grant_stays(session, host, studio):
    from app.studios.ledger import withdraw_entry

    first = grant(session, host, studio, amount="1000")
    spent = record_spending(session, actor=host.hr, now=NOW, studio_id=studio.id, source="provincial",
                            category="other", amount="600", dated_on=date(2026, 3, 1), description="误录")
    before = counts(session)
    with pytest.raises(ValidationFailed) as no_reason:
        withdraw_entry(session, actor=host.hr, now=NOW, studio_id=studio.id, entry_id=spent.id, reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(ValidationFailed) as drawn:
        withdraw_entry(session, actor=host.hr, now=NOW, studio_id=studio.id, entry_id=first.id, reason="重复录入")
    assert "400.00" in drawn.value.message
    assert counts(session) == before
    withdraw_entry(session, actor=host.hr, now=NOW, studio_id=studio.id, entry_id=spent.id, reason="金额录错")
    assert [e.id for e in ledger_entries(session, studio.id)] == [first.id]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "studio.fund_withdraw"))
    assert event.note == "金额录错" and event.old_value["amount"] == "600.00"
