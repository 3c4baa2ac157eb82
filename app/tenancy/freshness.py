"""A tenant's data version: the part of a cache key that stands for the tenant's shipments and users.

`tenant.data_version` moves, in the same transaction, whenever a row of a model marked
`FeedsTenantFigures` (shipments, their items and status events, the tenant's users) is inserted, updated
or deleted through the ORM. Figures derived from those rows (dashboard cards and charts, the courier
pickers) and HTML rendered from them (the shipment list's fragments, a shipment's detail popup) are
declared caches (app/core/caching.py) whose key functions include `tenant_data(...)`: a commit that
changes them moves the version, so the next request of every process misses and recomputes.

Why it is exact under concurrency (READ COMMITTED): a request reads the version first (with its
role grants, one statement per request); the figures it then computes see at least that version's
data. A cache entry may hold data newer than its version, never older.

Bulk Core statements (`sa.update(Shipment)`) bypass the ORM flush and therefore this hook: code
that writes such rows in bulk must call `bump(tenant_ids, connection)` itself (the demo seed does); the
one-statement insert of a new shipment moves it in that statement (app/logistics/shipments/new_shipment.py).
"""

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.mixins import FeedsTenantFigures
from app.extensions import db
from app.tenancy.models import Tenant

_PENDING = "tenant_versions_to_bump"


def install() -> None:
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _bump_collected)
        event.listen(Session, "after_soft_rollback", _forget)


def _collect(session, _flush_context) -> None:
    """The rows this flush writes: the transaction's commit moves their tenants' versions."""
    rows = (*session.new, *session.dirty, *session.deleted)
    touched = {row.tenant_id for row in rows if isinstance(row, FeedsTenantFigures) and row.tenant_id is not None}
    if touched:
        session.info.setdefault(_PENDING, set()).update(touched)


def _bump_collected(session) -> None:
    # before_commit runs before the commit's own flush: flush now so that its rows are collected too.
    session.flush()
    tenant_ids = session.info.pop(_PENDING, None)
    if tenant_ids:
        bump(tenant_ids, session.connection())


def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction: a savepoint's rollback keeps the rest
        session.info.pop(_PENDING, None)


def bump_statement(tenant_id):
    """The UPDATE that moves a tenant's version; `tenant_id` a bind parameter or a SQL expression (a statement
    that writes a tenant's rows may move its version itself: app/logistics/shipments/new_shipment.py)."""
    tenant = Tenant.__table__
    return sa.update(tenant).where(tenant.c.id == tenant_id).values(data_version=tenant.c.data_version + 1)


# Built once: every commit that writes shipments through the flush runs it.
BUMP = bump_statement(sa.bindparam("bumped_tenant_id", type_=sa.Integer))


def bump(tenant_ids, connection) -> None:
    """Move the data version of these tenants (taken last in the transaction: the row lock is short), in the
    order of their ids. One statement per tenant rather than an IN list, which SQLAlchemy renders anew each time."""
    connection.execute(BUMP, [{"bumped_tenant_id": tenant_id} for tenant_id in sorted(tenant_ids)])


def data_version_statement(tenant_id):
    """A scalar subquery: the data version of `tenant_id` (a column or an expression)."""
    return sa.select(Tenant.__table__.c.data_version).where(Tenant.__table__.c.id == tenant_id).scalar_subquery()


def note_version(tenant_id: int, version: int) -> None:
    """The access check read the version with the grants: remember it for this request."""
    if has_request_context():
        g.tenant_data_version = (tenant_id, version)


def current_version(tenant_id: int, connection) -> int:
    noted = g.get("tenant_data_version") if has_request_context() else None
    if noted is not None and noted[0] == tenant_id:
        return noted[1]
    return connection.execute(sa.select(data_version_statement(tenant_id))).scalar_one()


def tenant_data(tenant_id: int) -> tuple:
    """The part of a cache key that stands for a tenant's shipments, status events and users: (tenant, version).
    For the key functions of declared caches (app/core/caching.py)."""
    noted = g.get("tenant_data_version") if has_request_context() else None
    if noted is not None and noted[0] == tenant_id:
        return noted
    return tenant_id, current_version(tenant_id, db.session.connection())


def noted_tenant_data() -> tuple | None:
    """(tenant, version) of the signed-in tenant user, read with the grants; None for vendor staff, anonymous
    visitors and jobs (a key function answering None: computed every time)."""
    return g.get("tenant_data_version") if has_request_context() else None
