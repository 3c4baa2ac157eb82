"""PostgreSQL (psycopg) prepared statements: kept across read-only transactions, planned per call.

psycopg prepares a statement on the server once it has run five times on a connection, so that
PostgreSQL stops parsing it; but it forgets all of them at every ROLLBACK (a rollback may undo the
DDL they depend on). Every request that only reads ends its transaction with a rollback (the session
is removed at teardown), so no statement ever stayed prepared: PostgreSQL parsed the user/grants
statement, the list's page and the detail anew on every request. So a transaction that ran nothing
but SELECTs ends with COMMIT instead, which leaves the database the same; any other statement
(INSERT, UPDATE, DELETE, SAVEPOINT, a WITH, SET, text written by hand) keeps the rollback.

Each connection plans every call for its own values (`plan_cache_mode = force_custom_plan`): after
five runs PostgreSQL may otherwise settle on one generic plan per statement, and tenants' row
counts differ by 40x: the dashboard's figures for the 200k-shipment tenant took 100 ms instead of
15-30 ms with a generic plan, and the search picks its index by how rare the term is.
"""

from contextlib import suppress

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

_READ_ONLY = "transaction_read_only"
_DRIVER = "psycopg"
PLAN_EACH_CALL = "SET plan_cache_mode = force_custom_plan"


def install() -> None:
    if not event.contains(Engine, "begin", _begin):
        event.listen(Pool, "connect", _plan_each_call)
        event.listen(Engine, "begin", _begin)
        event.listen(Engine, "before_cursor_execute", _note_statement)
        event.listen(Engine, "rollback", _commit_when_read_only)
        event.listen(Engine, "commit", _forget)


def _plan_each_call(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.partition(".")[0] == _DRIVER:
        dbapi_connection.execute(PLAN_EACH_CALL)
        dbapi_connection.commit()


def _begin(connection) -> None:
    connection.info[_READ_ONLY] = connection.dialect.driver == _DRIVER


def _note_statement(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if connection.info.get(_READ_ONLY) and statement.lstrip()[:6].upper() != "SELECT":
        connection.info[_READ_ONLY] = False


def _commit_when_read_only(connection) -> None:
    """Runs just before SQLAlchemy's rollback, which then finds no transaction left to roll back."""
    if connection.invalidated or not connection.info.pop(_READ_ONLY, False):
        return
    # A broken connection fails here too: the rollback that follows finds and discards it, as it always has.
    with suppress(connection.dialect.loaded_dbapi.Error):
        connection.connection.driver_connection.commit()


def _forget(connection) -> None:
    connection.info.pop(_READ_ONLY, None)
