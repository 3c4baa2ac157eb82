"""PostgreSQL (psycopg): reads run outside a transaction, the first write opens one.

psycopg opens a transaction with a BEGIN that is a round trip of its own, and every request then
ended it with another (COMMIT or ROLLBACK): a list page made five round trips (BEGIN, the pool's
ping, the user and grants, the page, the end), each costing the app and PostgreSQL CPU for the
loopback or network hop. So every connection waits in autocommit: a plain SELECT runs as its own
statement. Under READ COMMITTED each statement of a transaction takes its own snapshot anyway, so a
reader sees the same rows either way. Any other statement (INSERT, UPDATE, DELETE, SAVEPOINT, SET,
WITH, a SELECT ... FOR UPDATE/SHARE, anything written by hand) first turns autocommit off, and
psycopg opens the transaction right before it: writes and row locks stay atomic and roll back as
before. A connection goes back to autocommit when it returns to the pool.

Read-only requests therefore never roll back, so psycopg's prepared statements (made after a statement's
fifth run on a connection, all dropped at every ROLLBACK) survive from request to request.
"""

import re
from functools import lru_cache

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

_DRIVER = "psycopg"
_ROW_LOCK = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)


def install() -> None:
    if not event.contains(Engine, "before_cursor_execute", _open_transaction_before_writes):
        event.listen(Pool, "connect", _prepare_connection)
        event.listen(Pool, "checkin", _back_to_autocommit)
        event.listen(Engine, "before_cursor_execute", _open_transaction_before_writes)


def _is_psycopg(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.partition(".")[0] == _DRIVER


def _prepare_connection(dbapi_connection, _record) -> None:
    if _is_psycopg(dbapi_connection):
        dbapi_connection.autocommit = True


def _back_to_autocommit(dbapi_connection, _record) -> None:
    """The pool has rolled back whatever was left open; a connection still in a transaction (or closed)
    is left as it is and its next statement runs in that transaction, as psycopg always did."""
    if dbapi_connection is None or not _is_psycopg(dbapi_connection) or dbapi_connection.closed:
        return
    if dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
        dbapi_connection.autocommit = True


@lru_cache(maxsize=2048)
def plain_read(statement: str) -> bool:
    """A SELECT that takes no row lock: it may run outside a transaction."""
    return statement.lstrip()[:6].upper() == "SELECT" and _ROW_LOCK.search(statement) is None


def _open_transaction_before_writes(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if connection.dialect.driver != _DRIVER:
        return
    driver_connection = connection.connection.driver_connection
    if driver_connection.autocommit and not plain_read(statement) and not _asked_for_autocommit(connection):
        driver_connection.autocommit = False


def _asked_for_autocommit(connection) -> bool:
    """`execution_options(isolation_level="AUTOCOMMIT")`, e.g. for CREATE INDEX CONCURRENTLY, is kept."""
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
