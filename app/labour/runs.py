"""Schedule runs: build the solver's problem from a county's demand and workers, store the outcome, publish it.

A run is created by staff (queued), executed by the task queue (app/tasks.py → execute_run) and then published.
Re-running keeps every published, confirmed or pinned assignment and replaces only proposals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from app.labour.models import (
    Assignment,
    DemandSlot,
    LabourDemand,
    ScheduleRun,
    SeasonalContract,
    SeasonalWorker,
)
from app.labour.notices import SmsBackend, notify
from app.labour.scheduling import Slot, Worker, solve
from app.labour.seasonal import available_days, certificates_of, require_staff
from app.labour.vocabulary import TASKS_ZH
from app.regions import LIAONING_CITIES
from app.translation import N_

MAX_RUN_DAYS = 120
KEPT_STATUSES = ("published", "confirmed")


def create_run(session: Session, *, actor: User, now: datetime, city_code: str, county: str, start_date: date,
               end_date: date, time_limit_seconds: int = 30) -> ScheduleRun:
    """Queue a solve of a county's demand over a period (one at a time per county)."""
    require_staff(actor)
    county = (county or "").strip()
    if city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    if not county:
        raise ValidationFailed(N_("Enter the county."), field="county")
    if end_date < start_date or (end_date - start_date).days >= MAX_RUN_DAYS:
        raise ValidationFailed(N_("The period must end after it starts and last at most {days} days.",
                                  days=MAX_RUN_DAYS), field="end_date")
    if not 1 <= time_limit_seconds <= 600:
        raise ValidationFailed(N_("The time limit is 1–600 seconds."), field="time_limit_seconds")
    busy = session.scalar(select(ScheduleRun.id).where(ScheduleRun.city_code == city_code,
                                                       ScheduleRun.county == county,
                                                       ScheduleRun.status.in_(("queued", "running"))))
    if busy is not None:
        raise Conflict(N_("A schedule of this county is already being solved; wait for it to finish."))
    run = ScheduleRun(city_code=city_code, county=county, start_date=start_date, end_date=end_date, status="queued",
                      progress=0, time_limit_seconds=time_limit_seconds, created_by_id=actor.id, created_at=now)
    session.add(run)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_run.create", object_type="labour_run",
                 object_id=run.id, new={"county": county, "from": start_date.isoformat(), "to": end_date.isoformat()})
    return run


def get_run(session: Session, *, actor: User, run_id: int) -> ScheduleRun:
    """A run (staff only)."""
    require_staff(actor)
    run = session.get(ScheduleRun, run_id)
    if run is None:
        raise NotFound(N_("The schedule run does not exist."))
    return run


def _slots(session: Session, run: ScheduleRun) -> list[DemandSlot]:
    return list(session.scalars(select(DemandSlot).join(LabourDemand).where(
        LabourDemand.city_code == run.city_code, LabourDemand.county == run.county, LabourDemand.status == "posted",
        DemandSlot.day.between(run.start_date, run.end_date)).order_by(DemandSlot.id)))


def _workers(session: Session, run: ScheduleRun) -> list[Worker]:
    """Workers as the solver sees them: only days with injury cover in force count as available."""
    rows = list(session.scalars(select(SeasonalWorker).where(SeasonalWorker.city_code == run.city_code,
                                                             SeasonalWorker.county == run.county)))
    held = certificates_of(session, [w.person_id for w in rows])
    workers = []
    for w in rows:
        days = [d for d in available_days(w, run.start_date, run.end_date) if w.cover_on(d) is not None]
        available = frozenset(((d - run.start_date).days, half) for d in days for half in (0, 1))
        workers.append(Worker(w.id, available, frozenset(w.townships), frozenset(w.tasks),
                              frozenset(held[w.person_id]), frozenset(w.preferred_tasks)))
    return workers


def begin_run(session: Session, *, run_id: int, now: datetime) -> ScheduleRun:
    """Mark a queued run as running (the task commits this before solving, so progress can be written meanwhile)."""
    run = session.get(ScheduleRun, run_id)
    if run is None or run.status != "queued":
        raise InvalidTransition(N_("Only a queued schedule run can be solved."))
    run.status, run.progress, run.started_at = "running", 1, now
    session.flush()
    return run


def fail_run(session: Session, *, run_id: int, now: datetime, error: str) -> None:
    """Record that a run stopped with an error."""
    run = session.get(ScheduleRun, run_id)
    if run is not None and run.status in ("queued", "running"):
        run.status, run.finished_at = "failed", now
        run.error = N_("The solve stopped: {error}", error=error[:300])
        session.flush()


