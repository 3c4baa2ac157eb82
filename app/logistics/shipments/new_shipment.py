"""PostgreSQL: a new shipment is issued by one statement.

    WITH counter AS (UPDATE tenant_settings SET next_sequence = next_sequence + 1 ... RETURNING ...),
         new_shipment AS (INSERT INTO shipment (...) VALUES (<the number from counter>, :sender_name, ...)
                          ON CONFLICT ON CONSTRAINT uq_shipment_tracking DO NOTHING RETURNING ...),
         new_items AS (INSERT INTO shipment_item (...) SELECT ... FROM json_to_recordset(:items) ... RETURNING id),
         new_events AS (INSERT INTO shipment_status_event (...) ... RETURNING id),
         moved AS (UPDATE tenant SET data_version = data_version + 1 WHERE id = <the shipment's tenant>)
    SELECT id, tracking_number, <the items' ids>, <the events' ids> FROM new_shipment

One round trip for the rows of a save (bench P2: the unit of work's flushes were ~40% of a create's
Python), and the tenant's counter row is locked from this statement to the commit, which adds only the
activity-log line. The columns written are the tables' own (COLUMNS): a column added to a model is written
as soon as the service gives the object its value. SQLite and an archived draft go through the unit of
work (services.issue).

What the flush hooks do for ORM writes happens here by the same functions: the tenant is stamped and
checked (app/tenancy/scoping.py), the creation is logged at commit (app/audit/services.py), the data version
moves (in the statement: a savepoint rolled back takes the move back with the rows). Afterwards the objects
are in the session as if read from the database, every column loaded: the API's answer reads them without
SQL. A rollback of the transaction leaves them expired, as rows read in it: use them after the commit only.
"""

import json

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import make_transient_to_detached

from app.audit.services import json_ready, record_created
from app.logistics.settings.services import counter_step, skip_used_numbers
from app.logistics.shipments import numbering
from app.logistics.shipments.models import Shipment, ShipmentItem, ShipmentStatusEvent
from app.tenancy.freshness import bump_statement
from app.tenancy.scoping import stamp_and_check

TRACKING_CONSTRAINT = "uq_shipment_tracking"
SHIPMENT, ITEM, EVENT = Shipment.__table__, ShipmentItem.__table__, ShipmentStatusEvent.__table__
# The columns the statement writes from the objects: every one but the keys, the number (from the counter)
# and the children's link to the shipment (its new id).
COLUMNS = {
    table: [column for column in table.columns if column.key not in ("id", "tracking_number", "shipment_id")]
    for table in (SHIPMENT, ITEM, EVENT)
}
_PARAMETER = "new_{}".format  # a bind parameter may not take the name of a column the INSERT writes
_ORDER = "order_of_row"  # in each child's JSON object: the rows are inserted (and numbered) in this order


def available(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert(session, shipment: Shipment) -> None:
    """INSERT the new shipment with its number, its items and its events; on PostgreSQL only (`available`)."""
    objects = [shipment, *shipment.items, *shipment.events]
    for obj in objects:
        stamp_and_check(obj, is_new=True)
    parameters = {_PARAMETER(key): value for key, value in _values(shipment).items()}
    parameters["items"] = _rows(shipment.items)
    parameters["events"] = _rows(shipment.events)
    row = session.connection().execute(STATEMENT, parameters).one_or_none()
    if row is None:  # the counter pointed at a number already issued: skip to the next free one, under its lock
        skip_used_numbers(shipment.tenant_id)
        row = session.connection().execute(STATEMENT, parameters).one_or_none()
        if row is None:
            raise RuntimeError(f"tenant {shipment.tenant_id}: the next free tracking number was taken")
    shipment.id, shipment.tracking_number, item_ids, event_ids = row
    # The ids come from the sequence in the order of the rows' ORDER BY (as SQLAlchemy's insertmanyvalues relies on).
    for children, ids in ((shipment.items, item_ids), (shipment.events, event_ids)):
        for child, new_id in zip(children, sorted(ids or ()), strict=True):
            child.id, child.shipment_id = new_id, shipment.id
    for obj in objects:
        make_transient_to_detached(obj)
    session.add(shipment)
    record_created(session, objects)


def _values(obj) -> dict:
    """Every written column's value; a column the object has no value for gets its Python default, on the
    object too (it must hold every column: nothing is read back)."""
    values = {}
    for column in COLUMNS[obj.__table__]:
        if column.key not in obj.__dict__:
            setattr(obj, column.key, _default(column.default))
        values[column.key] = getattr(obj, column.key)
    return values


def _default(default):
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def _rows(children) -> str:
    return json.dumps([{**_values(child), _ORDER: order} for order, child in enumerate(children)], default=json_ready)


def _children(table, new_shipment, parameter: str):
    """INSERT INTO <table> (shipment_id, ...) SELECT new_shipment.id, ... FROM json_to_recordset(:<parameter>)
    ORDER BY its order RETURNING id; as a scalar subquery: the array of the new ids."""
    columns = COLUMNS[table]
    rows = (
        sa.func.json_to_recordset(sa.cast(sa.bindparam(parameter, type_=sa.Text), postgresql.JSON))
        .table_valued(*(sa.column(c.name, c.type) for c in columns), sa.column(_ORDER, sa.Integer))
        .render_derived(name=parameter, with_types=True)
    )
    select = sa.select(new_shipment.c.id, *(rows.c[c.name] for c in columns)).join_from(new_shipment, rows, sa.true())
    inserted = (
        sa.insert(table)
        .from_select(["shipment_id", *(c.key for c in columns)], select.order_by(rows.c[_ORDER]))
        .returning(table.c.id)
        .cte(f"new_{parameter}")
    )
    return sa.select(sa.func.array_agg(inserted.c.id)).scalar_subquery()


def _statement():
    values = {c.key: sa.bindparam(_PARAMETER(c.key), type_=c.type) for c in COLUMNS[SHIPMENT]}
    # The counter's updated_at is the new shipment's (SQLAlchemy fills in `onupdate` for the top statement only).
    counter = counter_step(values["tenant_id"], updated_at=values["updated_at"]).cte("counter")
    number = numbering.tracking_number_sql(
        counter.c.tracking_prefix, counter.c.tracking_padding, counter.c.next_sequence - 1
    )
    new_shipment = (
        postgresql.insert(SHIPMENT)
        .values(tracking_number=sa.select(number).scalar_subquery(), **values)
        .on_conflict_do_nothing(constraint=TRACKING_CONSTRAINT)  # no row: no children, no version moved
        .returning(SHIPMENT.c.id, SHIPMENT.c.tracking_number, SHIPMENT.c.tenant_id)
        .cte("new_shipment")
    )
    items, events = _children(ITEM, new_shipment, "items"), _children(EVENT, new_shipment, "events")
    # Reads the new row: runs after the insert, and after the counter the number takes (the lock order of the ORM path).
    moved = bump_statement(sa.select(new_shipment.c.tenant_id).scalar_subquery()).cte("moved")
    return sa.select(new_shipment.c.id, new_shipment.c.tracking_number, items, events).add_cte(moved)


STATEMENT = _statement()  # built once: building it costs more than running it
