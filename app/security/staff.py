"""Rules for vendor staff accounts (users without a tenant): roles they may hold, who may be removed."""

import secrets

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from app.core.validation import FieldError
from app.extensions import db
from app.security.catalogue import TENANT_ROLES, VENDOR_ADMIN
from app.security.models import TenantUser


def vendor_role_names() -> list[str]:
    """Roles a vendor staff member may hold (the vendor catalogue roles and the custom ones) that the signed-in
    user may hand out: only roles granting nothing beyond their own permissions (staff management given to a
    custom role does not make anyone a Vendor Admin)."""
    excluded = set(TENANT_ROLES) | {current_app.config["AUTH_ROLE_PUBLIC"]}
    roles = db.session.execute(sa.select(Role).order_by(Role.name)).scalars()
    return [role.name for role in roles if role.name not in excluded and _grantable(role)]


def _grantable(role: Role) -> bool:
    user = g.get("user") if has_request_context() else None
    if user is None or not getattr(user, "is_authenticated", False):
        return True  # the CLI and the seeds
    pairs = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
    return pairs <= current_app.appbuilder.sm.permissions_of(user)


def check_manageable(user: TenantUser) -> None:
    """A staff member whose roles grant more than the signed-in user holds is not theirs to change."""
    if not all(_grantable(role) for role in user.roles):
        raise FieldError("roles", _l("This staff member holds a role with more rights than yours."))


def hash_password(password: str) -> str:
    """Hashed as FAB hashes the passwords it sets, so FAB's login checks it."""
    config = current_app.config
    return generate_password_hash(
        password,
        method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


def prepare_new_staff(user: TenantUser, password: str | None) -> None:
    """A new vendor staff member; without a password nobody can sign in as them until they choose one
    through their invitation."""
    user.tenant_id = None
    user.active = True
    _sign_in_with_email(user)
    user.password = hash_password(password or secrets.token_urlsafe(32))


def _sign_in_with_email(user: TenantUser) -> None:
    """Staff sign in with their e-mail: the username follows it."""
    user.email = user.email.strip().lower()
    user.username = user.email
    taken = sa.select(TenantUser.id).where(TenantUser.username == user.username, TenantUser.id != user.id)
    with db.session.no_autoflush:
        if db.session.execute(taken).first():
            raise FieldError("email", _l("A user with this e-mail already exists."))


def _is_active_admin(user: TenantUser) -> bool:
    return bool(user.active) and any(role.name == VENDOR_ADMIN for role in user.roles)


def _other_active_admins(user: TenantUser) -> int:
    statement = (
        sa.select(sa.func.count(TenantUser.id))
        .join(TenantUser.roles)
        .where(
            Role.name == VENDOR_ADMIN,
            TenantUser.tenant_id.is_(None),
            TenantUser.active.is_(True),
            TenantUser.id != user.id,
        )
    )
    with db.session.no_autoflush:
        return db.session.execute(statement).scalar_one()


LAST_ADMIN = _l("This is the last active Vendor Admin: make someone else Vendor Admin first.")


def check_admin_remains(user: TenantUser) -> None:
    """After a change to `user` (active flag or roles), some active Vendor Admin must remain."""
    if not _is_active_admin(user) and _other_active_admins(user) == 0:
        raise FieldError("roles", LAST_ADMIN)


def prepare_update(user: TenantUser, actor_id: int) -> None:
    """Checks an edit of `user` (applied, not yet saved): e-mail, active flag, roles."""
    if user.id == actor_id and not user.active:
        raise FieldError("active", _l("You cannot deactivate your own account."))
    check_manageable(user)
    _sign_in_with_email(user)
    check_admin_remains(user)


def check_deletion(user: TenantUser, actor_id: int) -> None:
    if user.id == actor_id:
        raise FieldError("user", _l("You cannot delete your own account."))
    check_manageable(user)
    if _is_active_admin(user) and _other_active_admins(user) == 0:
        raise FieldError("user", LAST_ADMIN)
