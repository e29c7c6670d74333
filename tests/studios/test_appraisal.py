"""Studio assessment: rubric scoring, measures from records, the 优秀 cap per round, closing and de-listing."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from app.studios.appraisal import close_round, excellent_allowed, grade_assessment, open_round, score_panel
from app.studios.models import AssessmentRound, StudioAssessment
from app.studios.registry import create_application
from app.studios.rubric import DEFAULT_RUBRIC, score
from tests.factories import NOW
from tests.studios.factories import (
    busy_year,
    listed_studio,
    make_host,
    master_worker,
    round_of,
    studio_details,
)

FULL_PANEL = {"plan_and_rules": "10", "influence": "10"}


def counts(session) -> tuple:
    grades = tuple(session.scalars(select(StudioAssessment.grade).order_by(StudioAssessment.id)))
    return (session.scalar(select(func.count()).select_from(AssessmentRound)),
            session.scalar(select(func.count()).select_from(AuditEvent)), grades)


def test_score_is_pro_rata_with_deductions():
    measured = {"apprentices": 5, "high_skill_trained": 3, "problems_solved": 2, "exchanges": 2,
                "teaching_hours": 40, "evidenced_spending": 100}
    result = score(DEFAULT_RUBRIC, measured, {"plan_and_rules": "8", "influence": "7.5"})
    assert result.items["apprentices"] == Decimal("10.0")
    assert [d["metric"] for d in result.deductions] == ["apprentices"]
    assert result.total == Decimal("75.5") and result.band(DEFAULT_RUBRIC) == "pass"
    assert score(DEFAULT_RUBRIC, {}, {}).total == Decimal("0")


@pytest.mark.parametrize(("count", "cap", "allowed"), [(1, 20, 0), (5, 20, 1), (9, 20, 1), (10, 20, 2), (3, 34, 1)])
def test_excellent_allowed_rounds_down(count, cap, allowed):
    assert excellent_allowed(count, cap) == allowed


@pytest.fixture
def three(session, tmp_path):
    """Three listed studios: two with a full year, one with nothing recorded."""
    host = make_host(session)
    first = listed_studio(session, host, tmp_path)
    second = listed_studio(session, host, tmp_path, leader_id=master_worker(session, host.hr, name="李大师").id)
    idle = listed_studio(session, host, tmp_path, leader_id=master_worker(session, host.hr, name="闲大师").id)
    busy_year(session, host, first, tmp_path)
    busy_year(session, host, second, tmp_path)
    session.commit()
    return host, first, second, idle


def test_round_measures_every_listed_studio_from_its_records(session, three):
    host, first, _second, idle = three
    round_ = round_of(session, host, cap=34)
    measured = {e.studio_id: e.measured for e in round_.entries}
    assert measured[first.id] == {"apprentices": 10, "high_skill_trained": 3, "problems_solved": 2, "exchanges": 2,
                                  "teaching_hours": 40.0, "evidenced_spending": 100.0}
    assert measured[idle.id]["apprentices"] == 0
    with pytest.raises(Conflict):
        round_of(session, host)
    with pytest.raises(NotAllowed):
        open_round(session, actor=host.hr, now=NOW, year=2026, round_kind="cycle")


def test_the_excellent_cap_is_enforced_per_round(session, three):
    host, first, second, idle = three
    round_ = round_of(session, host, cap=34)
    entries = {e.studio_id: e for e in round_.entries}
    for entry in round_.entries:
        score_panel(session, actor=host.admin, now=NOW, assessment_id=entry.id, scores=FULL_PANEL)
    assert entries[first.id].total == Decimal("100.0")
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[first.id].id, grade="excellent")
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[second.id].id, grade="excellent")
    assert refused.value.field == "grade" and "At most 1 of the 3" in refused.value.message
    with pytest.raises(ValidationFailed) as too_good:
        grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[idle.id].id, grade="pass")
    assert "allows at most" in too_good.value.message
    assert counts(session) == before
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[second.id].id, grade="pass")


def test_closing_delists_a_failed_studio_and_bars_the_host(session, three, tmp_path):
    host, first, second, idle = three
    round_ = round_of(session, host, cap=34)
    entries = {e.studio_id: e for e in round_.entries}
    for entry in round_.entries:
        score_panel(session, actor=host.admin, now=NOW, assessment_id=entry.id, scores=FULL_PANEL)
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[first.id].id, grade="excellent")
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[second.id].id, grade="pass")
    before = counts(session)
    with pytest.raises(ValidationFailed):
        close_round(session, actor=host.admin, now=NOW, round_id=round_.id)
    assert counts(session) == before and idle.status == "listed"
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[idle.id].id, grade="fail")
    close_round(session, actor=host.admin, now=NOW, round_id=round_.id)
    assert (idle.status, idle.delisted_on, idle.reapply_from) == ("delisted", date(2026, 11, 24), date(2029, 11, 24))
    assert first.status == second.status == "listed"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "studio.delisted"))
    assert event.object_id == str(idle.id) and event.new_value["reapply_from"] == "2029-11-24"
    with pytest.raises(InvalidTransition):
        grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entries[first.id].id, grade="pass")
    before = counts(session)
    with pytest.raises(ValidationFailed) as barred:
        create_application(session, actor=host.hr, now=datetime(2027, 3, 1, tzinfo=UTC), details=studio_details(host))
    assert barred.value.field == "host_org_id" and "2029-11-24" in barred.value.message
    assert counts(session)[:2] == before[:2]


def test_panel_points_stay_within_each_items_weight(session, three):
    host, first, *_ = three
    round_ = round_of(session, host)
    entry = next(e for e in round_.entries if e.studio_id == first.id)
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        score_panel(session, actor=host.admin, now=NOW, assessment_id=entry.id,
                    scores={"plan_and_rules": "11", "influence": "5"})
    assert refused.value.field == "plan_and_rules"
    with pytest.raises(ValidationFailed):
        score_panel(session, actor=host.admin, now=NOW, assessment_id=entry.id, scores={"plan_and_rules": "5"})
    assert counts(session) == before and entry.panel_scores == {}


def test_a_studio_under_its_notice_is_assessed_and_a_fail_delists_it(session, tmp_path):
    from app.studios.registry import approve_application
    from tests.studios.factories import APPROVED_AT, apply_with_materials

    host = make_host(session)
    studio = apply_with_materials(session, host, tmp_path)
    approve_application(session, actor=host.admin, now=APPROVED_AT, studio_id=studio.id)
    round_ = round_of(session, host)
    [entry] = round_.entries
    score_panel(session, actor=host.admin, now=NOW, assessment_id=entry.id, scores=FULL_PANEL)
    with pytest.raises(ValidationFailed) as capped:
        grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entry.id, grade="excellent")
    assert "At most 0 of the 1" in capped.value.message
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entry.id, grade="fail")
    close_round(session, actor=host.admin, now=NOW, round_id=round_.id)
    assert studio.status == "delisted" and studio.reapply_from == date(2029, 11, 24)


def test_end_of_cycle_review_takes_the_studios_whose_cycle_ends_and_renews_a_pass(session, three):
    host, first, second, _idle = three
    with pytest.raises(ValidationFailed) as none_due:
        open_round(session, actor=host.admin, now=NOW, year=2026, round_kind="cycle")
    assert none_due.value.field == "year"
    first.cycle_end = date(2026, 12, 31)  # an older studio, approved at the start of 2024
    session.flush()
    review = open_round(session, actor=host.admin, now=NOW, year=2026, round_kind="cycle")
    [entry] = review.entries
    assert entry.studio_id == first.id
    score_panel(session, actor=host.admin, now=NOW, assessment_id=entry.id, scores=FULL_PANEL)
    grade_assessment(session, actor=host.admin, now=NOW, assessment_id=entry.id, grade="pass")
    close_round(session, actor=host.admin, now=NOW, round_id=review.id)
    assert first.cycle_end == date(2029, 12, 31) and first.status == "listed"
    assert second.cycle_end == date(2029, 1, 5)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "studio.cycle_renewed"))
    assert event.old_value == {"cycle_end": "2026-12-31"}


def test_department_overview_counts(session, three):
    from app.studios.overview import department_overview

    host, *_ = three
    overview = department_overview(session, actor=host.admin, today=NOW.date())
    assert overview.by_tier == [("studio", "national", 3)]
    assert overview.by_city == [("2101", 3)]
    assert ("电工", 3) in overview.by_occupation
    assert overview.apprentices == 20 and dict(overview.levels_reached)["senior"] == 6
    assert overview.granted == Decimal("200000") and overview.spent == Decimal("60000")
    assert overview.unevidenced == Decimal("0") and overview.due == []
    with pytest.raises(NotAllowed):
        department_overview(session, actor=host.hr, today=NOW.date())
