"""PostgreSQL (psycopg): a statement is planned for each call's values unless it is marked `fixed_plan`.

Tenants' row counts differ by 40x, so a plan made for one tenant's values may fit no other: the 200k
tenant's dashboard figures took 100 ms with a generic plan and 15-30 ms planned for its own values, and
the search picks its index by how rare the term is. psycopg prepares a statement after five runs on a
connection, and PostgreSQL settles on one generic plan for a prepared statement after five more. So every
statement runs unprepared (psycopg's `prepare=False`: PostgreSQL's unnamed statement, planned with the
call's values), except those marked with `fixed_plan`: statements whose best plan is the same for any
values, such as a lookup by key or the INSERT of a new shipment. psycopg prepares those, and PostgreSQL may
plan them once per connection. The statement that loads the user and its grants runs at the start of every
request; planning it for each call cost PostgreSQL 0.4 ms, more than running it (bench/README.md, round 13).

Statements without parameters (one plan fits them) and statements run with many parameter sets at once
(executemany: bulk INSERTs and UPDATEs by key) keep psycopg's way: prepared after five runs.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine

FIXED_PLAN = "fixed_plan"
_DRIVER = "psycopg"


def fixed_plan(statement):
    """`statement`, marked: its plan does not depend on its values, so PostgreSQL may keep one."""
    return statement.execution_options(**{FIXED_PLAN: True})


def install() -> None:
    if not event.contains(Engine, "do_execute", _execute):
        event.listen(Engine, "do_execute", _execute)


def _execute(cursor, statement, parameters, context) -> bool:
    """Run an unmarked statement unprepared; True tells SQLAlchemy it has run."""
    if not parameters or context.dialect.driver != _DRIVER or context.execution_options.get(FIXED_PLAN):
        return False
    cursor.execute(statement, parameters, prepare=False)
    return True
