"""Security headers on every response (Flask-Talisman).

- No framing by another site (clickjacking): `frame-ancestors 'self'` and X-Frame-Options SAMEORIGIN.
- A Content-Security-Policy that names no outside host (nothing is loaded from the internet): scripts
  from the app itself, inline ones only with the request's nonce (`nonce="{{ csp_nonce() }}"` on every
  inline `<script>`; FAB's templates carry it too), no inline event handlers (`onclick=` is refused).
  Styles may be inline: the templates use `style=` attributes throughout.
- X-Content-Type-Options nosniff, Referrer-Policy strict-origin-when-cross-origin.
- HSTS in production only (APP_ENV=production, sent on HTTPS requests). Plain HTTP is not redirected
  here: the TLS-terminating router does that, and a health check over HTTP must still answer.
"""

from flask_talisman import Talisman

SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "default-src": SELF,
    "script-src": SELF,  # + the request's nonce
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:"],
    "font-src": SELF,
    "connect-src": SELF,
    "object-src": "'none'",
    "base-uri": SELF,
    "frame-ancestors": SELF,
}


def init_app(app) -> None:
    # One Talisman per app: it keeps its settings on itself, not in the app's config.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,
        strict_transport_security=app.config.get("APP_ENV") == "production",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        frame_options="SAMEORIGIN",
        referrer_policy="strict-origin-when-cross-origin",
        # the cookie settings stay those of config.py
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        x_content_type_options=True,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()", "browsing-topics": "()"},
    )
