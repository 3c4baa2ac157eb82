"""The tenant's team (spec §5 Manajemen Pegawai, §9 Pengguna): employee accounts and the roles of its users.

An employee is a tenant user with the Kurir, Marketing or Admin role and an EmployeeProfile. Every
function takes the tenant and the acting user, checks the rule, flushes and never commits; refused
input is a FieldError. Rules:
- an Admin adds and manages Kurir and Marketing accounts; only a Super Admin adds or manages Admins;
- every active account counts against the plan's user quota (creating, activating);
- an inactive account cannot sign in and leaves the courier / marketing pickers, its history stays;
- an account is deleted only when nothing refers to it (shipments, status entries), else deactivated;
- the last active Super Admin is neither demoted nor deactivated.
"""

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.sqla.models import Role
from flask_appbuilder.validators import default_password_complexity
from flask_babel import lazy_gettext as _l
from lokal import parse_phone

from app.audit.services import record_event
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.shipments.models import Shipment, ShipmentStatusEvent
from app.logistics.team.models import EmployeeProfile
from app.security.catalogue import SUPER_ADMIN, TENANT_ROLES
from app.security.models import TenantUser
from app.security.staff import hash_password
from app.tenancy.models import Tenant
from app.tenancy.services import QuotaExceeded, check_user_quota

KURIR, MARKETING, ADMIN = "Kurir", "Marketing", "Admin"
EMPLOYEE_ROLES = (KURIR, MARKETING, ADMIN)
ROLE_LABELS = {
    SUPER_ADMIN: _l("Super Admin"),
    ADMIN: _l("Admin"),
    "Viewer": _l("Viewer"),
    KURIR: _l("Courier"),
    MARKETING: _l("Marketing"),
}
MAX_NAME = 128  # first_name + last_name: 64 each
MAX_PLATE = 15
MAX_ADDRESS = 500


def role_label(name: str | None) -> str:
    return str(ROLE_LABELS.get(name, name or ""))


def role_of(user: TenantUser) -> str | None:
    """The user's catalogue role (tenant users hold exactly one)."""
    return next((role.name for role in user.roles if role.name in TENANT_ROLES), None)


def full_name(user: TenantUser) -> str:
    return " ".join(part for part in (user.first_name, user.last_name) if part)


@dataclass
class EmployeeInput:
    role: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    plate_number: str = ""
    address: str = ""
    active: bool = True
    password: str = ""
    send_invitation: bool = False

    @classmethod
    def from_form(cls, form) -> "EmployeeInput":
        return cls(
            role=(form.get("role") or "").strip(),
            name=" ".join((form.get("name") or "").split()),
            phone=(form.get("phone") or "").strip(),
            email=(form.get("email") or "").strip().lower(),
            plate_number=" ".join((form.get("plate_number") or "").upper().split()),
            address=(form.get("address") or "").strip(),
            active=form.get("active") in ("1", "on", "y", "true"),
            password=form.get("password") or "",
            send_invitation=form.get("send_invitation") in ("1", "on", "y", "true"),
        )


# --- who may manage whom -------------------------------------------------------------------
def manageable_roles(actor: TenantUser) -> tuple[str, ...]:
    """The employee roles `actor` may add and manage: a Super Admin all three, others Kurir and Marketing."""
    return EMPLOYEE_ROLES if role_of(actor) == SUPER_ADMIN else (KURIR, MARKETING)


def check_may_manage(actor: TenantUser, user: TenantUser) -> None:
    if user.tenant_id != actor.tenant_id or role_of(user) not in manageable_roles(actor):
        raise FieldError("role", _l("Only a Super Admin manages Admin accounts."))


# --- validation ----------------------------------------------------------------------------
def normalized_phone(raw: str) -> str | None:
    """+62… (E.164) for a valid Indonesian number, else None."""
    info = parse_phone(raw or "")
    return info.e164 if info.valid else None


def display_phone(stored: str | None) -> str:
    """0812-3456-7890 for a stored number (as typed when lokal cannot read it)."""
    if not stored:
        return ""
    info = parse_phone(stored)
    return info.national if info.valid else stored


def whatsapp_number(stored: str | None) -> str | None:
    """62812… for wa.me links, or None."""
    info = parse_phone(stored or "")
    return info.whatsapp if info.valid and info.type == "mobile" else None


def check_password(password: str) -> None:
    if not password:
        raise FieldError("password", _l("Enter a password or send an invitation."))
    if current_app.config.get("FAB_PASSWORD_COMPLEXITY_ENABLED", False):
        validator = current_app.config.get("FAB_PASSWORD_COMPLEXITY_VALIDATOR") or default_password_complexity
        try:
            validator(password)
        except PasswordComplexityValidationError as exc:
            raise FieldError("password", str(exc)) from None


