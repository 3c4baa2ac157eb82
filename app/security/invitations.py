"""Invitations: an e-mailed link where a user chooses their password (new accounts and resets alike).

The link carries a signed token naming the user and a fingerprint of their current password hash,
so it works once (setting a password changes the hash) and expires after INVITATION_DAYS.
"""

import hashlib

from flask import current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import db
from app.jobs.queue import enqueue
from app.jobs.tasks import send_email
from app.security.models import TenantUser
from app.security.staff import hash_password
from app.tenancy.request import tenant_url

INVITATION_DAYS = 7
_SALT = "set-password"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user: TenantUser) -> str:
    return hashlib.sha256((user.password or "").encode()).hexdigest()[:16]


def invitation_token(user: TenantUser) -> str:
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user)})


def invited_user(token: str) -> TenantUser | None:
    """The active user the token was made for, or None when it is forged, expired or already used."""
    try:
        data = _serializer().loads(token, max_age=INVITATION_DAYS * 86400)
    except BadSignature:
        return None
    user = db.session.get(TenantUser, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("password") != _fingerprint(user):
        return None
    return user


def accept_invitation(user: TenantUser, password: str) -> None:
    user.password = hash_password(password)
    user.fail_login_count = 0


def _account_url(user: TenantUser, path: str) -> str:
    """On the user's own host: tenant users sign in on their subdomain, vendor staff on the base domain."""
    if user.tenant_id is None:
        return request.host_url.rstrip("/") + path  # vendor staff are invited from the base domain
    return tenant_url(user.tenant.slug, path)


def enqueue_invitation(user: TenantUser, *, actor_id: int | None):
    """E-mail `user` a link to choose their password (in a job, like all mail). Needs a request."""
    link = _account_url(user, url_for("InvitationView.accept", token=invitation_token(user)))
    account = user.tenant.name if user.tenant_id else current_app.config["APP_NAME"]
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        subject = _("Choose your password for %(account)s", account=account)
        text = _(
            "Hello %(name)s,\n\nAn account with the e-mail %(email)s is ready for you at %(account)s. "
            "Choose your password here:\n%(link)s\n\nThe link works once and expires in %(days)s days. "
            "Then sign in at %(login)s.\n",
            name=user.first_name,
            email=user.email,
            account=account,
            link=link,
            days=INVITATION_DAYS,
            login=_account_url(user, "/login/"),
        )
    return enqueue(send_email, tenant_id=None, user_id=actor_id, to=user.email, subject=subject, text=text)
