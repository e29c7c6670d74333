"""Placement pages (views and matching share one blueprint)."""

from app.web.placement import matching  # noqa: F401  (attach the matching routes)
from app.web.placement.views import bp

__all__ = ["bp"]
