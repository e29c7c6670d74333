"""Rate limits at the web edge: the switch that turns them off for benchmarks, and what a refusal says."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import current_app

from app.extensions import limiter

log = logging.getLogger(__name__)
DEFAULT_RETRY_SECONDS = 60  # a 429 raised without a limiter check behind it (none in the app today)


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


@dataclass(frozen=True)
class Breach:
    """The limit a refused request ran into, for its 429 answer."""

    scope: str | None  # the shared limit's scope (e.g. "public-verify"), None when not known
    amount: int | None  # requests allowed per window
    window_seconds: int | None
    retry_after: int  # seconds until one more request is allowed
    reset_at: datetime  # when that is (UTC)


def breach() -> Breach:
    """What the limiter refused in this request: the limit and, from its moving window in the limiter's
    storage, when it lets one more request through (as Flask-Limiter's Retry-After header says)."""
    current = limiter.current_limit
    scope = amount = window = None
    retry_after = DEFAULT_RETRY_SECONDS
    if current is not None and current.breached:
        scope = current.request_args[-1] if current.request_args else None
        amount, window = current.limit.amount, current.limit.get_expiry()
        try:
            retry_after = max(1, int(current.reset_at - time.time()))
        except Exception:  # the storage went away since the check: the window's length is a safe answer
            log.warning("could not read the rate limit's reset time", exc_info=True)
            retry_after = window
    return Breach(scope, amount, window, retry_after, datetime.now(UTC) + timedelta(seconds=retry_after))
