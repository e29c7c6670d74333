"""Competition pages: organiser, entering organisations, judges, and the public results (one blueprint)."""

from app.web.competitions import marking, public  # noqa: F401  (attach the judges' and the public routes)
from app.web.competitions.views import bp

__all__ = ["bp"]
