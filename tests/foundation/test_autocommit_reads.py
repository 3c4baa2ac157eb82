"""PostgreSQL: reads run outside a transaction (no BEGIN/COMMIT round trips, prepared statements survive);
the first write, savepoint, SET or row lock opens one, which rolls back and locks as before."""

import psycopg
import pytest
import sqlalchemy as sa
from psycopg.pq import TransactionStatus

from app.core.autocommit_reads import plain_read
from app.tenancy.models import Tenant
from tests.support.statements import prepared_plans

PROBE = "SELECT count(*) FROM tenant WHERE slug = 'prepared-probe'"


def _transaction_status(connection) -> TransactionStatus:
    return connection.connection.driver_connection.info.transaction_status


def test_reads_open_no_transaction_and_stay_prepared(pg):
    with pg.connect() as connection:
        for _ in range(7):  # psycopg prepares on the fifth run; each request ends with a rollback
            connection.exec_driver_sql(PROBE).scalar()
            assert _transaction_status(connection) == TransactionStatus.IDLE
            connection.rollback()
        assert prepared_plans(connection, "prepared-probe"), "the reads kept the prepared statement"


def test_a_write_after_reads_is_rolled_back(pg):
    with pg.connect() as connection:
        connection.exec_driver_sql(PROBE).scalar()
        connection.execute(sa.update(Tenant.__table__).where(Tenant.slug == "demo").values(phone="0000-rolled-back"))
        assert _transaction_status(connection) == TransactionStatus.INTRANS
        connection.rollback()
        phone = connection.execute(sa.select(Tenant.phone).where(Tenant.slug == "demo")).scalar_one()
        assert phone != "0000-rolled-back"


@pytest.mark.parametrize(
    "first",
    [
        "SAVEPOINT probe",
        "WITH t AS (UPDATE tenant SET phone = '0000-rolled-back' WHERE slug = 'demo' RETURNING 1) SELECT 1",
        "SET statement_timeout = 5000",
    ],
)
def test_anything_but_a_plain_select_opens_the_transaction(pg, first):
    with pg.connect() as connection:
        connection.exec_driver_sql(first)
        connection.exec_driver_sql(PROBE).scalar()
        connection.rollback()
        phone = connection.execute(sa.select(Tenant.phone).where(Tenant.slug == "demo")).scalar_one()
        assert phone != "0000-rolled-back"
        timeout = connection.exec_driver_sql("SHOW statement_timeout").scalar()
        assert timeout != "5s", "the SET was rolled back with its transaction"


def test_a_row_lock_is_held_until_the_end_of_the_transaction(pg):
    demo = sa.select(Tenant.id).where(Tenant.slug == "demo")
    with pg.connect() as connection:
        connection.execute(demo.with_for_update()).scalar_one()
        url = pg.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url) as other, pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute("SELECT id FROM tenant WHERE slug = 'demo' FOR UPDATE NOWAIT")
        connection.rollback()


def test_a_connection_back_from_a_transaction_reads_outside_one_again(pg):
    with pg.connect() as connection:
        connection.execute(sa.update(Tenant.__table__).where(Tenant.slug == "demo").values(phone="0000-rolled-back"))
        connection.rollback()
    with pg.connect() as connection:
        connection.exec_driver_sql(PROBE).scalar()
        assert _transaction_status(connection) == TransactionStatus.IDLE


@pytest.mark.parametrize(
    ("statement", "plain"),
    [
        ("SELECT id FROM shipment WHERE tenant_id = %(t)s", True),
        ("  select 1", True),
        ("SELECT id FROM invoice WHERE id = %(id)s FOR UPDATE", False),
        ("SELECT s.id FROM subscription s JOIN plan p ON p.id = s.plan_id FOR UPDATE OF s", False),
        ("SELECT id FROM tenant FOR NO KEY UPDATE", False),
        ("SELECT id FROM tenant FOR KEY SHARE", False),
        ("UPDATE tenant SET phone = 'x'", False),
        ("WITH t AS (SELECT 1) SELECT * FROM t", False),
    ],
)
def test_which_statements_may_run_outside_a_transaction(statement, plain):
    assert plain_read(statement) is plain


def test_a_connection_lost_mid_read_is_discarded_as_before(pg):
    with pg.connect() as connection:
        connection.exec_driver_sql(PROBE).scalar()
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with pg.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
            other.commit()
        try:
            connection.rollback()
        except sa.exc.DBAPIError as error:  # SQLAlchemy's own answer to a lost connection
            assert error.connection_invalidated
    with pg.connect() as fresh:
        assert fresh.exec_driver_sql("SELECT 1").scalar() == 1
