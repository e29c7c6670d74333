"""Public verification pages (no login) and the verification tools of logged-in users."""

from app.web.verify import manage, public  # noqa: F401  (attach the routes)
from app.web.verify.blueprint import bp

__all__ = ["bp"]
