"""Tracking numbers under concurrency: no duplicate, no gap (R3)."""

import os
import threading

import pytest
import sqlalchemy as sa

from tests.logistics.conftest import shipment_payload
from tests.support.statements import recorded_statements


def _issue_concurrently(app, threads: int, per_thread: int) -> list[str]:
    from app.extensions import db

    with app.app_context():
        pool = db.engine.pool
        if hasattr(pool, "_max_overflow"):  # one connection per thread, as 50 web workers would have
            pool._max_overflow = max(pool._max_overflow, threads)
    from app.logistics.shipments import services
    from app.logistics.shipments.inputs import ShipmentInput
    from app.security.models import TenantUser
    from app.tenancy.context import tenant_scope
    from app.tenancy.models import Tenant

    numbers, errors = [], []
    lock = threading.Lock()

    def work():
        try:
            with app.app_context():
                user = db.session.execute(
                    sa.select(TenantUser).where(TenantUser.email == "admin@contoh.test")
                ).scalar_one()
                tenant = db.session.get(Tenant, user.tenant_id)
                with tenant_scope(tenant.id, user.id):
                    for _ in range(per_thread):
                        shipment = services.issue(tenant, user, ShipmentInput.from_mapping(shipment_payload()))
                        number = shipment.tracking_number
                        db.session.commit()
                        with lock:
                            numbers.append(number)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(repr(exc))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors[:3]
    return numbers


def _assert_no_gap_no_duplicate(numbers: list[str], expected: int) -> None:
    sequences = sorted(int(number[5:]) for number in numbers)
    assert len(numbers) == expected
    assert len(set(numbers)) == expected
    assert sequences == list(range(sequences[0], sequences[0] + expected))


def test_200_shipments_from_10_threads(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite: covered by the smaller test below")
    _assert_no_gap_no_duplicate(_issue_concurrently(app, 10, 20), 200)


def test_100_shipments_from_5_threads_any_database(app):
    _assert_no_gap_no_duplicate(_issue_concurrently(app, 5, 20), 100)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="slow: set RUN_SLOW=1")
def test_r3_full_size(app):
    """R3: 10,000 from 50 threads on PostgreSQL, 1,000 from 5 threads on SQLite (RUN_SLOW=1)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _assert_no_gap_no_duplicate(_issue_concurrently(app, 5, 200), 1000)
    else:
        _assert_no_gap_no_duplicate(_issue_concurrently(app, 50, 200), 10000)


def test_the_number_is_taken_by_the_statement_that_writes_the_shipment(app, acting):
    """PostgreSQL: the counter row is locked from the moment the number is taken until the commit. One
    statement takes it, writes the shipment, its items and first status and moves the tenant's data version;
    after it runs only what the commit adds (the activity-log line), so concurrent saves wait for one short
    statement.
    (SQLite locks the whole database from a transaction's first write: the order makes no difference there.)"""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite: one writer at a time whatever the order")
    from app.extensions import db
    from app.logistics.shipments import services
    from app.logistics.shipments.inputs import ShipmentInput

    with acting("admin@demo.test") as (tenant, user):
        with recorded_statements(db.engine) as statements:
            shipment = services.issue(tenant, user, ShipmentInput.from_mapping(shipment_payload()))
            db.session.commit()
        assert shipment.tracking_number
        db.session.delete(shipment)
        db.session.commit()
    writes = [
        statement for statement in statements if statement.lstrip().upper().startswith(("WITH", "INSERT", "UPDATE"))
    ]
    numbered, *after = writes
    assert "UPDATE tenant_settings SET next_sequence" in numbered
    for table in ("shipment", "shipment_item", "shipment_status_event"):
        assert f"INSERT INTO {table} (" in numbered
    assert "UPDATE tenant SET data_version" in numbered
    assert [" ".join(statement.split()[:3]).upper() for statement in after] == ["INSERT INTO ACTIVITY_LOG"]
