"""Where each permission name and menu entry belongs: realm (vendor / tenant) and product module.

Views declare `realm` and `module_code`; menu.py records them here when it registers a view,
and the security manager's single access check reads them.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.core.names import ASSIGN, CAN_WRITE, INVOICE, SEND, VENDOR_TICKET

VENDOR = "vendor"
TENANT = "tenant"
COMMON = "common"

READ = "read"
WRITE = "write"  # tenant pages: one permission for every change
# Vendor pages (the spec's "clients.read, clients.create, invoices.edit"): a change is creating, editing or
# deleting, each a permission of its own (`can_add`, `can_edit`, `can_delete`), granted one by one in the
# role editor.
CREATE = "add"
EDIT = "edit"
DELETE = "delete"
VENDOR_CHANGES = (CREATE, EDIT, DELETE)

# Actions that need their own permission (`can_<action>` on the resource) instead of plain write.
# Declared here only: views protect the method of that name with `special_action()`, the role
# catalogue grants them along with write, the role editor shows them in their own column.
SPECIAL_ACTIONS = {
    INVOICE: {SEND: _l("Send by e-mail")},
    VENDOR_TICKET: {ASSIGN: _l("Assign to an agent")},
}


def special_action(resource: str, action: str) -> str:
    """The permission name a view's `method_permission_name` gives its method `action`."""
    if action not in SPECIAL_ACTIONS.get(resource, {}):
        raise KeyError(f"{action!r} is not a special action of {resource!r}: declare it in SPECIAL_ACTIONS")
    return action


def special_permissions(resource: str) -> dict:
    """`can_<action>` -> label for each special action of the resource."""
    return {f"can_{action}": label for action, label in SPECIAL_ACTIONS.get(resource, {}).items()}


# Special actions change things too: an expired subscription refuses them like writes.
WRITE_PERMISSIONS = frozenset({CAN_WRITE, "can_add", "can_edit", "can_delete", "can_muldelete"}) | {
    name for resource in SPECIAL_ACTIONS for name in special_permissions(resource)
}

# FAB method name -> permission, so each tenant resource has just `can_read` and `can_write`.
METHOD_PERMISSIONS = {
    "list": READ,
    "show": READ,
    "download": READ,
    "api_read": READ,
    "api_get": READ,
    "api": READ,
    "api_column_add": WRITE,
    "api_column_edit": WRITE,
    "api_readvalues": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": WRITE,
    "muldelete": WRITE,
    "action": WRITE,
    "action_post": WRITE,
    "get": READ,
    "get_list": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
}


# The same methods on vendor pages: each change names what it does.
VENDOR_METHOD_PERMISSIONS = {
    **METHOD_PERMISSIONS,
    "api_column_add": CREATE,
    "api_column_edit": EDIT,
    "add": CREATE,
    "edit": EDIT,
    "delete": DELETE,
    "muldelete": DELETE,
    "action": EDIT,
    "action_post": EDIT,
    "post": CREATE,
    "put": EDIT,
}


def change_permissions(realm: str) -> tuple[str, ...]:
    """The permission names a realm's write level grants: `can_write`, or creating, editing and deleting."""
    return tuple(f"can_{change}" for change in VENDOR_CHANGES) if realm == VENDOR else ("can_write",)


@dataclass(frozen=True)
class Area:
    realm: str
    module_code: str | None = None


_areas: dict[str, Area] = {}


def register_area(name: str, realm: str, module_code: str | None = None) -> None:
    _areas[name] = Area(realm, module_code)


def area_of(name: str) -> Area:
    return _areas.get(name, Area(COMMON))


def registered_areas() -> dict[str, Area]:
    return dict(_areas)


AREA_REALMS_WITH_VIEWS = frozenset({VENDOR, TENANT, COMMON})
