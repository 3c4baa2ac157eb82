"""Role -> permission grants, cached per process and checked against the database on every request.

FAB reloads a user's roles, groups and every permission row through the ORM for each request
(three queries and a few hundred ORM objects). Grants change only when an admin edits a role or
`flask sync-roles` runs, so each process keeps the permissions of each role, and every request
reads the user's role ids together with a fingerprint of the grant table in one small statement.
When the fingerprint moves, the cache is dropped: a role change takes effect on the next request,
in every process. The same statement reads the modules enabled for the user's tenant (never cached:
the vendor switching one off counts on the next request), which the access check needs on most pages,
and the tenant's data version (app/tenancy/freshness.py). For a signed-in user it is also the
statement that loads the user with roles and tenant (`GrantCache.load_user`, the user loader).

The fingerprint of ab_permission_view_role is its row count, highest id and the sums of its role
and permission ids. FAB never updates those rows in place: a grant or a revocation inserts or
deletes a row, which changes the count, or, when one is replaced by another, the highest id
(ids are not reused on PostgreSQL) and a sum.
"""

from dataclasses import dataclass, field, replace
from threading import Lock

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    Role,
    ViewMenu,
    assoc_group_role,
    assoc_permissionview_role,
    assoc_user_group,
    assoc_user_role,
)
from sqlalchemy.orm import defer, joinedload

from app.security.models import TenantUser
from app.tenancy.freshness import data_version_statement
from app.tenancy.models import Tenant, TenantModule
from app.tenancy.scoping import SKIP_OPTION

_grants = assoc_permissionview_role
# A literal in the SQL text: a separator given as a string is a parameter SQLAlchemy renders into the text
# anew at every execution (this statement runs for every request).
_SEPARATOR = sa.literal_column("','")


def _fingerprint():
    return sa.select(
        sa.func.count().label("rows"),
        sa.func.max(_grants.c.id).label("top"),
        sa.func.sum(_grants.c.role_id).label("roles"),
        sa.func.sum(_grants.c.permission_view_id).label("views"),
    )


def _tenant_of(user_id):
    return sa.select(TenantUser.tenant_id).where(TenantUser.id == user_id).scalar_subquery()


def _tenant_modules(user_id):
    """The module codes enabled for the user's tenant, comma-separated (NULL for vendor staff)."""
    return (
        sa.select(sa.func.aggregate_strings(TenantModule.module_code, _SEPARATOR))
        .where(TenantModule.tenant_id == _tenant_of(user_id))
        .scalar_subquery()
        .label("modules")
    )


def _roles_and_fingerprint():
    """One row per role of the user (role_id NULL when none), each carrying the fingerprint, the tenant's
    modules and its data version (app/tenancy/freshness.py)."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    direct = sa.select(assoc_user_role.c.role_id.label("role_id")).where(assoc_user_role.c.user_id == user_id)
    via_groups = (
        sa.select(assoc_group_role.c.role_id)
        .join(assoc_user_group, assoc_user_group.c.group_id == assoc_group_role.c.group_id)
        .where(assoc_user_group.c.user_id == user_id)
    )
    fingerprint, roles = _fingerprint().subquery("fingerprint"), sa.union(direct, via_groups).subquery("user_roles")
    return (
        sa.select(
            fingerprint,
            roles.c.role_id,
            _tenant_modules(user_id),
            _tenant_of(user_id).label("tenant_id"),
            data_version_statement(_tenant_of(user_id)).label("data_version"),
        )
        .select_from(fingerprint)
        .outerjoin(roles, sa.true())
    )


# Read by few pages (profile, user admin, invoices), loaded when one does; every request paid for reading them.
_USER_DETAILS = tuple(
    getattr(TenantUser, name)
    for name in ("password", "last_login", "login_count", "fail_login_count", "created_on", "changed_on", "phone")
)
_TENANT_DETAILS = tuple(
    getattr(Tenant, name) for name in ("contact_name", "email", "phone", "address", "npwp", "joined_on", "created_at")
)


def _user_with_grants():
    """The signed-in user (roles and tenant joined) with what the grants need, in one statement: the
    fingerprint, the role ids it has through groups, the tenant's modules and data version."""
    fingerprint = _fingerprint().subquery("fingerprint")
    group_roles = (
        sa.select(sa.func.aggregate_strings(sa.cast(assoc_group_role.c.role_id, sa.String), _SEPARATOR))
        .join(assoc_user_group, assoc_user_group.c.group_id == assoc_group_role.c.group_id)
        .where(assoc_user_group.c.user_id == TenantUser.id)
        .scalar_subquery()
    )
    modules = (
        sa.select(sa.func.aggregate_strings(TenantModule.module_code, _SEPARATOR))
        .where(TenantModule.tenant_id == TenantUser.tenant_id)
        .scalar_subquery()
    )
    return (
        sa.select(
            TenantUser,
            *fingerprint.c,
            group_roles.label("group_roles"),
            modules.label("modules"),
            data_version_statement(TenantUser.tenant_id).label("data_version"),
        )
        .join(fingerprint, sa.true())
        .options(
            joinedload(TenantUser.roles),
            joinedload(TenantUser.tenant).options(*map(defer, _TENANT_DETAILS)),
            *map(defer, _USER_DETAILS),
        )
        .where(TenantUser.id == sa.bindparam("pk", type_=sa.Integer))
        # Read before the request's tenant scope exists; the modules are looked up by the user's own tenant.
        .execution_options(**{SKIP_OPTION: True})
    )


