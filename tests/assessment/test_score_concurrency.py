"""Two examiners saving the same score from the same version at the same moment: exactly one wins (PostgreSQL)."""

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.result_models import Score, ScoreEvent
from app.assessment.scoring import save_score
from app.errors import Conflict
from tests.assessment.factories import AFTER_EXAMS, close, practical_session, registered_plan
from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="SQLite serialises writers with BEGIN IMMEDIATE, so two edits never meet inside the UPDATE; "
    "the row-level race of the compare-and-set needs PostgreSQL",
)


def _save(uri: str, actor_id: int, score_id: int, value: str, loaded: threading.Barrier, outcomes: dict) -> None:
    engine = create_engine(uri)
    try:
        with Session(engine) as session:
            actor = session.get(User, actor_id)
            session.get(Score, score_id)  # both read version 0 before either writes
            loaded.wait(timeout=10)
            try:
                save_score(session, actor=actor, now=AFTER_EXAMS, score_id=score_id, value=value, expected_version=0,
                           reason="按纸质评分表录入")
                time.sleep(0.5)  # hold the row lock so the other UPDATE has to wait for this commit
                session.commit()
                outcomes[actor_id] = "saved"
            except Conflict as error:
                session.rollback()
                outcomes[actor_id] = error.message
    finally:
        engine.dispose()


def test_two_examiners_save_the_same_score_from_the_same_version(session, engine, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = practical_session(session, world, plan)
    leader, examiner = world.assessors[0], world.assessors[1]
    cell = session.scalar(select(Score).where(Score.session_id == sitting.id, Score.marker_id == examiner.id))
    session.commit()
    uri = engine.url.render_as_string(hide_password=False)
    loaded, outcomes = threading.Barrier(2), {}
    threads = [threading.Thread(target=_save, args=(uri, user.id, cell.id, value, loaded, outcomes))
               for user, value in ((leader, "81.5"), (examiner, "79"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted([leader.id, examiner.id])
    winners = [uid for uid, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1
    loser = next(outcome for outcome in outcomes.values() if outcome != "saved")
    assert loser.template.startswith("{who} changed this score meanwhile")
    session.expire_all()
    saved = session.get(Score, cell.id)
    assert saved.version == 1
    assert saved.value == (Decimal("81.5") if winners[0] == leader.id else Decimal("79.0"))
    events = session.scalars(select(ScoreEvent).where(ScoreEvent.score_id == cell.id)).all()
    assert len(events) == 1 and events[0].actor_id == winners[0] and events[0].new_value == saved.value
