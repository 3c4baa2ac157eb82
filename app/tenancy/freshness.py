"""A tenant's data version, and per-process caches that key on it (so they are never stale).

`tenant.data_version` moves, in the same transaction, whenever a row of a model marked
`FeedsTenantFigures` (shipments, their items and status events, the tenant's users) is inserted, updated
or deleted through the ORM. Figures derived from those rows (dashboard cards and charts, the courier
filter of the list) and HTML rendered from them (the shipment list's rows, a shipment's detail popup:
`tenant_fragment`) are cached per process under (tenant, version, ...): a commit that changes them
moves the version, so the next request of every process misses and recomputes.

Why it is exact under concurrency (READ COMMITTED): a request reads the version first (with its
role grants, one statement per request); the figures it then computes see at least that version's
data. A cache entry may hold data newer than its version, never older.

Bulk Core statements (`sa.update(Shipment)`) bypass the ORM flush and therefore this hook: code
that writes such rows in bulk must call `bump(tenant_ids, connection)` itself (the demo seed does); the
one-statement insert of a new shipment tree moves it in that statement (app/tenancy/direct_writes.py).
"""

from threading import Lock

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_babel import get_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.mixins import FeedsTenantFigures
from app.core.query_plans import fixed_plan
from app.extensions import db
from app.tenancy.models import Tenant

_PENDING = "tenant_versions_to_bump"
_MAX_ENTRIES = 512


def install() -> None:
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _bump_collected)
        event.listen(Session, "after_soft_rollback", _forget)


def _collect(session, _flush_context) -> None:
    note_written(session, (*session.new, *session.dirty, *session.deleted))


def note_written(session, rows) -> None:
    """These ORM rows are written in the session's transaction: its commit moves their tenants' versions.
    Called by the flush hook, and for rows written outside the unit of work (app/tenancy/direct_writes.py)."""
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


# In the text, not a parameter: the tree statement stays within psycopg's cache of converted queries (4,096 characters).
_ONE = sa.literal_column("1")


def bump_statement(tenant_id):
    """The UPDATE that moves a tenant's version; `tenant_id` a bind parameter or a SQL expression (a statement
    that writes a tenant's rows may move its version itself: app/tenancy/direct_writes.py)."""
    tenant = Tenant.__table__
    return sa.update(tenant).where(tenant.c.id == tenant_id).values(data_version=tenant.c.data_version + _ONE)


# Built once: every commit that writes shipments through the flush runs it (by key: planned once).
BUMP = fixed_plan(bump_statement(sa.bindparam("bumped_tenant_id", type_=sa.Integer)))


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


class VersionedCache:
    """Values computed from one tenant's data, per process, under the tenant's current data version.

    Requests run in threads; a value is computed outside the lock (two threads may both compute it
    once). Old versions are never read again: the cache is emptied whole when it fills up, by its
    number of entries or, when given `weigh`, by the total weight of its values (HTML by its length).
    """

    def __init__(self, max_entries: int = _MAX_ENTRIES, *, weigh=None, max_weight: int = 0):
        self._values: dict = {}
        self._lock = Lock()
        self._max_entries = max_entries
        self._weigh, self._max_weight, self._weight = weigh, max_weight, 0

    def get(self, tenant_id: int, key: tuple, compute, connection):
        full_key = (tenant_id, current_version(tenant_id, connection), *key)
        found = self._values.get(full_key, _MISSING)
        if found is not _MISSING:
            return found
        value = compute()
        weight = self._weigh(value) if self._weigh else 0
        with self._lock:
            if len(self._values) >= self._max_entries or (weight and self._weight + weight > self._max_weight):
                self._values.clear()
                self._weight = 0
            self._values[full_key] = value
            self._weight += weight
        return value


_MISSING = object()


# A list page of 100 rows is ~150,000 characters: at most ~8 MB of HTML per process.
_FRAGMENTS = VersionedCache(weigh=len, max_weight=8_000_000)


def tenant_fragment(name: str, *vary, caller):
    """HTML rendered once per process for the signed-in tenant's data version, the locale, the script root
    and `vary`; in a template `{% call tenant_fragment('name', ...) %}...{% endcall %}`, in a view
    `tenant_fragment('name', ..., caller=render)`.

    What the fragment shows must follow from the tenant's shipments, status events and users (which move
    the version) and from `vary` (the list's query, who the user is to the row rule, permissions): data
    the block reads lazily is then not read at all on a hit. Where no version was noted (vendor staff,
    anonymous visitors, jobs) it is rendered every time. An exception in `caller` (a 404) caches nothing."""
    noted = g.get("tenant_data_version") if has_request_context() else None
    if noted is None:
        return caller()
    key = (name, str(get_locale()), request.script_root, *vary)
    return _FRAGMENTS.get(noted[0], key, caller, db.session.connection())
