"""The role catalogue: every role the product ships and what it may do.

This is also the expected permission matrix: the permission sweep test asks
`expected_permissions()` what each role should be allowed and checks every route against it.
`flask sync-roles` (part of `flask app-release`) writes it to the database idempotently.
"""

from dataclasses import dataclass, field

from app.core.access import READ, TENANT, VENDOR, WRITE, change_permissions, special_permissions
from app.core.names import (
    ADMIN,
    CAN_READ,
    CLIENT,
    COURIER,
    COURIER_PAGE,
    CUSTOMER,
    DASHBOARD,
    EXPENSE_APPROVAL,
    EXPENSE_REQUEST,
    INVOICE,
    JOBS,
    MARKETING,
    NOTIFICATION,
    PAYMENT,
    PLAN,
    SHIPMENT,
    SHIPMENT_PAYMENT,
    SHIPMENT_STATUS,
    SUPER_ADMIN,
    TARIFF,
    TENANT_ACTIVITY,
    TENANT_SETTINGS,
    TENANT_SUBSCRIPTION,
    TENANT_USER_ADMIN,
    TICKET,
    TICKET_SETTINGS,
    VENDOR_ACTIVITY,
    VENDOR_ADMIN,
    VENDOR_FINANCE,
    VENDOR_HOME,
    VENDOR_NOTIFICATION,
    VENDOR_STAFF,
    VENDOR_SUPPORT,
    VENDOR_TICKET,
    VENDOR_VIEWER,
    VIEWER,
    WEBHOOK_INBOX,
)
from app.core.names import VENDOR_ROLES as VENDOR_ROLES_RESOURCE

ALL = "*"


@dataclass(frozen=True)
class RoleSpec:
    realm: str
    grants: dict[str, str] = field(default_factory=dict)  # resource (or "*") -> read | write
    security_admin: bool = False


# FAB's own screens every signed-in user needs for their own account.
SELF_SERVICE = frozenset(
    {
        ("can_userinfo", "TenantAwareUserView"),
        ("resetmypassword", "TenantAwareUserView"),
        ("userinfoedit", "TenantAwareUserView"),
        ("can_get", "OpenApi"),
        ("can_show", "SwaggerView"),
        ("can_get", "MenuApi"),
        ("can_this_form_get", "ResetMyPasswordView"),
        ("can_this_form_post", "ResetMyPasswordView"),
        ("can_this_form_get", "UserInfoEditView"),
        ("can_this_form_post", "UserInfoEditView"),
        (CAN_READ, JOBS),
        (CAN_READ, NOTIFICATION),  # the bell: every signed-in user, both realms
    }
)

# FAB's security screens (users, roles, permissions): the vendor admin's.
SECURITY_VIEWS = frozenset(
    {
        "TenantAwareUserView",
        "RoleModelView",
        "ResetPasswordView",
        "PermissionModelView",
        "ViewMenuModelView",
        "PermissionViewModelView",
        "UserStatsChartView",
        "Security",
        "List Users",
        "List Roles",
        "User's Statistics",
        "Base Permissions",
        "Views/Menus",
        "Permission on Views/Menus",
        "List Groups",
        "UserGroupModelView",
    }
)
# Our screens over the same data, vendor staff and the role editor (app/security/*_views.py), are resources
# like any other: a custom role can be granted them. The catalogue keeps them the Vendor Admin's.
ADMIN_ONLY = {VENDOR_STAFF: None, VENDOR_ROLES_RESOURCE: None}

