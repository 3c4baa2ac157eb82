"""Failure caps on the app's Flask-Limiter (FAB's `appbuilder.sm.limiter`, storage RATELIMIT_STORAGE_URI).

Only failures count, so the limits are hit by hand instead of decorating whole routes.
"""

from flask import current_app
from limits import parse

OTP_FAILURES_PER_ACCOUNT = "10 per hour"
OTP_FAILURES_PER_IP = "30 per hour"
REGISTRATIONS_PER_IP = "10 per hour"


def _limiter():
    limiter = current_app.appbuilder.sm.limiter
    return limiter if limiter.enabled else None


def exhausted(*checks: tuple[str, str]) -> bool:
    """True when any (limit, key) has no hit left."""
    limiter = _limiter()
    if limiter is None:
        return False
    return any(not limiter.limiter.test(parse(limit), "signup", key) for limit, key in checks)


def hit(*checks: tuple[str, str]) -> None:
    limiter = _limiter()
    if limiter is None:
        return
    for limit, key in checks:
        limiter.limiter.hit(parse(limit), "signup", key)
