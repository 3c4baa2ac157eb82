"""Failure caps on the app's Flask-Limiter (FAB's `appbuilder.sm.limiter`, storage RATELIMIT_STORAGE_URI), hit
by hand: only failures count, so they are hit where a failure is known instead of decorating whole routes.

With the storage unreachable (Redis down) the caps are counted in this process's memory instead of failing
the request: signing in and signing up keep working, and still limited, while Redis is away.
"""

import logging

from flask import current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

_in_memory = FixedWindowRateLimiter(MemoryStorage())


def _run(action):
    limiter = current_app.appbuilder.sm.limiter
    if not limiter.enabled:
        return None
    try:
        return action(limiter.limiter)
    except Exception as exc:  # the storage's error, whichever backend it is
        log.warning("rate limit storage unreachable (%s): counting in this process", type(exc).__name__)
        return action(_in_memory)


def exhausted(namespace: str, *checks: tuple[str, str]) -> bool:
    """True when any (limit, key) has no hit left."""
    return bool(_run(lambda strategy: any(not strategy.test(parse(limit), namespace, key) for limit, key in checks)))


def hit(namespace: str, *checks: tuple[str, str]) -> None:
    _run(lambda strategy: [strategy.hit(parse(limit), namespace, key) for limit, key in checks])
