"""Two tabs, two users, one click each at the same moment: still one income per shipment and one
expense per approved request (real threads, real commits; PostgreSQL for the row locks)."""

import threading

import pytest
import sqlalchemy as sa

from tests.support.factories import shipment_fields

THREADS = 6


def all_tenants():
    from app.tenancy.context import all_tenants as every_tenant

    return every_tenant()


def _run_together(app, email, action) -> list:
    """Run action(tenant, user) on THREADS threads released at once, each committing; their results."""
    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.context import tenant_scope
    from app.tenancy.models import Tenant

    with app.app_context():
        pool = db.engine.pool
        if hasattr(pool, "_max_overflow"):
            pool._max_overflow = max(pool._max_overflow, THREADS)
    start = threading.Barrier(THREADS)
    results, lock = [], threading.Lock()

    def work():
        with app.app_context():
            user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
            tenant = db.session.get(Tenant, user.tenant_id)
            with tenant_scope(tenant.id, user.id):
                start.wait()
                try:
                    outcome = action(tenant, user)
                    db.session.commit()
                except Exception as exc:  # noqa: BLE001 - collected for the assertion
                    db.session.rollback()
                    outcome = exc
            db.session.remove()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=work) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@pytest.fixture()
def committed(app):
    """Rows made and committed in the seeded "contoh" tenant, deleted afterwards."""
    from app.extensions import db
    from app.logistics.finance.models import ExpenseRequest, FinanceEntry
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    made = {}
    yield made
    with app.app_context(), all_tenants():
        for model, column in ((FinanceEntry, FinanceEntry.shipment_id), (Shipment, Shipment.id)):
            if made.get("shipment"):
                db.session.execute(sa.delete(model).where(column == made["shipment"]))
        if made.get("request"):
            db.session.execute(sa.delete(FinanceEntry).where(FinanceEntry.expense_request_id == made["request"]))
            db.session.execute(sa.delete(ExpenseRequest).where(ExpenseRequest.id == made["request"]))
        db.session.commit()


def _as(app, email, action):
    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.context import tenant_scope
    from app.tenancy.models import Tenant

    with app.app_context():
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
        tenant = db.session.get(Tenant, user.tenant_id)
        with tenant_scope(tenant.id, user.id):
            value = action(tenant, user)
            db.session.commit()
            return value


def test_marking_one_shipment_paid_from_six_tabs_at_once_books_one_income(app, committed):
    from app.extensions import db
    from app.logistics.finance import services
    from app.logistics.finance.models import FinanceEntry
    from app.logistics.shipments import services as shipments
    from app.logistics.shipments.inputs import ShipmentInput

    def issue(tenant, user):
        return shipments.issue(tenant, user, ShipmentInput.from_mapping(shipment_fields())).id

    committed["shipment"] = shipment_id = _as(app, "admin@contoh.test", issue)
    results = _run_together(
        app,
        "owner@contoh.test",
        lambda tenant, user: services.mark_paid(tenant, user, [shipment_id], paid_on="2026-12-07", method="tunai"),
    )
    assert sorted(results) == [0] * (THREADS - 1) + [1]
    with app.app_context(), all_tenants():
        count = db.session.execute(
            sa.select(sa.func.count()).select_from(FinanceEntry).where(FinanceEntry.shipment_id == shipment_id)
        ).scalar()
    assert count == 1


def test_approving_one_request_from_six_tabs_at_once_books_one_expense(app, committed):
    from app.core.validation import FieldError
    from app.extensions import db
    from app.logistics.finance import services
    from app.logistics.finance.models import ExpenseRequest, FinanceEntry

    def submit(tenant, user):
        data = services.EntryInput("expense", "2026-12-07", "99000", "tunai", "bahan_bakar", "BBM uji serentak")
        return services.submit_request(tenant, user, data).id

    committed["request"] = request_id = _as(app, "kurir@contoh.test", submit)

    def approve(tenant, user):
        item = db.session.get(ExpenseRequest, request_id)
        return services.approve_request(tenant, user, item).id

    results = _run_together(app, "owner@contoh.test", approve)
    booked = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, FieldError)]
    assert len(booked) == 1 and len(refused) == THREADS - 1, results
    with app.app_context(), all_tenants():
        count = db.session.execute(
            sa.select(sa.func.count()).select_from(FinanceEntry).where(FinanceEntry.expense_request_id == request_id)
        ).scalar()
    assert count == 1
