"""Report pages: funnel, ladder, subsidy ledger."""

from app.web.reporting import subsidies  # noqa: F401  (attach the ledger routes)
from app.web.reporting.views import bp

__all__ = ["bp"]
