"""Sign-in sessions and API tokens end together: at logout and at any password change.

Each user has a counter, `ab_user.session_epoch`. A browser session keeps the value it was signed in
with (in the signed session cookie), an API token carries it as a claim; the user loaders (the session's
and the token's, app/security/manager.py) accept a session or token only while the user's counter still
has that value. Logout and every password change (whoever sets it: the user, FAB's reset form, an admin,
an invitation) move the counter, so a cookie copied before the logout, a token issued before it, or any
session of a user whose password was changed stops working at its next request, in every process. The browser
in which users change their own password (whichever form) stays signed in: it takes the new value.
"""

import sqlalchemy as sa
from flask import g, has_request_context, session
from flask_login import user_logged_in

from app.extensions import db
from app.security.models import TenantUser

SESSION_KEY = "_epoch"
CLAIM = "epoch"


def remember_epoch(user) -> None:
    """The browser session now belongs to this user's current epoch."""
    session[SESSION_KEY] = user.session_epoch or 0


def session_is_current(user) -> bool:
    return session.get(SESSION_KEY, 0) == (user.session_epoch or 0)


def token_claims(user) -> dict:
    return {CLAIM: user.session_epoch or 0}


def token_is_current(user, claims: dict) -> bool:
    return claims.get(CLAIM, 0) == (user.session_epoch or 0)


def end_all_sessions(user_id: int) -> None:
    """Every session and token of the user stops working (the caller commits)."""
    table = TenantUser.__table__
    db.session.execute(sa.update(table).where(table.c.id == user_id).values(session_epoch=table.c.session_epoch + 1))


def _password_set(target, value, oldvalue, initiator) -> None:
    if sa.inspect(target).key is None:  # a new user has no session yet
        return
    target.session_epoch = TenantUser.session_epoch + 1
    user = g.get("user") if has_request_context() else None
    if user is not None and getattr(user, "is_authenticated", False) and user.id == target.id:
        g.own_password_changed = True


def _keep_own_session(response):
    """After a request in which the signed-in user changed their own password: this browser keeps its session."""
    if g.pop("own_password_changed", False) and SESSION_KEY in session:
        table = TenantUser.__table__
        statement = sa.select(table.c.session_epoch).where(table.c.id == g.user.id)
        session[SESSION_KEY] = db.session.execute(statement).scalar() or 0
    return response


def _logged_in(sender, user, **extra) -> None:
    remember_epoch(user)


def install(app) -> None:
    if not sa.event.contains(TenantUser.password, "set", _password_set):
        sa.event.listen(TenantUser.password, "set", _password_set)
    user_logged_in.connect(_logged_in)
    app.after_request(_keep_own_session)
