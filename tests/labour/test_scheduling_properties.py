"""Property test: on random small counties every schedule the solver returns keeps every hard rule."""

from __future__ import annotations

from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from app.labour.scheduling import Slot, Worker, eligible, solve
from app.labour.vocabulary import DAY_HOURS_MAX, DAYS_IN_A_ROW_MAX

TASKS = ("harvest", "packing", "spraying")
PLACES = ("A", "B", "C")
DAYS = 10


@st.composite
def county(draw):
    slots = []
    for i in range(draw(st.integers(1, 14))):
        slots.append(Slot(i + 1, draw(st.integers(0, DAYS - 1)), draw(st.integers(0, 1)), draw(st.sampled_from(TASKS)),
                          draw(st.sampled_from(PLACES)), draw(st.integers(1, 3)), draw(st.integers(3, 6)),
                          draw(st.sampled_from((None, "4-99-00-00")))))
    workers = []
    for w in range(draw(st.integers(1, 5))):
        available = draw(st.frozensets(st.tuples(st.integers(0, DAYS - 1), st.integers(0, 1)), max_size=2 * DAYS))
        workers.append(Worker(w + 1, available, draw(st.frozensets(st.sampled_from(PLACES), min_size=1)),
                              draw(st.frozensets(st.sampled_from(TASKS), min_size=1)),
                              draw(st.sampled_from((frozenset(), frozenset({"4-99-00-00"}))))))
    return slots, workers


@settings(max_examples=40)
@given(county())
def test_every_schedule_keeps_the_hard_rules(problem):
    slots, workers = problem
    result = solve(slots, workers, time_limit=5, threads=1)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    by_slot, by_worker = {s.id: s for s in slots}, {w.id: w for w in workers}
    assert all(eligible(by_worker[w], by_slot[s]) for s, w in result.assignments)
    filled = Counter(s for s, _ in result.assignments)
    assert all(filled[s.id] <= s.headcount for s in slots)
    assert sum(u.missing for u in result.unmet) == sum(s.headcount for s in slots) - len(result.assignments)
    half_days, hours, days = Counter(), defaultdict(int), defaultdict(set)
    for s, w in result.assignments:
        slot = by_slot[s]
        half_days[(w, slot.day, slot.half)] += 1
        hours[(w, slot.day)] += slot.hours
        days[w].add(slot.day)
    assert max(half_days.values(), default=0) <= 1
    assert max(hours.values(), default=0) <= DAY_HOURS_MAX
    for worked in days.values():
        assert not any(all(d + k in worked for k in range(DAYS_IN_A_ROW_MAX + 1)) for d in range(DAYS))
