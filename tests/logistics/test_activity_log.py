"""What the activity log shows of shipment writes: one line per change, written only by a commit."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.extensions import db
from app.logistics.shipments import services
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.shipments.models import Shipment
from tests.logistics.conftest import shipment_payload

pytestmark = pytest.mark.usefixtures("db")  # each test rolled back: what it commits is gone afterwards


def _input(**changes) -> ShipmentInput:
    return ShipmentInput.from_mapping(shipment_payload(**changes))


def _lines(entity_id) -> list[ActivityLog]:
    return list(
        db.session.execute(
            sa.select(ActivityLog)
            .where(ActivityLog.entity_type == "Shipment", ActivityLog.entity_id == str(entity_id))
            .order_by(ActivityLog.id)
        ).scalars()
    )


def _remove(shipment_ids) -> None:
    for shipment in db.session.execute(sa.select(Shipment).where(Shipment.id.in_(shipment_ids))).scalars():
        db.session.delete(shipment)
    db.session.commit()


def test_an_issued_shipment_is_one_create_line_with_its_number(acting):
    with acting("owner@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input(sender_name="Satu Baris"))
        db.session.commit()
        [line] = _lines(shipment.id)
        assert line.action == "create" and line.actor_id == user.id and line.tenant_id == tenant.id
        assert line.summary == shipment.tracking_number
        assert line.changes["tracking_number"] == shipment.tracking_number
        assert line.changes["sender_name"] == "Satu Baris"
        _remove([shipment.id])
        assert [line.action for line in _lines(shipment.id)] == ["create", "delete"]


def test_a_create_line_holds_every_column_as_written(acting):
    """Dates as ISO text, amounts as exact decimal text, any script in names (the log is written in one JSON
    parameter on PostgreSQL, with executemany elsewhere)."""
    with acting("owner@demo.test") as (tenant, user):
        shipment = services.issue(
            tenant, user, _input(sender_name='Bá Ñoño 日本 "kutip"', sender_address="Jl. X\nNo. 2")
        )
        db.session.commit()
        [line] = _lines(shipment.id)
        logged_columns = {column.key for column in Shipment.__table__.columns} - Shipment.__audit_exclude__
        assert line.changes.keys() == logged_columns
        for key, logged in line.changes.items():
            value = getattr(shipment, key)
            if isinstance(value, Decimal):  # as the calculator gave it: 0 is logged "0", stored 0.00
                assert Decimal(logged) == value, key
            else:
                assert logged == (value.isoformat() if isinstance(value, datetime) else value), key
        assert line.entity_id == str(shipment.id) and line.realm == "tenant"
        assert abs(line.created_at - shipment.created_at) < timedelta(seconds=5)


def test_a_later_edit_is_its_own_update_line(acting):
    with acting("owner@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input())
        db.session.commit()
        db.session.refresh(shipment)  # as the edit page loads it
        services.update_issued(tenant, user, _input(receiver_name="Penerima Baru"), shipment)
        db.session.commit()
        create, update = _lines(shipment.id)
        assert create.changes["receiver_name"] == "Penerima Uji"
        assert update.action == "update"
        assert update.changes["receiver_name"] == ["Penerima Uji", "Penerima Baru"]


def _last_line_id() -> int:
    return db.session.execute(sa.select(sa.func.coalesce(sa.func.max(ActivityLog.id), 0))).scalar_one()


def _shipment_lines_after(line_id: int) -> list[tuple]:
    """(shipment id, action) of the lines written since; a rolled-back row's id may be given again (SQLite)."""
    statement = (
        sa.select(ActivityLog.entity_id, ActivityLog.action)
        .where(ActivityLog.id > line_id, ActivityLog.entity_type == "Shipment")
        .order_by(ActivityLog.id)
    )
    return [(int(entity_id), action) for entity_id, action in db.session.execute(statement)]


def test_a_rolled_back_write_leaves_no_line_now_or_at_the_next_commit(acting):
    with acting("owner@demo.test") as (tenant, user):
        last = _last_line_id()
        services.issue(tenant, user, _input())
        db.session.rollback()
        kept = services.issue(tenant, user, _input())
        db.session.commit()
        assert _shipment_lines_after(last) == [(kept.id, "create")]


def test_a_rolled_back_savepoint_takes_its_lines_along_and_keeps_the_rest(acting):
    with acting("owner@demo.test") as (tenant, user):
        last = _last_line_id()
        kept = services.issue(tenant, user, _input())
        savepoint = db.session.begin_nested()
        services.issue(tenant, user, _input())
        savepoint.rollback()
        released = db.session.begin_nested()
        inner = services.issue(tenant, user, _input())
        released.commit()
        db.session.commit()
        # Inside a savepoint the lines are written at once (the number is part of the insert); outside, at commit.
        assert _shipment_lines_after(last) == [(inner.id, "create"), (kept.id, "create")]
        assert [line.summary for line in _lines(kept.id)] == [kept.tracking_number]


@pytest.mark.parametrize("written, read, shown", [("en", "id", "Siap dijemput"), ("id", "en", "Ready for pickup")])
def test_a_line_reads_in_the_readers_language_whoever_wrote_it(
    app, create_tenant, create_shipment, written, read, shown
):
    """The log keeps an object's name in the source language and each reader sees it in theirs."""
    from flask_babel import force_locale

    from app.audit.views import TenantActivityView
    from app.logistics.shipments.models import ShipmentStatusEvent
    from app.tenancy.context import tenant_scope

    tenant = create_tenant()
    shipment = create_shipment(tenant)
    with app.test_request_context(), force_locale(written), tenant_scope(tenant.id):
        event = ShipmentStatusEvent(shipment=shipment, status="ready_pickup", occurred_at=datetime(2026, 12, 1, 3))
        db.session.add(event)
        db.session.commit()
    with app.test_request_context(), force_locale(read), tenant_scope(tenant.id):
        line = db.session.execute(
            sa.select(ActivityLog).where(
                ActivityLog.entity_type == "ShipmentStatusEvent", ActivityLog.entity_id == str(event.id)
            )
        ).scalar_one()
        assert TenantActivityView.formatters_columns["summary"](line.summary) == shown
