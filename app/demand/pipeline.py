"""How many people each stage of the chain has taken through for a demand, filled in by later stages.

The demand package sits before training, assessment and placement in the chain, so it cannot read their
tables. Each later package registers a counter here instead (training registers on import); a counter
returns the stages it knows about, e.g. {"trained": 12, "completed": 9}.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

STAGES = ("trained", "completed", "assessed", "placed")
PipelineCounter = Callable[[Session, int], dict[str, int]]
_counters: dict[str, PipelineCounter] = {}


def register_pipeline_counter(name: str, counter: PipelineCounter) -> None:
    """Add (or replace, by name) the counter of one later stage."""
    _counters[name] = counter


def demand_pipeline_counts(session: Session, demand_id: int) -> dict[str, int]:
    """People trained / completed / assessed / placed against a demand.

    trained = enrolments (not withdrawn) in classes of projects linked to the demand, completed = those
    completed (both from training). assessed and placed stay 0 until the assessment and placement stages
    register their counters.
    """
    counts = dict.fromkeys(STAGES, 0)
    for counter in _counters.values():
        for stage, value in counter(session, demand_id).items():
            counts[stage] = counts.get(stage, 0) + value
    return counts
