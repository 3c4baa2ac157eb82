"""SQLite (the embedded default): foreign keys enforced, which SQLite leaves off on every connection.

Without them ON DELETE CASCADE / SET NULL never ran: a deleted shipment left its items and status
history behind (its relationships leave those deletes to the database), and SQLite gives the highest
id again after that row is deleted, so the next shipment showed the old one's items and history.
Migrations turn enforcement off on their own connection (migrations/env.py): a batch ALTER on SQLite
copies a table, drops the original and renames the copy, and that DROP would cascade.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.pool import Pool


def install() -> None:
    if not event.contains(Pool, "connect", _enforce_foreign_keys):
        event.listen(Pool, "connect", _enforce_foreign_keys)


def _enforce_foreign_keys(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        set_foreign_keys(dbapi_connection, on=True)


def set_foreign_keys(dbapi_connection, *, on: bool) -> None:
    """Outside a transaction only (SQLite ignores the pragma inside one)."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    cursor.close()
