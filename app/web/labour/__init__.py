"""Seasonal labour, shared employment and weekend-engineer pages (one blueprint)."""

from app.web.labour import sharing  # noqa: F401  (attach the shared-employment and expert routes)
from app.web.labour.views import bp

__all__ = ["bp"]