def execute_run(session: Session, *, run_id: int, now: datetime,
                progress: Callable[[int], None] | None = None) -> ScheduleRun:
    """Solve a running run and store its proposals; the caller commits (the task queue, or a test)."""
    run = session.get(ScheduleRun, run_id)
    if run is None or run.status != "running":
        raise InvalidTransition(N_("Only a running schedule run can be solved."))
    slots = _slots(session, run)
    slot_ids = [s.id for s in slots]
    existing = list(session.scalars(select(Assignment).where(Assignment.slot_id.in_(slot_ids)))) if slot_ids else []
    kept = [(a.slot_id, a.worker_id) for a in existing if a.pinned or a.status in KEPT_STATUSES]
    hints = [(a.slot_id, a.worker_id) for a in existing]
    problem = [Slot(s.id, (s.day - run.start_date).days, 0 if s.half == "am" else 1, s.demand.task,
                    s.demand.township, s.headcount, s.demand.hours_per_half_day, s.demand.required_certificate)
               for s in slots]
    solution = solve(problem, _workers(session, run), kept=kept, hints=hints, time_limit=run.time_limit_seconds,
                     threads=1, progress=progress)
    if solution.status not in ("OPTIMAL", "FEASIBLE"):
        run.status, run.solver_status, run.finished_at = "failed", solution.status, now
        run.error = N_("The solver found no schedule ({status}).", status=solution.status)
        session.flush()
        return run
    proposals = [a.id for a in existing if not a.pinned and a.status not in KEPT_STATUSES]
    if proposals:
        session.execute(delete(Assignment).where(Assignment.id.in_(proposals)))
    kept_set = set(kept)
    session.add_all(Assignment(slot_id=s, worker_id=w, run_id=run.id, status="proposed", created_at=now)
                    for s, w in solution.assignments if (s, w) not in kept_set)
    by_slot = {s.id: s for s in slots}
    run.unmet = [{"slot_id": u.slot_id, "day": by_slot[u.slot_id].day.isoformat(), "half": by_slot[u.slot_id].half,
                  "demand_id": by_slot[u.slot_id].demand_id, "task": by_slot[u.slot_id].demand.task,
                  "missing": u.missing, "reason": u.reason} for u in solution.unmet]
    run.conflicts = [{"slot_id": s, "worker_id": w} for s, w in solution.conflicts]
    run.demanded, run.covered, run.kept = solution.demanded, solution.covered, len(kept_set)
    run.status, run.solver_status, run.progress, run.finished_at = "solved", solution.status, 100, now
    session.flush()
    record_event(session, actor=None, now=now, action="labour_run.solve", object_type="labour_run", object_id=run.id,
                 new={"status": solution.status, "demanded": run.demanded, "covered": run.covered,
                      "kept": run.kept, "unmet_slots": len(run.unmet), "seconds": round(solution.seconds, 1)})
    return run


def run_assignments(session: Session, run: ScheduleRun) -> list[Assignment]:
    """Every assignment on the run's slots (kept and new), by day."""
    slot_ids = [s.id for s in _slots(session, run)]
    if not slot_ids:
        return []
    return list(session.scalars(select(Assignment).join(DemandSlot).where(Assignment.slot_id.in_(slot_ids))
                                .order_by(DemandSlot.day, DemandSlot.half, Assignment.id)))


def pin_assignment(session: Session, *, actor: User, now: datetime, assignment_id: int,
                   pinned: bool = True) -> Assignment:
    """Keep (or release) an assignment through later re-runs."""
    require_staff(actor)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(N_("The assignment does not exist."))
    assignment.pinned = pinned
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_assignment.pin", object_type="labour_assignment",
                 object_id=assignment.id, new={"pinned": pinned})
    return assignment


def publish_run(session: Session, *, actor: User, now: datetime, run_id: int,
                sms: SmsBackend | None = None) -> list[SeasonalContract]:
    """Publish a solved run: proposals become published, each worker gets a draft contract and a notification."""
    run = get_run(session, actor=actor, run_id=run_id)
    if run.status != "solved":
        raise InvalidTransition(N_("Only a solved schedule can be published."))
    newer = session.scalar(select(ScheduleRun.id).where(
        ScheduleRun.city_code == run.city_code, ScheduleRun.county == run.county, ScheduleRun.id > run.id,
        ScheduleRun.status.in_(("solved", "published", "queued", "running"))))
    if newer is not None:
        raise InvalidTransition(N_("A newer run of this county replaces this one; publish that instead."))
    rows = [a for a in run_assignments(session, run) if a.status == "proposed"]
    grouped: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for a in rows:
        a.status = "published"
        grouped[(a.slot.demand_id, a.worker_id)].append(a)
    contracts = []
    for (demand_id, worker_id), items in grouped.items():
        contracts.append(_contract_for(session, demand_id, worker_id, items, now))
    run.status, run.published_at, run.published_by_id = "published", now, actor.id
    session.flush()
    for contract in contracts:
        demand = contract.demand
        notify(session, person=contract.worker.person, kind="schedule", object_id=contract.id, now=now, sms=sms,
               text=f"【匠才】您已被安排到{demand.enterprise.name}（{demand.township}）从事{TASKS_ZH[demand.task]}，"
                    f"{contract.start_date.isoformat()}至{contract.end_date.isoformat()}，共{contract.half_days}个半天。"
                    f"请确认季节性用工合同。")
    record_event(session, actor=actor, now=now, action="labour_run.publish", object_type="labour_run",
                 object_id=run.id, new={"assignments": len(rows), "contracts": len(contracts)})
    return contracts


def _contract_for(session: Session, demand_id: int, worker_id: int, items: list[Assignment],
                  now: datetime) -> SeasonalContract:
    contract = session.scalar(select(SeasonalContract).where(SeasonalContract.demand_id == demand_id,
                                                             SeasonalContract.worker_id == worker_id))
    days = sorted(a.slot.day for a in items)
    all_days = days + ([contract.start_date, contract.end_date] if contract else [])
    start, end = min(all_days), max(all_days)
    worker = session.get(SeasonalWorker, worker_id)
    cover = worker.cover_on(start) or worker.cover_on(end)
    if contract is None:
        contract = SeasonalContract(demand_id=demand_id, worker_id=worker_id, cover_id=cover.id, start_date=start,
                                    end_date=end, half_days=len(items), status="draft", created_at=now)
        session.add(contract)
    else:
        contract.start_date, contract.end_date = start, end
        contract.half_days += len(items)
    session.flush()
    return contract


def period_days(start: date, end: date) -> list[date]:
    """Every day from start to end."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
