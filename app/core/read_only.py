"""On PostgreSQL, a transaction that only read ends with COMMIT instead of ROLLBACK.

psycopg prepares a statement on the server once it has run five times on a connection, so that
PostgreSQL stops parsing and planning it; but it forgets all of them at every ROLLBACK (a rollback
may undo the DDL they depend on). Every request that only reads ends its transaction with a
rollback (the session is removed at teardown), so no statement ever stayed prepared: PostgreSQL
parsed and planned the user/grants statement, the list's page and the detail anew on every request.

With no writes, COMMIT and ROLLBACK leave the database the same. A transaction counts as read-only
while every statement it ran starts with SELECT; anything else (INSERT, UPDATE, DELETE, SAVEPOINT,
a WITH, SET, text the app wrote by hand) keeps the rollback.
"""

from contextlib import suppress

from sqlalchemy import event
from sqlalchemy.engine import Engine

_READ_ONLY = "transaction_read_only"
_DRIVER = "psycopg"


def install() -> None:
    if not event.contains(Engine, "begin", _begin):
        event.listen(Engine, "begin", _begin)
        event.listen(Engine, "before_cursor_execute", _note_statement)
        event.listen(Engine, "rollback", _commit_when_read_only)
        event.listen(Engine, "commit", _forget)


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
