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

from app.core.access import SPECIAL_ACTIONS, VENDOR, special_permissions
from app.core.names import (
    CAN_ADD,
    CAN_DELETE,
    CAN_EDIT,
    CAN_READ,
    CLIENT,
    INVOICE,
    MODULE,
    PAYMENT,
    PLAN,
    TICKET_SETTINGS,
    VENDOR_ACTIVITY,
    VENDOR_HOME,
    VENDOR_NOTIFICATION,
    VENDOR_STAFF,
    VENDOR_TICKET,
    WEBHOOK_INBOX,
)
from app.core.names import VENDOR_ROLES as ROLE_EDITOR
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
    "security": _l("Staff and roles"),
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
    VENDOR_STAFF: ("security", _l("Vendor staff accounts")),
    ROLE_EDITOR: ("security", _l("Roles and permissions")),
}
MENU_CATEGORY_GROUPS = {
    "Billing": "billing",
    "Helpdesk": "helpdesk",
    "Notifications": "notifications",
    "Administration": "audit",
}
# The matrix's columns: each a permission name, as the role editor heads it.
COLUMNS = ((CAN_READ, _l("View")), (CAN_ADD, _l("Create")), (CAN_EDIT, _l("Edit")), (CAN_DELETE, _l("Delete")))
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
    columns: tuple[Cell | None, ...]  # one per COLUMNS entry: None where the resource has no such permission
    specials: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(filter(None, self.columns)) + self.specials


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
    columns = tuple(cell(permission, text) for permission, text in COLUMNS)
    return Row(resource, label, columns, tuple(filter(None, specials)))


def chosen_pairs(keys: list[str], matrix: list[Group], held: frozenset) -> set[tuple[str, str]]:
    """The ticked cells of the matrix form; anything else is refused, not ignored. Whoever edits roles grants
    only what they hold themselves: a custom role given role management cannot raise itself to Vendor Admin."""
    cells = {cell.key: cell for group in matrix for row in group.rows for cell in row.cells}
    unknown = [key for key in keys if key not in cells]
    if unknown:
        raise FieldError("perm", _l("Unknown permission: %(name)s", name=unknown[0][:100]))
    chosen = {cells[key].pair for key in keys}
    beyond = sorted(chosen - held)
    if beyond:
        permission, resource = beyond[0]
        raise FieldError(
            "perm",
            _l(
                "You cannot grant %(permission)s on %(resource)s: you do not hold it yourself.",
                permission=permission_label(permission),
                resource=_row_label(matrix, resource),
            ),
        )
    return chosen


def permission_label(permission: str) -> str:
    labels = {**dict(COLUMNS), **{name: text for r in SPECIAL_ACTIONS for name, text in special_permissions(r).items()}}
    return str(labels.get(permission, permission))


def _row_label(matrix: list[Group], resource: str) -> str:
    return next((str(row.label) for group in matrix for row in group.rows if row.resource == resource), resource)


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
