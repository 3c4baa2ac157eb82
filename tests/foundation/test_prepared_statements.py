"""PostgreSQL: read-only transactions end with COMMIT, so psycopg's prepared statements survive them;
a transaction that wrote anything is still rolled back; every call is planned for its own values."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.tenancy.models import Tenant

PROBE = "SELECT count(*) FROM tenant WHERE slug = 'prepared-probe'"


@pytest.fixture()
def pg(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg's prepared statements: PostgreSQL only")
        yield db.engine


def _prepared(connection) -> list[str]:
    rows = connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars()
    return [statement for statement in rows if "prepared-probe" in statement]


def test_a_statement_read_in_many_requests_stays_prepared(pg):
    with pg.connect() as connection:
        for _ in range(7):  # psycopg prepares on the fifth run; each run is its own transaction
            connection.exec_driver_sql(PROBE).scalar()
            connection.rollback()
        assert _prepared(connection), "the read-only transactions kept the prepared statement"


def test_a_transaction_that_wrote_is_rolled_back(pg):
    with pg.connect() as connection:
        connection.execute(sa.update(Tenant.__table__).where(Tenant.slug == "demo").values(phone="0000-rolled-back"))
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
def test_anything_but_select_keeps_the_rollback(pg, first):
    with pg.connect() as connection:
        connection.exec_driver_sql(first)
        connection.exec_driver_sql(PROBE).scalar()
        connection.rollback()
        phone = connection.execute(sa.select(Tenant.phone).where(Tenant.slug == "demo")).scalar_one()
        assert phone != "0000-rolled-back"
        timeout = connection.exec_driver_sql("SHOW statement_timeout").scalar()
        assert timeout != "5s", "the SET was rolled back with its transaction"


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


def test_every_connection_plans_each_call_for_its_values(pg):
    pg.dispose()  # a brand-new connection, as after a restart
    with pg.connect() as connection:
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
        connection.rollback()
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
