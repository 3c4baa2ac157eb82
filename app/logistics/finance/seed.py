"""Finance demo data: a month of cash-book entries, two paid shipments, a pending and an approved
expense request. Idempotent: a tenant with any entry is left alone."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.formatting import jakarta_today
from app.core.names import ADMIN, COURIER, SUPER_ADMIN
from app.extensions import db
from app.logistics.finance import receivables, services
from app.logistics.finance.models import FinanceEntry, Receivable
from app.logistics.shipments.models import Shipment

ENTRIES = (
    # days ago, kind, amount, method, category, description
    (20, "income", 2_500_000, "transfer", "lainnya", "Modal kas awal"),
    (15, "expense", 350_000, "tunai", "bahan_bakar", "BBM armada minggu ke-2"),
    (10, "expense", 1_200_000, "transfer", "sewa", "Sewa gudang"),
    (5, "expense", 275_000, "tunai", "perawatan", "Servis motor kurir"),
    (2, "income", 180_000, "qris", "pengiriman", "Ongkir tunai di loket"),
)


def seed_finance(tenant, users_by_role: dict) -> None:
    _seed_receivables(tenant, users_by_role.get(ADMIN))
    if db.session.execute(sa.select(FinanceEntry.id).where(FinanceEntry.tenant_id == tenant.id).limit(1)).first():
        return
    today = jakarta_today()
    owner, admin, kurir = (users_by_role.get(role) for role in (SUPER_ADMIN, ADMIN, COURIER))
    for days, kind, amount, method, category, description in ENTRIES:
        data = services.EntryInput(
            kind, (today - timedelta(days=days)).isoformat(), str(amount), method, category, description
        )
        services.record_entry(tenant, admin, data)
    shipment_ids = db.session.execute(
        sa.select(Shipment.id)
        .where(Shipment.tenant_id == tenant.id, Shipment.tracking_number.is_not(None))
        .order_by(Shipment.id)
        .limit(2)
    ).scalars()
    services.mark_paid(tenant, owner, list(shipment_ids), paid_on=today.isoformat(), method="transfer")
    fuel = services.EntryInput("expense", today.isoformat(), "120000", "tunai", "bahan_bakar", "BBM motor B 1234 XY")
    services.submit_request(tenant, kurir, fuel)
    oil = services.EntryInput(
        "expense", (today - timedelta(days=3)).isoformat(), "85000", "tunai", "perawatan", "Ganti oli"
    )
    services.approve_request(tenant, owner, services.submit_request(tenant, kurir, oil))


RECEIVABLES = (
    # kind, name, phone, days ago issued, days until due (negative: overdue), amount, paid
    ("customer", "Toko Sumber Rejeki", "081234567890", 75, -45, 1_250_000, 250_000),
    ("customer", "CV Maju Bersama", "082233445566", 10, 20, 640_000, 0),
    ("employee", "Andi (kurir)", "085711112222", 40, -10, 500_000, 500_000),
)


def _seed_receivables(tenant, admin) -> None:
    if db.session.execute(sa.select(Receivable.id).where(Receivable.tenant_id == tenant.id).limit(1)).first():
        return
    today = jakarta_today()
    for kind, name, phone, issued, due, amount, paid in RECEIVABLES:
        data = receivables.ReceivableInput(
            kind,
            name,
            phone,
            "",
            str(amount),
            (today - timedelta(days=issued)).isoformat(),
            (today + timedelta(days=due)).isoformat(),
            "",
        )
        receivable = receivables.create_receivable(tenant, admin, data)
        if paid:
            receivables.add_receivable_payment(
                tenant, admin, receivable, amount=str(paid), paid_on=today.isoformat(), method="tunai"
            )
