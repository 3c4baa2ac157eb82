"""ORM objects written with Core statements instead of the unit of work's flush.

For the hottest write, issuing a shipment with its items and first status (bench P2): the unit of work's
two flushes were ~40% of the request's Python. On PostgreSQL the whole tree is one statement
(data-modifying CTEs, each child collection one JSON parameter), which may also compute columns of the
new row in SQL: the shipment's tracking number is taken from the tenant's counter by that same
statement. Elsewhere (SQLite) each table is one INSERT. Statements run on the session's connection:
Session.execute would wrap each in ORM execution state for nothing. What the flush hooks do for ORM
writes is done here for these rows, by the same functions: the tenant is stamped and checked
(app/tenancy/scoping.py), the creation is logged (app/audit/services.py) and the tenant's data version
moves (app/tenancy/freshness.py): on PostgreSQL in the tree statement itself, after the counter it may
take (one round trip fewer while that row is locked), elsewhere at commit. Afterwards the objects are
persistent in the session with every column loaded, as if just read: later changes to them flush as
usual, and a rollback of the transaction or savepoint that inserted them takes them out of the session
again, as it does for objects a flush inserted (SQLite may give their ids to the next rows).
"""

import json
import weakref
from functools import cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, make_transient, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.services import json_ready, record_created, record_updated
from app.core.mixins import FeedsTenantFigures
from app.core.query_plans import fixed_plan
from app.tenancy.freshness import bump_statement, note_written
from app.tenancy.scoping import stamp_and_check

_KEY = "direct_write_key"
_ORDER = "order_of_row"  # in each child's JSON object: the rows are inserted in this order
_INSERTED = "directly_inserted_objects"
_NEW = "new_"


def new_row_value(column_key: str, type_=None):
    """In a SQL expression assigned to a column of the root (PostgreSQL): the new row's value of another column."""
    return sa.bindparam(_NEW + column_key, type_=type_)


