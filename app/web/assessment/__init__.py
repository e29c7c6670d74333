"""Assessment pages: plans and registration, sessions and staffing, score sheets, results, appointments."""

from app.web.assessment import appointments, plans, records, results, sheets, staffing  # noqa: F401 (attach routes)
from app.web.assessment.blueprint import bp

__all__ = ["bp"]
