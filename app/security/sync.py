"""Writes the role catalogue to the database, idempotently (part of `flask app-release`)."""

from app.core.access import AREA_REALMS_WITH_VIEWS
from app.security.catalogue import ROLES, SECURITY_VIEWS, expected_permissions


def registered_resources(appbuilder) -> dict[str, str]:
    """Every resource of our views (those that declare a realm) -> its realm; security screens are the
    vendor admin's alone (`security_pairs`), never a grantable resource."""
    return {
        view.class_permission_name: view.realm
        for view in appbuilder.baseviews
        if getattr(view, "realm", None) in AREA_REALMS_WITH_VIEWS and view.class_permission_name not in SECURITY_VIEWS
    }


def security_pairs(appbuilder) -> set[tuple[str, str]]:
    pairs = set()
    for view in appbuilder.baseviews:
        if view.class_permission_name in SECURITY_VIEWS:
            pairs |= {(perm, view.class_permission_name) for perm in view.base_permissions}
    for menu_name in appbuilder.menu.get_flat_name_list():
        if menu_name in SECURITY_VIEWS:
            pairs.add(("menu_access", menu_name))
    return pairs


def available_pairs(appbuilder) -> set[tuple[str, str]]:
    """Every (permission, view) pair the registered views and menus actually have."""
    pairs = {(perm, view.class_permission_name) for view in appbuilder.baseviews for perm in view.base_permissions}
    return pairs | {("menu_access", name) for name in appbuilder.menu.get_flat_name_list()}


def role_matrix(appbuilder, menus: dict[str, set[str]]) -> dict[str, set[tuple[str, str]]]:
    resources = registered_resources(appbuilder)
    fab_pairs = security_pairs(appbuilder)
    available = available_pairs(appbuilder)
    return {role: expected_permissions(role, resources, menus, fab_pairs) & available for role in ROLES}


def sync_roles(appbuilder, menus: dict[str, set[str]]) -> dict[str, int]:
    sm = appbuilder.sm
    changed = {}
    for role_name, desired in role_matrix(appbuilder, menus).items():
        role = sm.find_role(role_name) or sm.add_role(role_name)
        changed[role_name] = set_role_permissions(sm, role, desired)
    public = sm.find_role(sm.auth_role_public) or sm.add_role(sm.auth_role_public)
    for pv in list(public.permissions):
        sm.del_permission_role(public, pv)
    return changed


def set_role_permissions(sm, role, desired: set[tuple[str, str]]) -> int:
    """Give `role` exactly the `desired` (permission, view) pairs; the caller commits. Returns the changes."""
    current = {(pv.permission.name, pv.view_menu.name): pv for pv in role.permissions}
    role.permissions = [pv for pair, pv in current.items() if pair in desired] + [
        sm.add_permission_view_menu(*pair) for pair in sorted(desired - current.keys())
    ]
    return len(desired ^ current.keys())
