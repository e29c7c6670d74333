"""The hand-checked funnel fixture shared by the reporting tests."""

from datetime import UTC, date, datetime

import pytest

from tests.placement.factories import assess, award, enrol, make_chain, people, place


@pytest.fixture
def chain(session):
    """10 trainees in one class (5 Jan – 27 Feb 2026) against a demand for 5 people.

    enrolled 10 · completed 8 (2 withdrew) · assessed 6 (results for people 0–5) · passed 5 (0–4)
    · certified 4 (awards after the class started for 0–3; person 4's award predates the class)
    · placed 3 (0, 1, 2 after the class started; person 9's job predates it) · retained at 6 months 2 (0, 1).
    """
    c = make_chain(session)
    c.demand.created_at = datetime(2026, 1, 2, tzinfo=UTC)
    folks = people(session, c, 10)
    for i, person in enumerate(folks):
        enrol(session, c, person, status="withdrawn" if i >= 8 else "completed")
    for i in range(6):
        assess(session, c, folks[i], passed=i < 5)
    for i in range(4):
        award(session, folks[i], on=date(2026, 3, 20))
    award(session, folks[4], on=date(2025, 6, 1))
    place(session, c, folks[0], start=date(2026, 3, 10), retained_6=True)
    place(session, c, folks[1], start=date(2026, 4, 20), retained_6=True)
    place(session, c, folks[2], start=date(2026, 6, 1), retained_6=False)
    place(session, c, folks[9], start=date(2025, 10, 1))
    session.commit()
    return c
