"""A new shipment is issued by one statement on PostgreSQL (app/logistics/shipments/new_shipment.py) and by the
unit of work on SQLite: what the rest of the app sees is the same either way."""

import pytest
import sqlalchemy as sa

from app.logistics.shipments import services
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.shipments.models import Shipment, ShipmentItem, ShipmentStatusEvent
from app.tenancy.context import tenant_scope
from app.tenancy.models import Tenant, utcnow
from app.tenancy.scoping import CrossTenantWrite
from tests.support.factories import owner_of, shipment_fields
from tests.support.statements import recorded_statements


def _stored(db, table, row_id) -> dict:
    """The row as the database holds it (a Core statement: not the session's identity map)."""
    return dict(db.session.connection().execute(sa.select(table).where(table.c.id == row_id)).mappings().one())


def _columns(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


def _data_version(db, tenant) -> int:
    return db.session.connection().execute(sa.select(Tenant.data_version).where(Tenant.id == tenant.id)).scalar_one()


def test_the_issued_shipment_holds_what_is_stored_without_reading_it_back(db, create_tenant, create_shipment):
    tenant = create_tenant()
    odd = {"name": 'Buku "Laskar" \\ Pelangi 日本 ñ', "weight": "0.01", "quantity": 3, "length": "12.5", "width": 1,
           "height": 2}  # fmt: skip
    shipment = create_shipment(tenant, items=[odd, shipment_fields()["items"][1]])
    with recorded_statements(db.engine) as statements:
        read_back = [_columns(row) for row in (shipment, *shipment.items, *shipment.events)]
    assert statements == []
    assert shipment.tracking_number and len(shipment.items) == 2 and len(shipment.events) == 1
    tables = (Shipment, ShipmentItem, ShipmentItem, ShipmentStatusEvent)
    assert read_back == [_stored(db, model.__table__, row["id"]) for model, row in zip(tables, read_back, strict=True)]


def test_a_later_change_to_the_issued_shipment_is_saved_by_the_next_commit(db, create_tenant, create_shipment):
    tenant = create_tenant()
    shipment = create_shipment(tenant)
    with tenant_scope(tenant.id):
        shipment.receiver_name = "Penerima Diubah"
        services.update_status(owner_of(tenant), [shipment], "picked_up", utcnow(), "diambil")
        db.session.commit()
    stored = _stored(db, Shipment.__table__, shipment.id)
    assert (stored["receiver_name"], stored["status"]) == ("Penerima Diubah", "picked_up")


def test_a_save_moves_the_tenants_data_version_once(db, create_tenant, create_shipment):
    tenant = create_tenant()
    db.session.commit()  # its users moved the version
    before = _data_version(db, tenant)
    create_shipment(tenant)
    db.session.commit()
    assert _data_version(db, tenant) == before + 1


def test_a_shipment_rolled_back_with_its_savepoint_leaves_no_row_and_the_version_unmoved(
    db, create_tenant, create_shipment
):
    """PostgreSQL moves the version in the statement, so the savepoint takes the move back with the rows.
    (SQLite moves it at commit for whatever the transaction wrote: once more than needed, never less.)"""
    tenant = create_tenant()
    create_shipment(tenant)  # the tenant's settings and tariff exist before the savepoint
    db.session.commit()
    before = _data_version(db, tenant)
    savepoint = db.session.begin_nested()
    dropped = create_shipment(tenant).id
    savepoint.rollback()
    db.session.commit()
    assert db.session.connection().execute(sa.select(Shipment.id).where(Shipment.id == dropped)).first() is None
    if db.engine.dialect.name == "postgresql":
        assert _data_version(db, tenant) == before


def test_a_shipment_of_another_tenant_is_refused_and_nothing_is_written(db, create_tenant, create_shipment):
    mine, other = create_tenant(), create_tenant()
    create_shipment(other)  # its settings and tariff exist
    db.session.commit()
    count = db.session.execute(sa.select(sa.func.count()).select_from(Shipment.__table__)).scalar_one()
    user = owner_of(mine)
    with tenant_scope(mine.id, user.id), pytest.raises(CrossTenantWrite):
        services.issue(other, user, ShipmentInput.from_mapping(shipment_fields()))
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(Shipment.__table__)).scalar_one() == count
