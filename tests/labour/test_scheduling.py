"""The CP-SAT scheduler on plain values: every hard rule, soft terms, kept assignments and unmet reasons."""

from __future__ import annotations

from collections import Counter, defaultdict

from app.labour.scheduling import Slot, Worker, eligible, solve

ALL = frozenset((d, h) for d in range(14) for h in (0, 1))


def worker(wid, *, available=ALL, townships=("A",), tasks=("harvest",), certificates=(), preferred=()):
    return Worker(wid, frozenset(available), frozenset(townships), frozenset(tasks), frozenset(certificates),
                  frozenset(preferred))


def slot(sid, day, half=0, *, task="harvest", township="A", headcount=1, hours=4, certificate=None):
    return Slot(sid, day, half, task, township, headcount, hours, certificate)


def test_covers_headcount_and_only_with_eligible_workers():
    slots = [slot(1, 0, headcount=2), slot(2, 0, 1, task="packing"), slot(3, 1, township="B")]
    workers = [worker(1), worker(2, tasks=("harvest", "packing")), worker(3, townships=("B",))]
    result = solve(slots, workers, time_limit=5)
    assert result.status == "OPTIMAL"
    by_id = {w.id: w for w in workers}
    assert all(eligible(by_id[w], s) for s in slots for sid, w in result.assignments if sid == s.id)
    filled = Counter(sid for sid, _ in result.assignments)
    assert filled == {1: 2, 2: 1, 3: 1}
    assert result.unmet == []


def test_one_place_per_half_day_and_skills_required():
    slots = [slot(1, 0, headcount=1), slot(2, 0, task="harvest", township="A", headcount=1),
             slot(3, 0, 1, task="spraying", certificate="4-99-00-00")]
    workers = [worker(1, tasks=("harvest", "spraying"))]
    result = solve(slots, workers, time_limit=5)
    half_days = Counter((next(s for s in slots if s.id == sid).day, next(s for s in slots if s.id == sid).half)
                        for sid, _ in result.assignments)
    assert max(half_days.values()) == 1
    assert 3 not in {sid for sid, _ in result.assignments}  # no drone-pilot certificate
    assert {u.slot_id: u.reason for u in result.unmet}[3] == "no_skill"


def test_never_more_than_six_days_in_a_row():
    slots = [slot(d + 1, d) for d in range(14)]
    result = solve(slots, [worker(1)], time_limit=5)
    days = sorted(next(s.day for s in slots if s.id == sid) for sid, _ in result.assignments)
    assert len(days) == 12  # two rest days in fourteen
    worked = set(days)
    assert all(not all(d + k in worked for k in range(7)) for d in range(14))
    assert {u.reason for u in result.unmet} == {"taken"}


def test_at_most_ten_hours_a_day():
    slots = [slot(1, 0, 0, hours=6), slot(2, 0, 1, hours=6)]
    result = solve(slots, [worker(1)], time_limit=5)
    assert len(result.assignments) == 1
    slots = [slot(1, 0, 0, hours=5), slot(2, 0, 1, hours=5)]
    assert len(solve(slots, [worker(1)], time_limit=5).assignments) == 2


def test_unavailable_and_out_of_reach_are_reported_with_reasons():
    slots = [slot(1, 3), slot(2, 4, township="Z")]
    workers = [worker(1, available={(0, 0)}), worker(2, available={(4, 0)})]
    result = solve(slots, workers, time_limit=5)
    assert result.assignments == []
    assert {u.slot_id: (u.reason, u.missing) for u in result.unmet} == {1: ("not_available", 1),
                                                                       2: ("out_of_reach", 1)}
    assert result.demanded == 2 and result.covered == 0


def test_fairness_spreads_half_days_between_workers():
    slots = [slot(d + 1, d, headcount=1) for d in range(6)]
    result = solve(slots, [worker(1), worker(2), worker(3)], time_limit=5)
    loads = Counter(w for _, w in result.assignments)
    assert sorted(loads.values()) == [2, 2, 2]


def test_preferences_are_honoured_when_free():
    slots = [slot(1, 0, task="harvest"), slot(2, 0, task="packing")]
    workers = [worker(1, tasks=("harvest", "packing"), preferred=("packing",)),
               worker(2, tasks=("harvest", "packing"), preferred=("harvest",))]
    result = solve(slots, workers, time_limit=5)
    assert sorted(result.assignments) == [(1, 2), (2, 1)]


def test_kept_assignments_stay_and_conflicts_hold_their_place():
    slots = [slot(1, 0, headcount=1), slot(2, 1, headcount=1)]
    workers = [worker(1), worker(2, available={(1, 0)})]
    # Worker 2 is kept on slot 1 but is no longer available that day: reported, and nobody else takes the place.
    result = solve(slots, workers, kept=[(2, 1), (1, 2)], time_limit=5)
    assert (2, 1) in result.assignments
    assert result.conflicts == [(1, 2)]
    assert all(sid != 1 for sid, _ in result.assignments)
    by_slot = defaultdict(list)
    for sid, wid in result.assignments:
        by_slot[sid].append(wid)
    assert by_slot == {2: [1]}
