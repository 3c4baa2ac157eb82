"""Custom vendor roles and the grouped permission matrix the role editor shows.

A row per vendor resource, grouped by area, with read / write / special-action cells. Saving a
custom role writes FAB permission rows the same way `flask sync-roles` writes catalogue roles
(`custom_role_permissions` adds self-service and menu entries); catalogue roles are read-only here.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import Role, assoc_user_role
from flask_babel import lazy_gettext as _l

from app.core.access import VENDOR, special_permissions
from app.core.names import (
    CAN_READ,
    CAN_WRITE,
    CLIENT,
    INVOICE,
    MODULE,
    PAYMENT,
    PLAN,
    TICKET_SETTINGS,
    VENDOR_ACTIVITY,
    VENDOR_HOME,
    VENDOR_NOTIFICATION,
    VENDOR_TICKET,
    WEBHOOK_INBOX,
)
from app.core.validation import FieldError
from app.extensions import db
from app.security.catalogue import ROLES, VENDOR_ROLES, custom_role_permissions
from app.security.sync import available_pairs, registered_resources, set_role_permissions

GROUPS = {
    "billing": _l("Clients and billing"),
    "helpdesk": _l("Helpdesk"),
    "notifications": _l("Notifications"),
    "audit": _l("Audit"),
    "dashboards": _l("Dashboards"),
    "other": _l("Other"),
}
# resource -> (group, label); a resource not listed takes its menu category and entry.
RESOURCE_TITLES = {
    CLIENT: ("billing", _l("Clients")),
    MODULE: ("billing", _l("Product modules")),
    PLAN: ("billing", _l("Plans")),
    INVOICE: ("billing", _l("Invoices")),
    PAYMENT: ("billing", _l("Payments and revenue")),
    WEBHOOK_INBOX: ("billing", _l("Payment notifications")),
    VENDOR_TICKET: ("helpdesk", _l("Tickets and ticket statistics")),
    TICKET_SETTINGS: ("helpdesk", _l("Helpdesk settings: teams, rules, SLA, calendar")),
    VENDOR_NOTIFICATION: ("notifications", _l("Notifications to clients")),
    VENDOR_ACTIVITY: ("audit", _l("Vendor activity log")),
    VENDOR_HOME: ("dashboards", _l("Home dashboard")),
}
MENU_CATEGORY_GROUPS = {
    "Billing": "billing",
    "Helpdesk": "helpdesk",
    "Notifications": "notifications",
    "Administration": "audit",
}
READ_LABEL, WRITE_LABEL = _l("Read"), _l("Write")
MAX_NAME = 64  # ab_role.name


@dataclass(frozen=True)
class Cell:
    permission: str
    resource: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.permission}:{self.resource}"

    @property
    def pair(self) -> tuple[str, str]:
        return (self.permission, self.resource)


@dataclass(frozen=True)
class Row:
    resource: str
    label: str
    read: Cell | None
    write: Cell | None
    specials: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(cell for cell in (self.read, self.write) if cell) + self.specials


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    rows: tuple[Row, ...]


def _menu_titles(appbuilder, menus: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
    titles = {}
    for item in appbuilder.menu.get_list():
        for entry in item.childs or [item]:
            for resource in menus.get(entry.name, ()):
                titles.setdefault(resource, (MENU_CATEGORY_GROUPS.get(item.name, "other"), entry.label))
    return titles


def permission_matrix(appbuilder, menus: dict[str, set[str]]) -> list[Group]:
    """Every vendor resource's grantable permissions, grouped for the role editor."""
    available = available_pairs(appbuilder)
    titles = {**_menu_titles(appbuilder, menus), **RESOURCE_TITLES}
    rows: dict[str, list[Row]] = {key: [] for key in GROUPS}
    for resource, realm in registered_resources(appbuilder).items():
        if realm == VENDOR:
            group, label = titles.get(resource, ("other", resource))
            rows[group].append(_row(resource, label, available))
    return [
        Group(key, GROUPS[key], tuple(sorted(found, key=lambda row: str(row.label))))
        for key, found in rows.items()
        if found
    ]


def _row(resource: str, label: str, available: set[tuple[str, str]]) -> Row:
    def cell(permission, text):
        return Cell(permission, resource, text) if (permission, resource) in available else None

    specials = (cell(permission, text) for permission, text in special_permissions(resource).items())
    return Row(resource, label, cell(CAN_READ, READ_LABEL), cell(CAN_WRITE, WRITE_LABEL), tuple(filter(None, specials)))


def chosen_pairs(keys: list[str], matrix: list[Group]) -> set[tuple[str, str]]:
    """The ticked cells of the matrix form; anything else is refused, not ignored."""
    cells = {cell.key: cell for group in matrix for row in group.rows for cell in row.cells}
    unknown = [key for key in keys if key not in cells]
    if unknown:
        raise FieldError("perm", _l("Unknown permission: %(name)s", name=unknown[0][:100]))
    return {cells[key].pair for key in keys}


def is_custom(role: Role) -> bool:
    return role.name not in ROLES and role.name != current_app.config["AUTH_ROLE_PUBLIC"]


def vendor_roles() -> list[Role]:
    """Catalogue vendor roles (in catalogue order), then custom roles by name."""
    roles = db.session.execute(sa.select(Role).order_by(Role.name)).scalars().all()
    catalogue = sorted((r for r in roles if r.name in VENDOR_ROLES), key=lambda r: VENDOR_ROLES.index(r.name))
    return catalogue + [r for r in roles if is_custom(r)]


def user_counts() -> dict[int, int]:
    statement = sa.select(assoc_user_role.c.role_id, sa.func.count()).group_by(assoc_user_role.c.role_id)
    return dict(db.session.execute(statement).all())


def _checked_name(name: str, role: Role | None) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        raise FieldError("name", _l("A role name of at most %(n)s characters is required.", n=MAX_NAME))
    if name in ROLES or name.lower() == current_app.config["AUTH_ROLE_PUBLIC"].lower():
        raise FieldError("name", _l("%(name)s is a built-in role; choose another name.", name=name))
    # Compared in Python: SQLite's lower() folds ASCII only, so "Ünï" never matched an existing "Ünï" and the
    # insert hit the unique index (a 500). Roles are a handful of rows.
    with db.session.no_autoflush:
        names = db.session.execute(sa.select(Role.id, Role.name)).all()
    same = [role_id for role_id, other in names if other.casefold() == name.casefold()]
    if same and (role is None or same != [role.id]):
        raise FieldError("name", _l("A role named %(name)s already exists.", name=name))
    return name


def save_custom_role(
    appbuilder, role: Role | None, name: str, chosen: set[tuple[str, str]], menus: dict[str, set[str]]
) -> Role:
    """Create (role None) or update a custom role with exactly the chosen permissions; the caller commits."""
    if role is not None and not is_custom(role):
        raise FieldError("role", _l("Built-in roles are maintained by the release; create a custom role instead."))
    name = _checked_name(name, role)
    if role is None:
        role = Role(name=name)
        db.session.add(role)
    role.name = name
    desired = custom_role_permissions(chosen, menus) & available_pairs(appbuilder)
    set_role_permissions(appbuilder.sm, role, desired)
    db.session.flush()
    return role


def delete_custom_role(role: Role) -> None:
    if not is_custom(role):
        raise FieldError("role", _l("Built-in roles are maintained by the release; create a custom role instead."))
    if user_counts().get(role.id):
        raise FieldError("role", _l("Users still hold this role: give them another role first."))
    db.session.delete(role)
    db.session.flush()
