"""Import every feature's models so that metadata (and Alembic) sees all tables."""

from app.accounts.models import EvaluationFiling, FilingScope, LoginSession, Organisation, User, UserRole
from app.audit.models import AuditEvent

__all__ = [
    "AuditEvent",
    "EvaluationFiling",
    "FilingScope",
    "LoginSession",
    "Organisation",
    "User",
    "UserRole",
]
