"""ORM objects written with Core statements instead of the unit of work's flush.

For the hottest write, issuing a shipment with its items and first status and then its number (bench
P2): the unit of work's two flushes were ~40% of the request's Python; the four statements here cost
less than half of that. What the flush hooks do for ORM writes is done here for these rows, by the
same functions: the tenant is stamped and checked (app/tenancy/scoping.py), the creation is logged
(app/audit/services.py) and the tenant's data version moves at commit (app/tenancy/freshness.py).
Afterwards the objects are persistent in the session with every column loaded, as if just read:
later changes to them flush as usual, and a rollback of the transaction or savepoint that inserted
them takes them out of the session again, as it does for objects a flush inserted (SQLite may give
their ids to the next rows).
"""

import weakref
from functools import cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.services import record_created, record_updated
from app.tenancy.freshness import note_written
from app.tenancy.scoping import stamp_and_check

_KEY = "direct_write_key"
_INSERTED = "directly_inserted_objects"


def insert_new(session, root, *collections: str) -> None:
    """INSERT `root` (a new object), then the new objects of its one-to-many `collections`, one statement each."""
    mapper = sa.inspect(root).mapper
    children = [(mapper.relationships[name], list(getattr(root, name))) for name in collections]
    objects = [root, *(child for _relationship, group in children for child in group)]
    for obj in objects:
        stamp_and_check(obj, is_new=True)
    _insert(session, [root])
    for relationship, group in children:
        for child in group:
            for parent_column, child_column in relationship.local_remote_pairs:
                setattr(child, child_column.key, getattr(root, parent_column.key))
        _insert(session, group)
    for obj in objects:
        make_transient_to_detached(obj)
    session.add(root)
    # Weakly, like the session's identity map: a long transaction may insert many and drop them.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_INSERTED, []).append((transaction, [weakref.ref(obj) for obj in objects]))
    record_created(session, objects)
    note_written(session, objects)


def update_columns(session, obj, **values) -> None:
    """UPDATE these columns of a persistent object by its primary key; the object holds them as committed."""
    stamp_and_check(obj, is_new=False)
    mapper = sa.inspect(obj).mapper
    (key,) = mapper.primary_key
    changes = {name: [getattr(obj, name), value] for name, value in values.items()}
    table = mapper.local_table
    values |= {c.key: _default(c.onupdate) for c in table.columns if c.onupdate is not None and c.key not in values}
    session.execute(_update_statement(table), {_KEY: getattr(obj, key.key), **values})
    for name, value in values.items():
        set_committed_value(obj, name, value)
    record_updated(session, obj, changes)
    note_written(session, [obj])


def _insert(session, objects: list) -> None:
    if not objects:
        return
    mapper = sa.inspect(objects[0]).mapper
    (key,) = [column.key for column in mapper.primary_key]
    rows = [_values(obj, mapper, key) for obj in objects]
    statement = _insert_statement(mapper.local_table)
    if len(rows) == 1:
        ids = [session.execute(statement, rows[0]).scalar_one()]
    else:
        ids = session.execute(statement, rows).scalars().all()
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, key, new_id)


def _values(obj, mapper, key: str) -> dict:
    """Every column's value, Python-side defaults applied to the object itself (its state must be complete)."""
    values = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if prop.key == key:
            continue
        if prop.key not in obj.__dict__:
            if column.server_default is not None:
                raise TypeError(f"{mapper.class_.__name__}.{prop.key}: server defaults are not read back here")
            setattr(obj, prop.key, _default(column.default))
        values[column.key] = getattr(obj, prop.key)
    return values


def _default(default):
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


# Built once per table: building a statement costs more than running it.
@cache
def _insert_statement(table):
    return sa.insert(table).returning(*table.primary_key, sort_by_parameter_order=True)


@cache
def _update_statement(table):
    """UPDATE ... WHERE <primary key> = :_KEY; the SET clause follows the parameters' other names."""
    (key,) = table.primary_key
    return sa.update(table).where(key == sa.bindparam(_KEY))


def _drop_rolled_back(session, previous_transaction) -> None:
    remembered = session.info.get(_INSERTED)
    if not remembered:
        return
    kept = []
    for transaction, objects in remembered:
        if not _within(transaction, previous_transaction):
            kept.append((transaction, objects))
            continue
        for obj in filter(None, (ref() for ref in objects)):
            if obj in session:
                session.expunge(obj)
            make_transient(obj)
    session.info[_INSERTED] = kept


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _forget_at_end(session, transaction) -> None:
    if transaction.parent is None:  # committed or rolled back (a rollback has dropped them already)
        session.info.pop(_INSERTED, None)


def install() -> None:
    if not event.contains(Session, "after_soft_rollback", _drop_rolled_back):
        event.listen(Session, "after_soft_rollback", _drop_rolled_back)
        event.listen(Session, "after_transaction_end", _forget_at_end)
