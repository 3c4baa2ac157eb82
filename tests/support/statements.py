"""The SQL an engine runs while a block runs, for tests that count or inspect statements."""

from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def recorded_statements(engine):
    """`with recorded_statements(engine) as statements:` -> the text of every statement run meanwhile."""
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
