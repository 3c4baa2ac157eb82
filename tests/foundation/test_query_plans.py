"""PostgreSQL: a statement is planned for each call's values unless it is marked fixed_plan, which psycopg
prepares and PostgreSQL may then plan once (app/core/query_plans.py)."""

import pytest
import sqlalchemy as sa

from app.core.query_plans import fixed_plan
from app.extensions import db
from tests.support.statements import prepared_plans

RUNS = 14  # psycopg prepares after five runs; PostgreSQL plans for the values five times before a generic plan


def _probe(marker: str):
    return sa.text(f"SELECT count(*) FROM tenant WHERE slug = :slug AND '{marker}' <> ''")


def test_a_statement_with_values_is_planned_for_each_call_and_never_prepared(pg):
    with pg.connect() as connection:
        for run in range(RUNS):
            connection.execute(_probe("plan-probe-values"), {"slug": f"tenant-{run}"}).scalar()
        assert prepared_plans(connection, "plan-probe-values") == []


def test_a_fixed_plan_statement_is_prepared_and_planned_once(pg):
    with pg.connect() as connection:
        for run in range(RUNS):
            connection.execute(fixed_plan(_probe("plan-probe-fixed")), {"slug": f"tenant-{run}"}).scalar()
        ((custom, generic),) = prepared_plans(connection, "plan-probe-fixed")
        assert custom == 5 and generic == RUNS - 5 - custom


def test_the_user_statement_of_every_request_is_planned_once(pg):
    from app.security.grants import USER_WITH_GRANTS  # its mappers exist once the app does
    from app.security.models import TenantUser

    with pg.connect() as connection:
        user_id = connection.execute(sa.select(TenantUser.id).where(TenantUser.email == "owner@demo.test")).scalar()
        for _ in range(RUNS):
            connection.execute(USER_WITH_GRANTS, {"pk": user_id}).all()
        ((_custom, generic),) = prepared_plans(connection, "FROM ab_user JOIN")
        assert generic > 0


def test_statements_run_as_before_on_sqlite(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the SQLite suite")
        with db.engine.connect() as connection:
            assert connection.execute(_probe("plan-probe"), {"slug": "demo"}).scalar() == 1
            assert connection.execute(fixed_plan(_probe("plan-probe")), {"slug": "demo"}).scalar() == 1
