"""Studio and base pages (registry and records, assessment rounds and the overview share one blueprint)."""

from app.web.studios import rounds  # noqa: F401  (attach the assessment and overview routes)
from app.web.studios.views import bp

__all__ = ["bp"]
