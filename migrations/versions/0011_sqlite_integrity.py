"""SQLite: shipment ids never reused; the rows that unenforced foreign keys left behind repaired

SQLite gave the highest shipment id again once that shipment was deleted: its old URLs, activity-log
lines and (with foreign keys unenforced) its items and status history then belonged to the next
shipment. The table is rebuilt with AUTOINCREMENT, as PostgreSQL's sequences behave. And before
app/core/sqlite_foreign_keys.py, SQLite never ran ON DELETE CASCADE / SET NULL: each row that points to
a missing parent now gets what its foreign key's ON DELETE says: deleted (CASCADE, repeated for the rows
that pointed to those) or its column emptied (SET NULL). PostgreSQL: nothing to do.

Revision ID: 0011_sqlite_integrity
Revises: 0010_tenant_data_version
Create Date: 2026-12-03 17:50:00

"""

import logging

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_sqlite_integrity"
down_revision = "0010_tenant_data_version"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
MAX_ROUNDS = 20  # cascades reach a few levels (tenant -> shipment -> item); each round is one level


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table("shipment", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    keys = {}  # table -> {key id: PRAGMA foreign_key_list row}, read once per table
    for _ in range(MAX_ROUNDS):
        violations = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        repaired = sum(_repair(bind, keys, table, rowid, fk_id) for table, rowid, _parent, fk_id in violations)
        if not repaired:
            break
    for table, rowid, parent, _fk_id in bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
        log.warning("left as is: %s row %s points to a missing %s (its key has no ON DELETE rule)", table, rowid, parent)


def _repair(bind, keys: dict, table: str, rowid: int, fk_id: int) -> int:
    if table not in keys:
        keys[table] = {row[0]: row for row in bind.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')}
    _id, _seq, _parent, column, _to, _on_update, on_delete, _match = keys[table][fk_id]
    if on_delete == "CASCADE":
        bind.exec_driver_sql(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
        return 1
    if on_delete == "SET NULL":
        bind.exec_driver_sql(f'UPDATE "{table}" SET "{column}" = NULL WHERE rowid = ?', (rowid,))
        return 1
    return 0


def downgrade():
    pass  # AUTOINCREMENT only stops reuse; the repair removed rows without a parent: nothing to put back
