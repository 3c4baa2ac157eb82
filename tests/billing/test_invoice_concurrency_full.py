"""R3 at full size: 2,000 invoices created by 20 threads get consecutive numbers (PostgreSQL)."""

import threading
from datetime import date
from types import SimpleNamespace

import pytest

from app.billing.invoices import create_invoice
from app.billing.models import Invoice, InvoiceCounter
from app.tenancy.services import tenant_by_slug
from tests.billing.test_services import TODAY, _draft

THREADS = 20
PER_THREAD = 100


def test_two_thousand_concurrent_invoices_are_numbered_without_gap_or_duplicate(app):
    import sqlalchemy as sa

    from app.extensions import db
    from app.tenancy.context import all_tenants

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrency is measured on PostgreSQL")
    issued = date(2078, 7, 1)
    numbers, errors = [], []
    with app.app_context(), all_tenants():
        tenant = SimpleNamespace(id=tenant_by_slug("contoh").id)
    start = threading.Barrier(THREADS, timeout=60)

    def worker():
        start.wait()  # before touching the pool: 20 threads share fewer connections than that
        with app.app_context(), all_tenants():
            try:
                for _ in range(PER_THREAD):
                    invoice = create_invoice(_draft(tenant, issued=issued, due=issued), today=TODAY, actor_id=None)
                    db.session.commit()
                    numbers.append(invoice.number)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    total = THREADS * PER_THREAD
    assert len(numbers) == len(set(numbers)) == total
    assert all(n.startswith("INV/2078/VII/") for n in numbers)
    assert sorted(int(n.rsplit("/", 1)[1]) for n in numbers) == list(range(1, total + 1))
    with app.app_context(), all_tenants():
        assert db.session.get(InvoiceCounter, "2078").last_seq == total
        stored = db.session.execute(sa.select(Invoice.number).where(Invoice.number.like("INV/2078/%"))).scalars().all()
        assert sorted(stored) == sorted(numbers)