# Built once: constructing them costs more Python than running them.
ROLES_AND_FINGERPRINT = _roles_and_fingerprint()
USER_WITH_GRANTS = _user_with_grants()


def _codes(joined: str | None) -> list[str]:
    return [code for code in (joined or "").split(",") if code]


def _permissions_statement(role_ids):
    return (
        sa.select(_grants.c.role_id, Permission.name, ViewMenu.name)
        .join(PermissionView, PermissionView.id == _grants.c.permission_view_id)
        .join(Permission, Permission.id == PermissionView.permission_id)
        .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
        .where(_grants.c.role_id.in_(role_ids))
    )


@dataclass(frozen=True)
class _Snapshot:
    fingerprint: tuple | None = None
    by_role: dict = field(default_factory=dict)
    public: frozenset | None = None


class GrantCache:
    """Per process (one per security manager): role id -> frozenset of (permission, view) pairs.

    Requests run in threads: the cache is an immutable snapshot, replaced whole, and what a request
    loads is kept only while the fingerprint it read is still current (never newer than its data).
    """

    def __init__(self):
        self._snapshot = _Snapshot()
        self._lock = Lock()

    def read(self, connection, user_id: int | None) -> "Grants":
        """One statement: the fingerprint (dropping a stale cache), the user's role ids and tenant modules."""
        rows = connection.execute(ROLES_AND_FINGERPRINT, {"user_id": user_id}).all()
        role_ids = {row.role_id for row in rows if row.role_id is not None}
        first = rows[0]
        return self._grants(connection, tuple(first[:4]), role_ids, first.modules, first.tenant_id, first.data_version)

    def load_user(self, session, user_id: int):
        """The user (roles and tenant loaded) and its grants, in one statement: (None, None) if no such user."""
        row = session.execute(USER_WITH_GRANTS, {"pk": user_id}).unique().one_or_none()
        if row is None:
            return None, None
        user = row[0]
        role_ids = {role.id for role in user.roles} | {int(role_id) for role_id in _codes(row.group_roles)}
        fingerprint = (row.rows, row.top, row.roles, row.views)
        version = row.data_version
        return user, self._grants(session.connection(), fingerprint, role_ids, row.modules, user.tenant_id, version)

    def _grants(self, connection, fingerprint, role_ids, modules, tenant_id, data_version) -> "Grants":
        snapshot = self._current(fingerprint)
        return Grants(self, connection, snapshot, role_ids, frozenset(_codes(modules)), tenant_id, data_version)

    def _current(self, fingerprint: tuple) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot.fingerprint == fingerprint:
            return snapshot
        with self._lock:
            if self._snapshot.fingerprint != fingerprint:
                self._snapshot = _Snapshot(fingerprint)
            return self._snapshot

    def _keep(self, seen: _Snapshot, change) -> None:
        with self._lock:
            if self._snapshot.fingerprint == seen.fingerprint:
                self._snapshot = change(self._snapshot)


@dataclass
class Grants:
    """What one request sees: the user's permissions, the public role's, the tenant's modules and data version."""

    cache: GrantCache
    connection: object
    snapshot: _Snapshot
    role_ids: set
    modules: frozenset
    tenant_id: int | None
    data_version: int | None

    def of_user(self) -> frozenset:
        by_role = self.snapshot.by_role
        missing = self.role_ids - by_role.keys()
        if missing:
            loaded = _load(self.connection, missing)
            self.cache._keep(self.snapshot, lambda current: replace(current, by_role={**current.by_role, **loaded}))
            by_role = {**by_role, **loaded}
        return frozenset().union(*(by_role[role_id] for role_id in self.role_ids))

    def of_public(self, role_name: str) -> frozenset:
        """The pairs granted to the public (anonymous) role, looked up by name when grants change."""
        if self.snapshot.public is not None:
            return self.snapshot.public
        role_id = self.connection.execute(sa.select(Role.id).where(Role.name == role_name)).scalar()
        public = _load(self.connection, {role_id})[role_id] if role_id is not None else frozenset()
        self.cache._keep(self.snapshot, lambda current: replace(current, public=public))
        return public


def _load(connection, role_ids: set) -> dict:
    pairs = {role_id: set() for role_id in role_ids}
    for role_id, permission, view in connection.execute(_permissions_statement(role_ids)):
        pairs[role_id].add((permission, view))
    return {role_id: frozenset(found) for role_id, found in pairs.items()}