def computes_in_sql(session) -> bool:
    """Whether insert_new writes the whole tree in one statement, so that a root column may hold SQL (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def insert_new(session, root, *collections: str, unless_taken: str | None = None) -> bool:
    """INSERT `root` (a new object) and the new objects of its one-to-many `collections`.

    On PostgreSQL a column of the root may hold a SQL expression (a constant, built once: statements are
    cached by it), computed by the database in the INSERT and read back into the object. With
    `unless_taken` (the name of a unique constraint of the root's table), a root whose values are already
    taken there is not inserted (PostgreSQL: ON CONFLICT DO NOTHING; the statement's other effects, such
    as a counter it moved, stay): False, and the objects stay new. Elsewhere the caller makes sure first."""
    mapper = sa.inspect(root).mapper
    children = [(mapper.relationships[name], list(getattr(root, name))) for name in collections]
    objects = [root, *(child for _relationship, group in children for child in group)]
    for obj in objects:
        stamp_and_check(obj, is_new=True)
    in_one_statement = computes_in_sql(session)
    if in_one_statement:
        if not _insert_tree(session, root, children, unless_taken):
            return False
    else:
        _insert(session, [root])
        for relationship, group in children:
            _link(relationship, root, group)
            _insert(session, group)
    for obj in objects:
        make_transient_to_detached(obj)
    session.add(root)
    # Weakly, like the session's identity map: a long transaction may insert many and drop them.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_INSERTED, []).append((transaction, [weakref.ref(obj) for obj in objects]))
    record_created(session, objects)
    if not in_one_statement:  # the tree statement has moved the version (its rows are the root's tenant's)
        note_written(session, objects)
    return True


def update_columns(session, obj, **values) -> None:
    """UPDATE these columns of a persistent object by its primary key; the object holds them as committed."""
    stamp_and_check(obj, is_new=False)
    mapper = sa.inspect(obj).mapper
    (key,) = mapper.primary_key
    changes = {name: [getattr(obj, name), value] for name, value in values.items()}
    table = mapper.local_table
    values |= {c.key: _default(c.onupdate) for c in table.columns if c.onupdate is not None and c.key not in values}
    session.connection().execute(_update_statement(table), {_KEY: getattr(obj, key.key), **values})
    for name, value in values.items():
        set_committed_value(obj, name, value)
    record_updated(session, obj, changes)
    note_written(session, [obj])


def _link(relationship, parent, children) -> None:
    for child in children:
        for parent_column, child_column in relationship.local_remote_pairs:
            setattr(child, child_column.key, getattr(parent, parent_column.key))


def _insert_tree(session, root, children, unless_taken: str | None) -> bool:
    """PostgreSQL: the root, its computed columns and every child in one statement; False when the root's
    values were taken in the constraint `unless_taken` (nothing inserted)."""
    mapper = sa.inspect(root).mapper
    key = _key_of(mapper)
    computed, params = [], {}
    for name, value in _values(root, mapper, key).items():
        if isinstance(value, sa.ClauseElement):
            computed.append((name, value))
        else:
            params[_NEW + name] = value
    computed, relationships = tuple(computed), tuple(relationship for relationship, _group in children)
    for relationship, group in children:
        child_mapper = relationship.mapper
        data, child_key = _child_data_columns(relationship), _key_of(child_mapper)
        rows = [
            {**{column.name: value[column.key] for column in data}, _ORDER: order}
            for order, value in enumerate(_values(child, child_mapper, child_key) for child in group)
        ]
        params[relationship.key] = json.dumps(rows, default=json_ready)
    statement = _tree_statement(mapper, relationships, computed, unless_taken)
    found = session.connection().execute(statement, params).one_or_none()
    if found is None:
        return False
    setattr(root, key, found[0])
    for (name, _expression), value in zip(computed, found[1 : 1 + len(computed)], strict=True):
        setattr(root, name, value)
    for (relationship, group), ids in zip(children, found[1 + len(computed) :], strict=True):
        _link(relationship, root, group)
        child_key = _key_of(relationship.mapper)
        # Ids come from the sequence in the order of the rows' ORDER BY (as SQLAlchemy's insertmanyvalues relies on).
        for child, new_id in zip(group, sorted(ids or ()), strict=True):
            setattr(child, child_key, new_id)
    return True


def _key_of(mapper) -> str:
    (key,) = mapper.primary_key
    return mapper.get_property_by_column(key).key


def _child_data_columns(relationship) -> list:
    """The child table's columns that its rows give (not its key, not the ones that link it to the parent)."""
    links = {child_column.key for _parent_column, child_column in relationship.local_remote_pairs}
    table = relationship.mapper.local_table
    return [column for column in table.columns if not column.primary_key and column.key not in links]


@cache
def _tree_statement(mapper, relationships: tuple, computed: tuple, unless_taken: str | None = None):
    """WITH root AS (INSERT ... VALUES ... RETURNING key, computed), <child> AS (INSERT ... SELECT FROM root,
    json_to_recordset(<the children, one JSON array>) ORDER BY their order RETURNING key), ... SELECT key,
    computed, ids of each child. Its text does not depend on the number of children: PostgreSQL prepares it
    once. One JSON parameter per collection: psycopg dumped an array per column, element by element in Python
    (3% of an API create)."""
    table = mapper.local_table
    expressions = dict(computed)
    columns = [column for column in table.columns if not column.primary_key]
    values = {c.key: expressions.get(c.key, sa.bindparam(_NEW + c.key, type_=c.type)) for c in columns}
    linked = {parent.key for relationship in relationships for parent, _child in relationship.local_remote_pairs}
    moves_version = any(issubclass(m.class_, FeedsTenantFigures) for m in (mapper, *(r.mapper for r in relationships)))
    returned = [*table.primary_key, *(table.c[name] for name in expressions), *(table.c[key] for key in linked)]
    versioned = [table.c.tenant_id] if moves_version else []
    insert = postgresql.insert(table).values(values)
    if unless_taken:  # no row: the children (joined to it) and the final SELECT have none either
        insert = insert.on_conflict_do_nothing(constraint=unless_taken)
    root = insert.returning(*dict.fromkeys(returned + versioned)).cte("new_root")
    child_ids = [_child_ids(root, relationship) for relationship in relationships]
    statement = sa.select(*(root.c[column.key] for column in returned[: 1 + len(computed)]), *child_ids)
    if moves_version:  # reads the new row: runs after the insert, and after the counter a computed column takes
        moved = bump_statement(sa.select(root.c.tenant_id).scalar_subquery()).cte("moved")
        statement = statement.add_cte(moved)
    # Planning it anew for each shipment cost PostgreSQL more than running it (0.6 ms).
    return fixed_plan(statement)


def _child_ids(root, relationship):
    table = relationship.mapper.local_table
    data = _child_data_columns(relationship)
    rows = (
        sa.func.json_to_recordset(sa.cast(sa.bindparam(relationship.key, type_=sa.Text), postgresql.JSON))
        .table_valued(*(sa.column(c.name, c.type) for c in data), sa.column(_ORDER, sa.Integer))
        .render_derived(name=relationship.key, with_types=True)
    )
    links = {child.key: root.c[parent.key] for parent, child in relationship.local_remote_pairs}
    select = sa.select(*links.values(), *(rows.c[c.name] for c in data)).select_from(root).join(rows, sa.true())
    inserted = (
        sa.insert(table)
        .from_select([*links, *(c.key for c in data)], select.order_by(rows.c[_ORDER]))
        .returning(*table.primary_key)
        .cte(f"new_{relationship.key}")
    )
    (key,) = table.primary_key
    return sa.select(sa.func.array_agg(inserted.c[key.key])).scalar_subquery()


def _insert(session, objects: list) -> None:
    if not objects:
        return
    mapper = sa.inspect(objects[0]).mapper
    key = _key_of(mapper)
    rows = [_values(obj, mapper, key) for obj in objects]
    statement = _insert_statement(mapper.local_table)
    connection = session.connection()
    if len(rows) == 1:
        ids = [connection.execute(statement, rows[0]).scalar_one()]
    else:
        ids = connection.execute(statement, rows).scalars().all()
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
    return fixed_plan(sa.insert(table).returning(*table.primary_key, sort_by_parameter_order=True))


@cache
def _update_statement(table):
    """UPDATE ... WHERE <primary key> = :_KEY; the SET clause follows the parameters' other names."""
    (key,) = table.primary_key
    return fixed_plan(sa.update(table).where(key == sa.bindparam(_KEY)))


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
