"""The activity log is written from here only: model changes via flush hooks (written at commit), events explicitly."""

import json
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.audit.models import ActivityLog
from app.tenancy.context import acting_user_id, current_scope
from app.tenancy.models import utcnow

_PENDING = "activity_rows_to_write"


# What the activity log shows for each action; domains add their own events (billing's history).
ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "login": _l("Signed in"),
}


def json_ready(value):
    """A column's value as the log keeps it in JSON: dates in ISO format, amounts as exact decimal text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _changed_fields(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in obj.__audit_exclude__:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            changes[attr.key] = [json_ready(before), json_ready(after)]
    return changes


def _snapshot(obj) -> dict:
    state = inspect(obj)
    return {
        a.key: json_ready(getattr(obj, a.key)) for a in state.mapper.column_attrs if a.key not in obj.__audit_exclude__
    }


def _summary(obj) -> str:
    """The object's name in the source language (labels are English msgids): the log is read in every
    user's language, so the page translates it (`gettext(summary)`), whoever wrote the line in which."""
    if not has_request_context():
        return str(obj)[:255]
    with force_locale("en"):
        return str(obj)[:255]


def _row(obj, action: str, changes: dict) -> dict:
    return {
        "tenant_id": obj.audit_tenant_id,
        "actor_id": acting_user_id(),
        "realm": "tenant" if current_scope().tenant_id is not None else "vendor",
        "action": action,
        "entity_type": type(obj).__name__,
        "entity_id": str(getattr(obj, "id", "") or ""),
        "summary": _summary(obj),
        "changes": changes,
        "created_at": utcnow(),
    }


def _changed_rows(session) -> list[dict]:
    rows = [_row(o, "create", _snapshot(o)) for o in session.new if getattr(o, "__audited__", False)]
    for obj in session.dirty:
        if getattr(obj, "__audited__", False):
            changes = _changed_fields(obj)
            if changes:
                rows.append(_row(obj, "update", changes))
    rows += [_row(o, "delete", _snapshot(o)) for o in session.deleted if getattr(o, "__audited__", False)]
    return rows


class _PendingRows:
    """The transaction's model changes, written by its commit in one INSERT. An object created and then
    changed in the same transaction (a shipment and its tracking number) is one "create" line holding
    its final values."""

    def __init__(self):
        self.rows: list[dict] = []
        self._created: dict[tuple, dict] = {}

    def add(self, row: dict) -> None:
        key = (row["entity_type"], row["entity_id"])
        created = self._created.get(key)
        if created is not None and row["action"] == "update":
            created["changes"].update({name: after for name, (_before, after) in row["changes"].items()})
            created["summary"] = row["summary"]
            return
        if row["action"] == "create":
            self._created[key] = row
        self.rows.append(row)


def record_model_changes(session, flush_context) -> None:
    """After the flush, ids exist and history is still readable. Inside a savepoint the lines are written
    at once, so that rolling the savepoint back takes them along; otherwise they wait for the commit."""
    _pend(session, _changed_rows(session))


def record_created(session, objects) -> None:
    """Rows inserted by a statement of their own (app/logistics/shipments/new_shipment.py), logged as the flush
    logs new ones."""
    _pend(session, [_row(obj, "create", _snapshot(obj)) for obj in objects if getattr(obj, "__audited__", False)])


def _pend(session, rows: list[dict]) -> None:
    if not rows:
        return
    if session.in_nested_transaction():
        _write(session.connection(), rows)
        return
    pending = session.info.setdefault(_PENDING, _PendingRows())
    for row in rows:
        pending.add(row)


def _write_pending(session) -> None:
    # before_commit runs before the commit's own flush: flush now so that its changes are logged too.
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        _write(session.connection(), pending.rows)


def _discard_pending(session, transaction) -> None:
    if transaction.parent is None:  # rolled back or closed; a commit has already written them
        session.info.pop(_PENDING, None)


_INSERT = ActivityLog.__table__.insert()


def _insert_from_json():
    """PostgreSQL: INSERT the lines given as one JSON array (its text the same for any number of lines)."""
    table = ActivityLog.__table__
    names = ", ".join(column.name for column in table.columns if not column.primary_key)
    lines = f"json_populate_recordset(NULL::{table.name}, :lines)"
    return sa.text(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {lines}")


_INSERT_FROM_JSON = _insert_from_json()


def _write(connection, rows: list[dict]) -> None:
    """Core, not the ORM: writing the log must not dirty the session it describes. On PostgreSQL one statement
    with one parameter: psycopg's executemany (a pipeline, every column a parameter) cost a create through the
    API 5% of its Python."""
    if connection.dialect.name == "postgresql":
        connection.execute(_INSERT_FROM_JSON, {"lines": json.dumps(rows, default=json_ready)})
    else:
        connection.execute(_INSERT, rows)


def record_event(
    session,
    action: str,
    *,
    tenant_id: int | None,
    actor_id: int | None,
    summary: str,
    entity=None,
    details: dict | None = None,
) -> None:
    """An explicit event (login, status change, settings change) in the activity log."""
    session.execute(
        _INSERT,
        [
            {
                "tenant_id": tenant_id,
                "actor_id": actor_id,
                "realm": "tenant" if tenant_id is not None else "vendor",
                "action": action,
                "entity_type": type(entity).__name__ if entity is not None else None,
                "entity_id": str(getattr(entity, "id", "") or "") if entity is not None else None,
                "summary": summary[:255],
                "changes": details or {},
                "created_at": utcnow(),
            }
        ],
    )


def record_login(session, user) -> None:
    """A sign-in, written with the transaction that records it (FAB's login statistics, or the signup's
    one-time sign-in): nothing deep in the login commits."""
    record_event(session, "login", tenant_id=user.tenant_id, actor_id=user.id, summary=user.email)


def install() -> None:
    if not event.contains(Session, "after_flush", record_model_changes):
        event.listen(Session, "after_flush", record_model_changes)
        event.listen(Session, "before_commit", _write_pending)
        event.listen(Session, "after_transaction_end", _discard_pending)