ROLES: dict[str, RoleSpec] = {
    VENDOR_ADMIN: RoleSpec(VENDOR, {ALL: WRITE}, security_admin=True),
    VENDOR_SUPPORT: RoleSpec(
        VENDOR,
        {
            CLIENT: READ,
            VENDOR_TICKET: WRITE,
            TICKET_SETTINGS: READ,
            VENDOR_NOTIFICATION: WRITE,
            VENDOR_ACTIVITY: READ,
            VENDOR_HOME: READ,
        },
    ),
    VENDOR_FINANCE: RoleSpec(
        VENDOR,
        {
            CLIENT: READ,
            INVOICE: WRITE,
            PAYMENT: WRITE,
            PLAN: READ,
            WEBHOOK_INBOX: WRITE,
            VENDOR_ACTIVITY: READ,
            VENDOR_HOME: READ,
        },
    ),
    VENDOR_VIEWER: RoleSpec(VENDOR, {ALL: READ, **ADMIN_ONLY}),
    # COURIER_PAGE (the Kurir's phone page of its own shipments) is the Kurir's only.
    SUPER_ADMIN: RoleSpec(TENANT, {ALL: WRITE, COURIER_PAGE: None}),
    # Spec §9: an Admin adds employees (Kurir and Marketing; the service keeps Admin accounts to the Super
    # Admin); only the Super Admin manages users' roles (menu "Pengguna").
    # Finance (spec §8/§9): the Super Admin approves and marks paid; Admin records entries and files requests.
    ADMIN: RoleSpec(
        TENANT,
        {
            ALL: WRITE,
            TENANT_SETTINGS: READ,
            TENANT_ACTIVITY: READ,
            TENANT_SUBSCRIPTION: READ,
            TENANT_USER_ADMIN: None,
            COURIER_PAGE: None,
            SHIPMENT_PAYMENT: READ,
            EXPENSE_APPROVAL: READ,
        },
    ),
    VIEWER: RoleSpec(TENANT, {ALL: READ, TENANT_ACTIVITY: None, TENANT_USER_ADMIN: None, COURIER_PAGE: None}),
    # Spec §9 "Role Tetap": a Kurir updates the status of its own shipments (the row rule in
    # app/logistics/shipments/services.py narrows to them, and to the entries it recorded itself);
    # Marketing monitors the shipments of the customers it looks after: it reads, it does not write.
    # A Kurir also files its own expense requests (it sees only those) and nothing else of finance.
    COURIER: RoleSpec(
        TENANT,
        {
            DASHBOARD: READ,
            SHIPMENT: READ,
            SHIPMENT_STATUS: WRITE,
            COURIER_PAGE: WRITE,
            TICKET: WRITE,
            NOTIFICATION: READ,
            EXPENSE_REQUEST: WRITE,
        },
    ),
    # Marketing reads the customer book narrowed to its own customers (app/logistics/customers/services.py).
    MARKETING: RoleSpec(
        TENANT,
        {DASHBOARD: READ, SHIPMENT: READ, TARIFF: READ, CUSTOMER: READ, TICKET: WRITE, NOTIFICATION: READ},
    ),
}

VENDOR_ROLES = tuple(name for name, spec in ROLES.items() if spec.realm == VENDOR)
TENANT_ROLES = tuple(name for name, spec in ROLES.items() if spec.realm == TENANT)


def _level(spec: RoleSpec, resource: str) -> str | None:
    if resource in spec.grants:
        return spec.grants[resource]
    return spec.grants.get(ALL)


def expected_permissions(
    role: str,
    resources: dict[str, str],
    menus: dict[str, set[str]],
    security_pairs: set[tuple[str, str]],
) -> set[tuple[str, str]]:
    """(permission, view) pairs the role must hold.

    `resources` maps each registered resource to its realm; `menus` maps each menu entry to the
    resources whose read permission makes it visible; `security_pairs` are FAB's own security
    screens' permissions (the vendor admin's).
    """
    spec = ROLES[role]
    granted: set[tuple[str, str]] = set(SELF_SERVICE)
    for resource, realm in resources.items():
        if realm == spec.realm:
            granted |= _level_pairs(resource, _level(spec, resource), realm)
    granted = _with_menus(granted, menus)
    if spec.security_admin:
        granted |= security_pairs
    return granted


def custom_role_permissions(chosen: set[tuple[str, str]], menus: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(permission, view) pairs of a role built in the role editor from the `chosen` resource
    permissions: writing or a special action implies reading, menus follow as for catalogue roles."""
    granted = set(SELF_SERVICE) | chosen | {(CAN_READ, resource) for _perm, resource in chosen}
    return _with_menus(granted, menus)


def _level_pairs(resource: str, level: str | None, realm: str) -> set[tuple[str, str]]:
    """Read: `can_read`. Write: reading and every change the realm knows (app/core/access.py), plus the
    resource's special actions."""
    if level not in (READ, WRITE):
        return set()
    if level == READ:
        return {(CAN_READ, resource)}
    changes = (*change_permissions(realm), *special_permissions(resource))
    return {(CAN_READ, resource)} | {(name, resource) for name in changes}


def _with_menus(granted: set[tuple[str, str]], menus: dict[str, set[str]]) -> set[tuple[str, str]]:
    readable = {view for perm, view in granted if perm == CAN_READ}
    return granted | {("menu_access", menu) for menu, shown_by in menus.items() if shown_by & readable}
