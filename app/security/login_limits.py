"""Wrong passwords are limited per address and per account, on the sign-in page and the API's token login alike.

The address is what the trusted proxies report (ProxyFix with PROXY_FIX_HOPS in app/__init__.py): behind the
PaaS router the client address is the entry the router appended, so extra X-Forwarded-For entries a client
forges do not change it. The account is the name tried (lower-case), so rotating addresses does not help
either. Only failures count; once a cap is reached every attempt on it is refused (429) without checking the
password, a correct one included, until the window passes. Another account is not affected.
Off with AUTH_RATE_LIMITED or RATELIMIT_ENABLED off.
"""

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import TooManyRequests

from app.core import rate_limits

MESSAGE = _l("Too many attempts. Please wait a moment and try again.")


class LoginThrottled(TooManyRequests):
    pass


def _checks(username) -> tuple:
    config = current_app.config
    account = str(username or "").strip().lower()[:320]
    return (
        (config["AUTH_FAILURES_PER_ADDRESS"], f"login-address:{request.remote_addr}"),
        (config["AUTH_FAILURES_PER_ACCOUNT"], f"login-account:{account}"),
    )


def _enabled() -> bool:
    return bool(current_app.config.get("AUTH_RATE_LIMITED"))


def exhausted(username) -> bool:
    return _enabled() and rate_limits.exhausted("login", *_checks(username))


def failed(username) -> None:
    if _enabled():
        rate_limits.hit("login", *_checks(username))


def refuse_if_exhausted(username) -> None:
    if exhausted(username):
        raise LoginThrottled()
