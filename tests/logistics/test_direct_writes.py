"""Issuing a new shipment writes it with Core statements (app/tenancy/direct_writes.py): what the rest of
the app sees must be what the unit of work would have given."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.logistics.shipments import services
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.shipments.models import Shipment, ShipmentItem, ShipmentStatusEvent
from app.tenancy.context import all_tenants
from app.tenancy.direct_writes import insert_new
from app.tenancy.models import Tenant, utcnow
from app.tenancy.scoping import CrossTenantWrite
from tests.logistics.conftest import shipment_payload
from tests.support.statements import prepared_plans, recorded_statements


def _input(**changes) -> ShipmentInput:
    return ShipmentInput.from_mapping(shipment_payload(**changes))


def _stored(table, row_id) -> dict:
    """The row as another connection reads it."""
    with db.engine.connect() as connection:
        return dict(connection.execute(sa.select(table).where(table.c.id == row_id)).mappings().one())


def _columns(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


def _delete(shipment_ids) -> None:
    db.session.execute(sa.delete(Shipment).where(Shipment.id.in_(shipment_ids)))
    db.session.commit()


def test_the_issued_shipment_reads_as_stored_without_asking_the_database_again(acting):
    items = shipment_payload()["items"]
    items[0] = {**items[0], "name": 'Buku "Laskar" \\ Pelangi 日本 ñ', "weight": "0.01", "length": "12.5"}
    with acting("owner@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input(items=items))
        with recorded_statements(db.engine) as statements:
            read_back = list(map(_columns, [shipment, *shipment.items, *shipment.events]))
        db.session.commit()
        try:
            assert len(statements) == 0
            assert len(shipment.items) == 2 and len(shipment.events) == 1 and shipment.tracking_number
            stored = [
                _stored(Shipment.__table__, shipment.id),
                *(_stored(ShipmentItem.__table__, item["id"]) for item in read_back[1:3]),
                _stored(ShipmentStatusEvent.__table__, read_back[3]["id"]),
            ]
            assert read_back == stored
        finally:
            _delete([shipment.id])


def test_a_later_change_to_the_issued_shipment_is_saved_by_the_next_commit(acting):
    with acting("owner@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input())
        shipment.receiver_name = "Penerima Diubah"
        services.update_status(user, [shipment], "picked_up", utcnow(), "diambil")
        db.session.commit()
        try:
            assert _stored(Shipment.__table__, shipment.id)["receiver_name"] == "Penerima Diubah"
            assert _stored(Shipment.__table__, shipment.id)["status"] == "picked_up"
        finally:
            _delete([shipment.id])


def test_the_commit_moves_the_tenants_data_version(acting):
    with acting("owner@demo.test") as (tenant, user):
        before = _stored(Tenant.__table__, tenant.id)["data_version"]
        shipment = services.issue(tenant, user, _input())
        assert _stored(Tenant.__table__, tenant.id)["data_version"] == before  # not before the commit
        db.session.commit()
        try:
            assert _stored(Tenant.__table__, tenant.id)["data_version"] == before + 1
        finally:
            _delete([shipment.id])


def test_a_shipment_rolled_back_with_its_savepoint_does_not_move_the_data_version(acting):
    """PostgreSQL moves the version in the tree statement, so a savepoint takes the move back with the rows.
    (SQLite moves it at commit for whatever the transaction touched: once more than needed, never less.)"""
    with acting("owner@demo.test") as (tenant, user):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite moves the version at commit")
        before = _stored(Tenant.__table__, tenant.id)["data_version"]
        savepoint = db.session.begin_nested()
        services.issue(tenant, user, _input())
        savepoint.rollback()
        db.session.commit()
        assert _stored(Tenant.__table__, tenant.id)["data_version"] == before


def test_a_row_of_another_tenant_is_refused_and_nothing_is_written(acting):
    with acting("owner@demo.test") as (tenant, user):
        with all_tenants():  # inside its own scope a tenant sees no other tenant
            other = db.session.execute(sa.select(Tenant.id).where(Tenant.id != tenant.id)).scalars().first()
        count = db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one()
        stranger = Shipment(tenant_id=other, **{key: "x" for key in ("sender_name", "receiver_name")})
        with pytest.raises(CrossTenantWrite):
            insert_new(db.session(), stranger, "items", "events")
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one() == count


def test_a_rolled_back_savepoint_takes_its_shipment_out_of_the_session(acting):
    with acting("owner@demo.test") as (tenant, user):
        savepoint = db.session.begin_nested()
        dropped = services.issue(tenant, user, _input())
        savepoint.rollback()
        assert dropped not in db.session and sa.inspect(dropped).transient
        kept = services.issue(tenant, user, _input())  # on SQLite it may take the dropped one's id
        db.session.commit()
        try:
            assert kept in db.session
            assert _stored(Shipment.__table__, kept.id)["tracking_number"] == kept.tracking_number
        finally:
            _delete([kept.id])


def test_a_shipment_without_items_or_history_is_inserted(acting):
    with acting("owner@demo.test") as (tenant, user):
        draft = Shipment(tenant_id=tenant.id, created_by_id=user.id, status="ready_for_pickup")
        for key in ("sender", "receiver"):
            for part, value in (
                ("name", "Nama"),
                ("phone", "081234567890"),
                ("address", "Jl. Satu"),
                ("city", "31.71"),
            ):
                setattr(draft, f"{key}_{part}", value)
        insert_new(db.session(), draft, "items", "events")
        db.session.commit()
        try:
            assert draft.items == [] and draft.events == []
            assert _stored(Shipment.__table__, draft.id) == _columns(draft)
        finally:
            _delete([draft.id])


def test_on_postgresql_the_shipment_its_items_history_and_number_are_one_prepared_statement(acting):
    """One round trip, and one text for any number of items, within the limits of psycopg's cache of converted
    queries (so it is not parsed anew at each call)."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

    with acting("owner@demo.test") as (tenant, user):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite writes each table with its own INSERT")
        texts = set()
        for items in (1, 3):
            payload = shipment_payload()
            payload["items"] = payload["items"][:1] * items
            with recorded_statements(db.engine) as statements:
                services.issue(tenant, user, ShipmentInput.from_mapping(payload))
            (tree,) = [text for text in statements if "INSERT INTO shipment " in text]
            assert sum("INSERT INTO" in text or "UPDATE tenant_settings" in text for text in statements) == 1
            texts.add(tree)
        db.session.rollback()
    (text,) = texts
    assert len(text) <= MAX_CACHED_STATEMENT_LENGTH and text.count("%(") <= MAX_CACHED_STATEMENT_PARAMS


def test_postgresql_plans_the_tree_statement_once(acting):
    """Marked fixed_plan (app/core/query_plans.py): psycopg prepares it after five runs and, after five plans
    made for their values, PostgreSQL keeps its generic plan for the connection."""
    with acting("owner@demo.test") as (tenant, user):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's plan cache")
        for _ in range(14):
            services.issue(tenant, user, _input())
        ((_custom, generic_plans),) = prepared_plans(db.session.connection(), "INSERT INTO shipment ")
        assert generic_plans > 0
