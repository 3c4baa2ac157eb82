"""Billing demo data: the module catalogue, the three plans, extra clients of every type, and per demo
tenant a Pro subscription with a paid, an unpaid, an overdue and a cancelled (credit note) invoice.
Deterministic and idempotent."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.billing.catalogue import module_by_code, plan_by_code
from app.billing.clients import subscribe, subscription_of
from app.billing.credit_notes import issue_credit_note
from app.billing.invoices import InvoiceDraft, add_payment, create_invoice
from app.billing.models import Invoice, Plan, ProductModule
from app.core.formatting import jakarta_today
from app.extensions import db
from app.tenancy import services as tenancy
from app.tenancy.models import Tenant

MVP = (
    ("dashboard_utama", "Dashboard Utama"),
    ("manajemen_akun", "Manajemen Akun"),
    ("manajemen_modul", "Manajemen Modul"),
    ("manajemen_inventaris", "Manajemen Inventaris"),
    ("pos", "POS"),
    ("marketplace", "Marketplace"),
    ("laporan_keuangan", "Laporan Keuangan"),
    ("landing_page", "Landing Page"),
    ("pengaturan", "Pengaturan"),
    ("faq", "FAQ"),
)
ADVANCED = (
    ("harga_bertingkat", "Manajemen Harga Bertingkat"),
    ("unit_usaha", "Manajemen Unit Usaha"),
    ("aset_sewa", "Manajemen Aset & Jadwal Sewa"),
    ("simpanan", "Modul Simpanan (Syariah dan Non)"),
    ("pinjaman_syariah", "Modul Pinjaman dan Pembiayaan Syariah"),
    ("pembagian_shu", "Modul Pembagian SHU"),
    ("manajemen_anggota", "Modul Manajemen Anggota"),
)
FEATURES = (
    ("shipments", "Pengiriman"),
    ("tariffs", "Tarif"),
    ("labels", "Label & Resi"),
    ("reports", "Laporan"),
    ("finance", "Keuangan"),
    ("staff", "Karyawan"),
)
PLANS = (
    ("free", "Free", 0, 100, 3, ("shipments", "tariffs", "labels", "reports")),
    ("pro", "Pro", 299_000, 500, 10, tuple(code for code, _ in FEATURES)),
    ("business", "Business", 999_000, None, None, tuple(code for code, _ in FEATURES)),
)
EXTRA_CLIENTS = (
    ("koperasi-sejahtera", "Koperasi Sejahtera Bersama", "koperasi", "free"),
    ("bumdes-maju", "Bumdes Maju Jaya", "bumdes", "pro"),
    ("toko-bangunan-sentosa", "UMKM Toko Bangunan Sentosa", "umkm", "business"),
)


def _ensure_module(code: str, name: str, category: str, price: int) -> ProductModule:
    module = module_by_code(code)
    if module is None:
        module = ProductModule(
            code=code, name=name, category=category, monthly_price=Decimal(price), description=name, active=True
        )
        db.session.add(module)
    return module


def _ensure_plan(code, name, price, shipments, users, module_codes) -> Plan:
    plan = plan_by_code(code) or Plan(code=code)
    plan.name, plan.price, plan.period_days = name, Decimal(price), 30
    plan.shipment_quota, plan.user_quota = shipments, users
    plan.modules = [module_by_code(c) for c in module_codes]
    db.session.add(plan)
    return plan


def _ensure_extra_client(slug: str, name: str, client_type: str, plan_code: str) -> None:
    tenant = tenancy.tenant_by_slug(slug)
    if tenant is None:
        tenant = Tenant(
            slug=slug,
            name=name,
            client_type=client_type,
            email=f"info@{slug}.test",
            contact_name="Pengurus",
            phone="0215550000",
            address="Indonesia",
        )
        db.session.add(tenant)
        db.session.flush()
    if subscription_of(tenant) is None:
        subscribe(tenant, plan_by_code(plan_code), jakarta_today())


def seed_vendor_billing() -> None:
    for group, category, price in ((MVP, "mvp", 150_000), (ADVANCED, "advanced", 350_000), (FEATURES, "mvp", 0)):
        for code, name in group:
            _ensure_module(code, name, category, price)
    db.session.flush()
    for spec in PLANS:
        _ensure_plan(*spec)
    db.session.flush()
    for spec in EXTRA_CLIENTS:
        _ensure_extra_client(*spec)
    db.session.flush()


def seed_billing(tenant: Tenant, users_by_role: dict) -> None:
    today = jakarta_today()
    subscribe(tenant, plan_by_code("pro"), subscription_of(tenant).started_on if subscription_of(tenant) else today)
    has_invoices = db.session.execute(sa.select(Invoice.id).where(Invoice.tenant_id == tenant.id).limit(1)).first()
    if has_invoices:
        return
    line = [("Langganan SiLogistik Pro (30 hari)", 1, Decimal(299_000))]
    paid = create_invoice(
        InvoiceDraft(tenant.id, line, today - timedelta(days=26), today - timedelta(days=40)),
        today=today,
        actor_id=None,
    )
    add_payment(
        paid.id,
        method="transfer",
        paid_at=today - timedelta(days=30),
        amount=paid.total,
        reference=f"TRF-{tenant.slug.upper()}-1",
        today=today,
        actor_id=None,
    )
    create_invoice(
        InvoiceDraft(
            tenant.id,
            line + [("Modul tambahan: Laporan Keuangan", 1, Decimal(150_000))],
            today + timedelta(days=9),
            today - timedelta(days=5),
        ),
        today=today,
        actor_id=None,
    )
    overdue = create_invoice(
        InvoiceDraft(tenant.id, line, today - timedelta(days=31), today - timedelta(days=45)),
        today=today,
        actor_id=None,
    )
    add_payment(
        overdue.id,
        method="cash",
        paid_at=today - timedelta(days=35),
        amount=Decimal(100_000),
        reference="Cicilan 1",
        today=today,
        actor_id=None,
    )
    wrong = create_invoice(
        InvoiceDraft(
            tenant.id, [("Modul tambahan: POS (salah tagih)", 1, Decimal(150_000))], today + timedelta(days=4)
        ),
        today=today - timedelta(days=10),
        actor_id=None,
    )
    issue_credit_note(wrong.id, reason="Klien tidak memesan modul POS; tagihan dibatalkan.", today=today, actor_id=None)