def _check(data: EmployeeInput, actor: TenantUser, user: TenantUser | None) -> None:
    errors = {}
    if data.role not in manageable_roles(actor):
        errors["role"] = (
            _l("Only a Super Admin adds Admin accounts.") if data.role == ADMIN else _l("Choose a role from the list.")
        )
    if not data.name:
        errors["name"] = _l("This field is required.")
    elif len(data.name) > MAX_NAME:
        errors["name"] = _l("At most %(max)s characters.", max=MAX_NAME)
    phone = normalized_phone(data.phone)
    if phone is None:
        errors["phone"] = _l("Enter a valid Indonesian phone number, e.g. 0812 3456 7890.")
    else:
        data.phone = phone
    if not _valid_email(data.email):
        errors["email"] = _l("Enter a valid e-mail address.")
    elif _email_taken(data.email, user):
        errors["email"] = _l("A user with this e-mail already exists.")
    if data.role == KURIR and not data.plate_number:
        errors["plate_number"] = _l("This field is required.")
    elif len(data.plate_number) > MAX_PLATE:
        errors["plate_number"] = _l("At most %(max)s characters.", max=MAX_PLATE)
    if len(data.address) > MAX_ADDRESS:
        errors["address"] = _l("At most %(max)s characters.", max=MAX_ADDRESS)
    if errors:
        raise FieldError(errors=errors)


def _valid_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and "." in domain and " " not in email and len(email) <= 64)


def _email_taken(email: str, user: TenantUser | None) -> bool:
    stmt = sa.select(TenantUser.id).where(sa.or_(TenantUser.username == email, TenantUser.email == email))
    if user is not None:
        stmt = stmt.where(TenantUser.id != user.id)
    with db.session.no_autoflush:
        return db.session.execute(stmt).first() is not None


def _role(name: str) -> Role:
    return db.session.execute(sa.select(Role).where(Role.name == name)).scalar_one()


def _check_quota(tenant: Tenant) -> None:
    try:
        check_user_quota(tenant)
    except QuotaExceeded as exc:
        raise FieldError("quota", str(exc)) from None


def _record(action: str, actor: TenantUser, user: TenantUser, **details) -> None:
    """An employee or role change in the tenant's activity log (app/audit/sentences.py reads it)."""
    record_event(
        db.session,
        action,
        tenant_id=user.tenant_id,
        actor_id=actor.id,
        summary=full_name(user),
        entity=user,
        details=details,
    )


# --- employees -----------------------------------------------------------------------------
def profile_of(user: TenantUser) -> EmployeeProfile | None:
    return db.session.execute(sa.select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).scalar_one_or_none()


def profiles_by_user(user_ids: list[int]) -> dict[int, EmployeeProfile]:
    if not user_ids:
        return {}
    stmt = sa.select(EmployeeProfile).where(EmployeeProfile.user_id.in_(user_ids))
    return {profile.user_id: profile for profile in db.session.execute(stmt).scalars()}


def _apply(user: TenantUser, profile: EmployeeProfile, data: EmployeeInput) -> None:
    first, _space, last = data.name.partition(" ")
    user.first_name, user.last_name = first[:64], last[:64]
    user.email = user.username = data.email
    user.phone = data.phone
    user.roles = [_role(data.role)]
    profile.plate_number = data.plate_number or None if data.role == KURIR else None
    profile.address = data.address or None if data.role != KURIR else None


def create_employee(tenant: Tenant, actor: TenantUser, data: EmployeeInput) -> TenantUser:
    """A new employee account. Without a password (`send_invitation`) nobody can sign in as it until the
    invited person chooses one (the caller enqueues the invitation)."""
    _check(data, actor, None)
    if not data.send_invitation:
        check_password(data.password)
    if data.active:
        _check_quota(tenant)
    user = TenantUser(tenant_id=tenant.id, active=data.active, first_name="", last_name="", username="", email="")
    user.password = hash_password(secrets.token_urlsafe(32) if data.send_invitation else data.password)
    profile = EmployeeProfile(tenant_id=tenant.id, user=user)
    _apply(user, profile, data)
    db.session.add_all([user, profile])
    db.session.flush()
    _record("employee_added", actor, user, role=data.role)
    return user


def update_employee(tenant: Tenant, actor: TenantUser, user: TenantUser, data: EmployeeInput) -> None:
    check_may_manage(actor, user)
    _check(data, actor, user)
    if data.active and not user.active:
        _check_quota(tenant)
    if not data.active:
        _check_not_self(actor, user)
    user.active = data.active
    profile = profile_of(user) or EmployeeProfile(tenant_id=tenant.id, user=user)
    _apply(user, profile, data)
    db.session.add(profile)
    db.session.flush()
    _record("employee_edited", actor, user, role=data.role)


def set_active(tenant: Tenant, actor: TenantUser, user: TenantUser, active: bool) -> None:
    """Deactivated: cannot sign in, leaves the courier / marketing pickers; its shipments keep its name."""
    check_may_manage(actor, user)
    if active and not user.active:
        _check_quota(tenant)
    if not active:
        _check_not_self(actor, user)
    user.active = active
    db.session.flush()
    _record("employee_activated" if active else "employee_deactivated", actor, user)


def set_password(actor: TenantUser, user: TenantUser, password: str) -> None:
    check_may_manage(actor, user)
    check_password(password)
    user.password = hash_password(password)
    user.fail_login_count = 0
    db.session.flush()
    _record("password_reset", actor, user)


