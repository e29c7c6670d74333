"""Rate limits at the web edge that can be switched off for benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app


def when_limiting(view: Callable, limited: Callable) -> Callable:
    """`view` under its limits (`limited`, the same view wrapped by Flask-Limiter) while rate limiting is on.

    With rate limiting switched off (RATELIMIT_ENABLED=0, benchmarks only) the view is called directly:
    Flask-Limiter's decorator would otherwise still work out, on every request, that there is nothing to check.
    """

    @wraps(view)
    def dispatch(*args, **kwargs):
        if current_app.config["RATELIMIT_ENABLED"]:
            return limited(*args, **kwargs)
        return view(*args, **kwargs)

    return dispatch
