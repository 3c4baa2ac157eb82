"""Fan-out stays set-based: the same handful of SQL statements whether there are 2 clients or 1,000
more (the 10,000-client timing itself is bench/notifications_fanout.py). Nothing is committed."""

import uuid

import pytest
import sqlalchemy as sa

from app.notifications import services
from app.tenancy.models import Tenant
from tests.support.statements import recorded_statements

EXTRA_CLIENTS = 1000


@pytest.fixture()
def scoped(app):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        yield db.session
        db.session.rollback()


def _add_clients(session, count: int) -> None:
    table = Tenant.__table__
    demo = session.execute(sa.select(table).where(table.c.slug == "demo")).mappings().one()
    tag = uuid.uuid4().hex[:6]
    template = {key: value for key, value in demo.items() if key != "id"}
    session.execute(
        table.insert(),
        [{**template, "name": f"Skala {tag} {n}", "slug": f"skala-{tag}-{n}"} for n in range(count)],
    )


def _statements_of_fan_out(session, notification_id: int) -> tuple[int, int]:
    with recorded_statements(session.get_bind()) as statements:
        recipients = services.fan_out(notification_id)
    return recipients, len(statements)


def _broadcast(session) -> int:
    return services.compose(
        title=f"Skala {uuid.uuid4().hex[:6]}",
        body="Pemeliharaan terjadwal.",
        type_="pengumuman",
        target="all",
        client_type=None,
        tenant_ids=(),
        created_by=None,
    ).id


def test_fan_out_to_a_thousand_more_clients_costs_no_more_statements(scoped):
    clients = scoped.execute(sa.select(sa.func.count()).select_from(Tenant)).scalar_one()
    small, small_statements = _statements_of_fan_out(scoped, _broadcast(scoped))
    assert small == clients

    _add_clients(scoped, EXTRA_CLIENTS)
    large, large_statements = _statements_of_fan_out(scoped, _broadcast(scoped))

    assert large == clients + EXTRA_CLIENTS
    assert 0 < large_statements == small_statements <= 6