def references(user: TenantUser) -> int:
    """How many shipments and status entries name the user."""
    shipments = sa.select(sa.func.count(Shipment.id)).where(
        sa.or_(Shipment.courier_id == user.id, Shipment.marketing_id == user.id, Shipment.created_by_id == user.id)
    )
    events = sa.select(sa.func.count(ShipmentStatusEvent.id)).where(ShipmentStatusEvent.user_id == user.id)
    return db.session.execute(shipments).scalar_one() + db.session.execute(events).scalar_one()


def delete_employee(tenant: Tenant, actor: TenantUser, user: TenantUser) -> None:
    check_may_manage(actor, user)
    _check_not_self(actor, user)
    if references(user):
        raise FieldError(
            "delete",
            _l(
                "%(name)s is named on shipments or status entries and cannot be deleted: "
                "deactivate the account instead (its history stays).",
                name=full_name(user),
            ),
        )
    _record("employee_deleted", actor, user)
    profile = profile_of(user)
    if profile is not None:
        db.session.delete(profile)
    user.roles = []
    db.session.flush()
    db.session.delete(user)
    db.session.flush()


def _check_not_self(actor: TenantUser, user: TenantUser) -> None:
    if actor.id == user.id:
        raise FieldError("active", _l("You cannot deactivate or delete your own account."))


# --- users and roles (Super Admin) ---------------------------------------------------------
LAST_SUPER_ADMIN = _l("This is the last active Super Admin: make someone else Super Admin first.")


def _other_active_super_admins(user: TenantUser) -> int:
    stmt = (
        sa.select(sa.func.count(TenantUser.id))
        .join(TenantUser.roles)
        .where(
            Role.name == SUPER_ADMIN,
            TenantUser.tenant_id == user.tenant_id,
            TenantUser.active.is_(True),
            TenantUser.id != user.id,
        )
    )
    with db.session.no_autoflush:
        return db.session.execute(stmt).scalar_one()


def check_super_admin_remains(user: TenantUser, *, role: str, active: bool) -> None:
    """Before `user` gets `role` / `active`: some other active Super Admin must remain when it stops being one."""
    was = bool(user.active) and role_of(user) == SUPER_ADMIN
    stays = active and role == SUPER_ADMIN
    if was and not stays and _other_active_super_admins(user) == 0:
        raise FieldError("role", LAST_SUPER_ADMIN)


def change_role(tenant: Tenant, actor: TenantUser, user: TenantUser, role: str) -> None:
    """One of the five fixed roles (spec §9)."""
    if user.tenant_id != tenant.id:
        raise FieldError("role", _l("Choose a role from the list."))
    if role not in TENANT_ROLES:
        raise FieldError("role", _l("Choose a role from the list."))
    check_super_admin_remains(user, role=role, active=bool(user.active))
    user.roles = [_role(role)]
    if role in EMPLOYEE_ROLES and profile_of(user) is None:
        db.session.add(EmployeeProfile(tenant_id=tenant.id, user=user))
    db.session.flush()
    _record("role_changed", actor, user, role=role)


def set_user_active(tenant: Tenant, actor: TenantUser, user: TenantUser, active: bool) -> None:
    """The Super Admin's switch on the users page: any user of the tenant, the last Super Admin excepted."""
    if not active:
        _check_not_self(actor, user)
    check_super_admin_remains(user, role=role_of(user) or "", active=active)
    if active and not user.active:
        _check_quota(tenant)
    user.active = active
    db.session.flush()
    _record("employee_activated" if active else "employee_deactivated", actor, user)


def of_tenant(tenant_id: int, roles: tuple[str, ...] | None = None):
    """The team pages' row rule: a user of the tenant (holding one of `roles`). Other tenants' users and the
    vendor's staff are missing pages there (app/core/rows.py get_or_404)."""
    rule = TenantUser.tenant_id == tenant_id
    return rule if roles is None else sa.and_(rule, TenantUser.roles.any(Role.name.in_(roles)))


def managed_by(actor: TenantUser):
    """The row rule of the employee pages: the users `actor` may manage."""
    return of_tenant(actor.tenant_id, manageable_roles(actor))


def tenant_users(tenant_id: int, roles: tuple[str, ...] | None = None):
    """The tenant's users (optionally with one of `roles`), by name."""
    stmt = sa.select(TenantUser).where(of_tenant(tenant_id, roles))
    stmt = stmt.options(sa.orm.selectinload(TenantUser.roles)).order_by(TenantUser.first_name, TenantUser.id)
    return list(db.session.execute(stmt).scalars())


def employee_role(raw: str | None) -> str:
    """One employee role from a page's `role` argument, or "" (all of them)."""
    return raw if raw in EMPLOYEE_ROLES else ""


def employees(tenant_id: int, role: str = "") -> list[TenantUser]:
    """The tenant's employees of `role` (all employee roles when "")."""
    return tenant_users(tenant_id, (role,) if role else EMPLOYEE_ROLES)
