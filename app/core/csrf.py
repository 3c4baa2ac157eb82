"""Forged requests: every request that may change something carries the session's CSRF token.

One check for the whole app (Flask-WTF's `CSRFProtect`), run before any view: a POST, PUT, PATCH or
DELETE without the token of the visitor's session is refused with 400 before the view runs, whatever
the view does or forgets. Forms send the token as the `csrf_token` field (`{{ csrf_token() }}`),
scripts as the `X-CSRFToken` header read from the page's `<meta name="csrf-token">` (base.html).
GET never writes, so it needs none.

Exempt are only requests a page on another site cannot forge:
- API requests authenticated by an `Authorization: Bearer` header (a JWT): a cross-site page cannot
  add that header without CORS, which the app never allows. An API request that relies on the
  session cookie is checked like any form;
- the endpoints in `EXEMPT_ENDPOINTS` below, each with the reason it has a check of its own.
"""

from flask import current_app, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Endpoints other servers call, which cannot hold a session's token. Keep this list short.
EXEMPT_ENDPOINTS = {
    # payment gateways notify server to server; the notification's signature is the check
    "PaymentWebhookView.notify",
    # JWT sign-in: takes the password in the body and answers a token; it sets no cookie
    "SecurityApi.login",
}


def init_app(app) -> None:
    # CSRFProtect's own hook exempts by view function only; ours also knows the Bearer rule, so the
    # default hook is off and `_protect` runs the same check.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_protect)


def bearer_api_request() -> bool:
    return request.path.startswith("/api/") and request.headers.get("Authorization", "")[:7].lower() == "bearer "


def _protect() -> None:
    if not current_app.config["WTF_CSRF_ENABLED"] or request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    if request.endpoint in EXEMPT_ENDPOINTS or bearer_api_request():
        return
    csrf.protect()
