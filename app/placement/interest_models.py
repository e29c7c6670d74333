"""A worker's interest in an open job demand, expressed from their own account and shown to the enterprise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped

from app.database import Entity, ref, stamp


class DemandInterest(Entity):
    """The person would like the job: the enterprise sees it in the demand's matching list."""

    __tablename__ = "demand_interests"

    demand_id: Mapped[int] = ref("job_demands.id", ondelete="CASCADE", index=True)
    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE")
    created_at: Mapped[datetime] = stamp()

    __table_args__ = (UniqueConstraint("demand_id", "person_id", name="uq_demand_interests_demand_person"),)
