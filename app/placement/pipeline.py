"""Placement's contribution to a demand's pipeline counts (see app.demand.pipeline)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.placement.placements import placed_count


def placed_against_demand(session: Session, demand_id: int) -> dict[str, int]:
    """Placements recorded against the demand."""
    return {"placed": placed_count(session, demand_id)}
