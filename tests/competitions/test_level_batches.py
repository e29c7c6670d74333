"""Level awards in one batch (competition promotions) are checked like single ones and written all or nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.people.level_batches import AwardRequest, record_level_awards
from app.people.models import LevelAward
from tests.competitions.factories import NOW, WELDER
from tests.factories import make_user


def _request(person_id: int, **changes) -> AwardRequest:
    values = {"person_id": person_id, "occupation_code": WELDER, "occupation_name": "焊工",
              "grade_key": "technician", "route": "competition", "awarded_on": NOW.date(),
              "source_type": "competition_entry", "source_id": "1"}
    values.update(changes)
    return AwardRequest(**values)


def _count(session, model) -> int:
    return len(session.scalars(select(model)).all())


def test_a_batch_records_awards_with_audit_events(session, world):
    ids = record_level_awards(session, actor=world.admin, now=NOW,
                              requests=[_request(p.id) for p in world.people[:2]])
    awards = [session.get(LevelAward, i) for i in ids]
    assert [a.person_id for a in awards] == [p.id for p in world.people[:2]]
    assert all(a.level_digit == 2 and a.route == "competition" for a in awards)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "person.level_award",
                                                      AuditEvent.new_value["award_id"].as_integer().in_(ids))).all()
    assert len(events) == 2 and {e.actor_id for e in events} == {world.admin.id}


@pytest.mark.parametrize(("changes", "error", "match"), [
    ({"grade_key": "principal_technician"}, ValidationFailed, "appointment by an enterprise"),
    ({"grade_key": "wizard"}, ValidationFailed, "Unknown grade"),
    ({"route": "lottery"}, ValidationFailed, "Unknown route"),
    ({"awarded_on": NOW.date() + timedelta(days=2)}, ValidationFailed, "after today"),
    ({"occupation_code": ""}, ValidationFailed, "occupation code"),
])
def test_one_bad_award_refuses_the_whole_batch(session, world, changes, error, match):
    before = (_count(session, LevelAward), _count(session, AuditEvent))
    with pytest.raises(error, match=match):
        record_level_awards(session, actor=world.admin, now=NOW,
                            requests=[_request(world.people[0].id), _request(world.people[1].id, **changes)])
    assert (_count(session, LevelAward), _count(session, AuditEvent)) == before


def test_roles_and_scope(session, world):
    before = _count(session, LevelAward)
    assessor = world.judges[0]
    with pytest.raises(NotAllowed):
        record_level_awards(session, actor=assessor, now=NOW, requests=[_request(world.people[0].id)])
    outsider = make_user(session, "enterprise_hr")
    with pytest.raises(NotFound):
        record_level_awards(session, actor=outsider, now=NOW, requests=[_request(world.people[0].id)])
    with pytest.raises(NotFound):
        record_level_awards(session, actor=world.admin, now=NOW, requests=[_request(999999)])
    assert _count(session, LevelAward) == before
    assert record_level_awards(session, actor=world.admin, now=NOW, requests=[]) == []
