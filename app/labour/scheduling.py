"""The seasonal scheduler: OR-Tools CP-SAT over plain values (no database), so it can be tested and measured alone.

Hard rules: a worker is offered only half-days they are available, at townships they can reach, for tasks they
registered and certificates they hold; one place per half-day; at most DAY_HOURS_MAX hours a day; never more than
DAYS_IN_A_ROW_MAX days in a row; no slot gets more than its headcount; kept (confirmed or pinned) assignments
stay. Soft terms, in order of weight: cover as much demand as possible, spread the load fairly (the busiest
worker's half-days are kept down), and give workers the tasks they prefer. Demand left uncovered is reported
per slot with the reason found by looking at who could have filled it.

bench/seasonal_schedule.py measures 1,000 workers × 60 half-days × 20 demand lines: first solve 50.2 s (its time
limit), re-solve after 10 % availability changes 3.8 s keeping every confirmed assignment, peak RSS 507 MB, on the
shared 2-core machine at load 7 (docs/labour.md).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from app.labour.vocabulary import DAY_HOURS_MAX, DAYS_IN_A_ROW_MAX

COVER_WEIGHT = 1000
FAIRNESS_WEIGHT = 20
PREFERENCE_WEIGHT = 5


@dataclass(frozen=True)
class Slot:
    """A half-day of demand: `day` counts days from the start of the period, `half` is 0 (am) or 1 (pm)."""

    id: int
    day: int
    half: int
    task: str
    township: str
    headcount: int
    hours: int
    certificate: str | None = None


@dataclass(frozen=True)
class Worker:
    """A worker as the solver sees them: half-days available as (day, half), places, tasks and certificates."""

    id: int
    available: frozenset[tuple[int, int]]
    townships: frozenset[str]
    tasks: frozenset[str]
    certificates: frozenset[str] = frozenset()
    preferred: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Unmet:
    """Headcount of a slot left uncovered, and why."""

    slot_id: int
    missing: int
    reason: str  # a key of UNMET_REASONS


@dataclass
class Solution:
    """What a solve produced."""

    status: str
    assignments: list[tuple[int, int]]  # (slot_id, worker_id)
    unmet: list[Unmet]
    conflicts: list[tuple[int, int]]  # kept assignments that no longer fit the worker's availability
    demanded: int
    covered: int
    seconds: float
    variables: int = 0
    stats: dict = field(default_factory=dict)


def qualifies(worker: Worker, slot: Slot) -> bool:
    """Task and certificate fit (availability and place aside)."""
    return slot.task in worker.tasks and (slot.certificate is None or slot.certificate in worker.certificates)


def eligible(worker: Worker, slot: Slot) -> bool:
    """Every hard rule about one worker on one slot alone."""
    return ((slot.day, slot.half) in worker.available and slot.township in worker.townships
            and qualifies(worker, slot))


def _reason(slot: Slot, workers: list[Worker], needed: int) -> str:
    """The first narrowing step (skills, then the half-day, then the place) that leaves too few workers."""
    skilled = [w for w in workers if qualifies(w, slot)]
    if len(skilled) < needed:
        return "no_skill"
    free = [w for w in skilled if (slot.day, slot.half) in w.available]
    if len(free) < needed:
        return "not_available"
    if sum(1 for w in free if slot.township in w.townships) < needed:
        return "out_of_reach"
    return "taken"


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[int], None] | None, limit: float) -> None:
        super().__init__()
        self.report, self.limit, self.started, self.count = report, limit, time.monotonic(), 0

    def on_solution_callback(self) -> None:
        self.count += 1
        if self.report is not None:
            self.report(min(99, int(100 * (time.monotonic() - self.started) / self.limit)))


def solve(slots: list[Slot], workers: list[Worker], *, kept: list[tuple[int, int]] = (),
          hints: list[tuple[int, int]] = (), time_limit: float = 30.0, threads: int = 2,
          progress: Callable[[int], None] | None = None) -> Solution:
    """Assign workers to slots; `kept` pairs are forced in when they still fit, `hints` guide the search."""
    started = time.monotonic()
    model = cp_model.CpModel()
    by_id = {w.id: w for w in workers}
    slot_by_id = {s.id: s for s in slots}
    kept_set, conflicts = set(), []
    for pair in kept:
        slot, worker = slot_by_id.get(pair[0]), by_id.get(pair[1])
        if slot is not None and worker is not None and eligible(worker, slot):
            kept_set.add(pair)
        else:
            conflicts.append(pair)

    # Index slots by (day, half) so each worker looks only at the half-days they are available.
    slots_at: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    for s in slots:
        slots_at[(s.day, s.half)].append(s)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    per_slot: dict[int, list] = defaultdict(list)
    objective = []
    for w in workers:
        by_day: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for when in w.available:
            here = [s for s in slots_at.get(when, ()) if s.township in w.townships and qualifies(w, s)]
            if not here:
                continue
            chosen = []
            for s in here:
                var = model.new_bool_var("")
                x[(s.id, w.id)] = var
                per_slot[s.id].append(var)
                chosen.append(var)
                by_day[when[0]].append((var, s.hours))
                objective.append((COVER_WEIGHT + (PREFERENCE_WEIGHT if s.task in w.preferred else 0)) * var)
            if len(chosen) > 1:
                model.add_at_most_one(chosen)
        if not by_day:
            continue
        worked = {}
        for day, items in by_day.items():
            if sum(h for _, h in items) > DAY_HOURS_MAX:
                model.add(sum(h * v for v, h in items) <= DAY_HOURS_MAX)
            d = model.new_bool_var("")
            for v, _ in items:
                model.add_implication(v, d)
            worked[day] = d
        days = sorted(worked)
        window = DAYS_IN_A_ROW_MAX + 1
        for first in days:
            inside = [worked[d] for d in range(first, first + window) if d in worked]
            if len(inside) == window:
                model.add(sum(inside) <= DAYS_IN_A_ROW_MAX)
    # Fairness: keep the busiest worker's number of half-days down.
    busiest = model.new_int_var(0, 2 * (max((s.day for s in slots), default=0) + 1), "busiest")
    loads: dict[int, list] = defaultdict(list)
    for (_, wid), var in x.items():
        loads[wid].append(var)
    for vars_ in loads.values():
        model.add(sum(vars_) <= busiest)
    # A kept assignment that no longer fits still holds its place in the slot until staff resolve it.
    held = defaultdict(int)
    for slot_id, _ in conflicts:
        held[slot_id] += 1
    for s in slots:
        capacity = max(0, s.headcount - held[s.id])
        if len(per_slot[s.id]) > capacity:
            model.add(sum(per_slot[s.id]) <= capacity)
    for pair in kept_set:
        model.add(x[pair] == 1)
    for pair in hints:
        if pair in x:
            model.add_hint(x[pair], 1)
    model.maximize(sum(objective) - FAIRNESS_WEIGHT * busiest)

    solver = cp_model.CpSolver()
    # At least half the limit goes to the search itself, however long building the model took.
    solver.parameters.max_time_in_seconds = max(time_limit / 2, time_limit - (time.monotonic() - started))
    solver.parameters.num_workers = threads
    status = solver.solve(model, _Progress(progress, time_limit))
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(name, [], [Unmet(s.id, s.headcount, _reason(s, workers, s.headcount)) for s in slots], conflicts,
                        sum(s.headcount for s in slots), 0, time.monotonic() - started, len(x))
    chosen = [pair for pair, var in x.items() if solver.boolean_value(var)]
    filled: dict[int, int] = defaultdict(int)
    for slot_id, _ in chosen + conflicts:
        filled[slot_id] += 1
    unmet = [Unmet(s.id, s.headcount - filled[s.id], _reason(s, workers, s.headcount))
             for s in slots if filled[s.id] < s.headcount]
    demanded = sum(s.headcount for s in slots)
    return Solution(name, chosen, unmet, conflicts, demanded, len(chosen) + len(conflicts), time.monotonic() - started, len(x),
                    {"objective": solver.objective_value, "wall": solver.wall_time})
