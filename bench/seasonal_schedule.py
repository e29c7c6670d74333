"""Seasonal scheduling at county scale: 1,000 workers × 60 half-days × 20 tasks with OR-Tools CP-SAT.

Builds a spring peak (20 task/township pairs, headcounts rising to a peak and falling), solves it with a time
limit, reports unmet demand with reasons, then changes the availability of 10 % of the workers, confirms the
first solution's assignments of everyone else and solves again keeping them. Prints figures, asserts nothing.

    .venv/bin/python bench/seasonal_schedule.py [--workers 1000] [--half-days 60] [--tasks 20]
        [--first-limit 50] [--resolve-limit 25]

Last line: `first solve <S> s; re-solve <S> s; peak RSS <M> MB`.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.labour.scheduling import Slot, Worker, eligible, solve  # noqa: E402
from app.labour.vocabulary import TASKS  # noqa: E402

TOWNSHIPS = [f"镇{i:02d}" for i in range(12)]


def make_slots(rng: random.Random, half_days: int, tasks: int) -> list[Slot]:
    """`tasks` task/township pairs, each with a bell-shaped headcount curve over the half-days."""
    kinds = list(TASKS)
    slots, next_id = [], 1
    for t in range(tasks):
        task, township = kinds[t % len(kinds)], TOWNSHIPS[t % len(TOWNSHIPS)]
        certificate = "4-99-00-00" if task == "spraying" else None
        peak, width, top = rng.randint(10, half_days - 10), rng.randint(8, 20), rng.randint(8, 30)
        for h in range(half_days):
            headcount = int(top * math.exp(-((h - peak) / width) ** 2))
            if headcount:
                slots.append(Slot(next_id, h // 2, h % 2, task, township, headcount, 4 + (t % 2), certificate))
                next_id += 1
    return slots


def make_worker(rng: random.Random, wid: int, half_days: int) -> Worker:
    """A worker free for one or two stretches, reaching 2–4 townships, doing 2–4 tasks."""
    available = set()
    for _ in range(rng.randint(1, 2)):
        start = rng.randrange(half_days)
        available.update((h // 2, h % 2) for h in range(start, min(half_days, start + rng.randint(10, 40))))
    home = rng.randrange(len(TOWNSHIPS))
    townships = {TOWNSHIPS[(home + k) % len(TOWNSHIPS)] for k in range(rng.randint(2, 4))}
    tasks = set(rng.sample(list(TASKS), rng.randint(2, 4)))
    certificates = {"4-99-00-00"} if "spraying" in tasks and rng.random() < 0.5 else set()
    return Worker(wid, frozenset(available), frozenset(townships), frozenset(tasks), frozenset(certificates),
                  frozenset(rng.sample(sorted(tasks), 1)))


def peak_rss_mb() -> float:
    """Peak resident set of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--half-days", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--first-limit", type=float, default=50.0)
    parser.add_argument("--resolve-limit", type=float, default=25.0)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    slots = make_slots(rng, args.half_days, args.tasks)
    workers = [make_worker(rng, i + 1, args.half_days) for i in range(args.workers)]
    print(f"{len(workers)} workers, {len(slots)} slots, headcount {sum(s.headcount for s in slots)}")

    started = time.monotonic()
    first = solve(slots, workers, time_limit=args.first_limit)
    first_seconds = time.monotonic() - started
    reasons = Counter(u.reason for u in first.unmet)
    print(f"first solve: {first.status}, {first.variables} variables, covered {first.covered}/{first.demanded}, "
          f"unmet in {len(first.unmet)} slots ({dict(reasons)}), {first_seconds:.1f} s")

    changed = set(rng.sample([w.id for w in workers], len(workers) // 10))
    workers2 = [make_worker(rng, w.id, args.half_days) if w.id in changed else w for w in workers]
    kept = [pair for pair in first.assignments if pair[1] not in changed]
    started = time.monotonic()
    second = solve(slots, workers2, kept=kept, hints=first.assignments, time_limit=args.resolve_limit)
    second_seconds = time.monotonic() - started
    chosen = set(second.assignments)
    by_id, slot_by_id = {w.id: w for w in workers2}, {s.id: s for s in slots}
    assert all(eligible(by_id[w], slot_by_id[s]) for s, w in chosen)
    print(f"re-solve: {second.status}, kept {sum(1 for p in kept if p in chosen)}/{len(kept)} confirmed, "
          f"covered {second.covered}/{second.demanded}, unmet in {len(second.unmet)} slots, {second_seconds:.1f} s")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"first solve {first_seconds:.1f} s; re-solve {second_seconds:.1f} s; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
