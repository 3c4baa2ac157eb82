"""Gap-free document numbers: one counter row per sequence and period, incremented inside the
caller's transaction.

`UPDATE ... SET last_seq = last_seq + 1 ... RETURNING` takes the row lock (PostgreSQL) or the
database write lock (SQLite) until the transaction ends, so concurrent creators wait for each
other and a rolled-back document gives its number back.

Invoices use the bare period as counter key ("2026"); other sequences (credit notes) prefix it
with their name ("credit_note:2026"), so each document type counts on its own.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.billing.invoice_rules import counter_period, format_invoice_number
from app.billing.models import InvoiceCounter
from app.extensions import db

_table = InvoiceCounter.__table__


def _bump(period: str) -> int | None:
    statement = (
        sa.update(_table)
        .where(_table.c.period == period)
        .values(last_seq=_table.c.last_seq + 1)
        .returning(_table.c.last_seq)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _create_counter(period: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(_table).values(period=period, last_seq=0).on_conflict_do_nothing())


def next_sequence(period: str) -> int:
    seq = _bump(period)
    if seq is None:
        _create_counter(period)
        seq = _bump(period)
    return seq


def counter_key(pattern: str, issue_date: date, sequence: str = "") -> str:
    period = counter_period(pattern, issue_date)
    return f"{sequence}:{period}" if sequence else period


def allocate_number(pattern: str, issue_date: date, sequence: str = "") -> str:
    return format_invoice_number(pattern, issue_date, next_sequence(counter_key(pattern, issue_date, sequence)))
