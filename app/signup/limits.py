"""Failure caps of the signup pages (app/core/rate_limits.py): only failures count."""

from app.core import rate_limits

OTP_FAILURES_PER_ACCOUNT = "10 per hour"
OTP_FAILURES_PER_IP = "30 per hour"
REGISTRATIONS_PER_IP = "10 per hour"


def exhausted(*checks: tuple[str, str]) -> bool:
    """True when any (limit, key) has no hit left."""
    return rate_limits.exhausted("signup", *checks)


def hit(*checks: tuple[str, str]) -> None:
    rate_limits.hit("signup", *checks)
