"""Assessment pages: plans and registration, sessions and staffing, score sheets, results, appointments."""

from app.web.assessment import (  # noqa: F401 (attach routes)
    appointments,
    exceptions,
    plans,
    records,
    results,
    sheets,
    staffing,
    supervisors,
)
from app.web.assessment.blueprint import bp

__all__ = ["bp"]
