"""Deterministic, idempotent demo data. Later areas add their own seed steps to SEED_STEPS."""

from datetime import timedelta

import sqlalchemy as sa

from app.audit.services import record_event
from app.core.names import ADMIN, COURIER, MARKETING, SUPER_ADMIN, VENDOR_FINANCE, VENDOR_SUPPORT, VENDOR_VIEWER, VIEWER
from app.extensions import db
from app.security.catalogue import VENDOR_ADMIN
from app.security.models import TenantUser as User
from app.tenancy import services as tenancy
from app.tenancy.context import all_tenants
from app.tenancy.models import Tenant, utcnow

DEMO_TENANTS = (
    {
        "slug": "demo",
        "name": "PT Demo Kirim Cepat",
        "contact_name": "Budi Santoso",
        "phone": "0215550101",
        "address": "Jl. Merdeka No. 1, Jakarta Pusat",
        "npwp": "01.234.567.8-901.000",
    },
    {
        "slug": "contoh",
        "name": "CV Contoh Kargo",
        "contact_name": "Siti Rahayu",
        "phone": "0225550202",
        "address": "Jl. Asia Afrika No. 8, Bandung",
        "npwp": "02.345.678.9-012.000",
    },
)
VENDOR_STAFF = (
    ("admin@vendor.test", "Admin", "Vendor", VENDOR_ADMIN),
    ("support@vendor.test", "Support", "Vendor", VENDOR_SUPPORT),
    ("finance@vendor.test", "Finance", "Vendor", VENDOR_FINANCE),
    ("viewer@vendor.test", "Viewer", "Vendor", VENDOR_VIEWER),
)
TENANT_USERS = (
    ("owner", "Pemilik", SUPER_ADMIN),
    ("admin", "Admin", ADMIN),
    ("viewer", "Pengamat", VIEWER),
    ("kurir", "Kurir", COURIER),
    ("marketing", "Marketing", MARKETING),
)
FEATURE_MODULES = ("shipments", "tariffs", "labels", "reports", "finance", "staff")

SEED_STEPS: list = []  # callables (tenant, users_by_role) -> None, appended by later areas

from app.logistics.seed import seed_logistics  # noqa: E402

SEED_STEPS.append(seed_logistics)
from app.logistics.customers.seed import seed_customers  # noqa: E402

SEED_STEPS.append(seed_customers)
from app.billing.seed import seed_billing, seed_vendor_billing  # noqa: E402

SEED_STEPS.append(seed_billing)
from app.helpdesk.seed import seed_helpdesk, seed_vendor_helpdesk  # noqa: E402

SEED_STEPS.append(seed_helpdesk)
from app.notifications.seed import seed_notifications  # noqa: E402

SEED_STEPS.append(seed_notifications)
from app.logistics.finance.seed import seed_finance  # noqa: E402

SEED_STEPS.append(seed_finance)


def _ensure_user(sm, email, first, last, role_name, password, tenant_id=None) -> User:
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        user = sm.add_user(email, first, last, email, sm.find_role(role_name), password=password)
        if not user:
            raise RuntimeError(f"could not create {email}")
    user.tenant_id = tenant_id
    return user


def _ensure_tenant(data: dict) -> Tenant:
    tenant = tenancy.tenant_by_slug(data["slug"])
    if tenant is None:
        tenant = Tenant(client_type="logistik", email=f"owner@{data['slug']}.test", **data)
        db.session.add(tenant)
        db.session.flush()
        record_event(
            db.session, "company.registered", tenant_id=tenant.id, actor_id=None, summary=tenant.name, entity=tenant
        )
    tenancy.set_modules(tenant, set(FEATURE_MODULES))
    tenancy.set_subscription(
        tenant, state="active", ends_at=utcnow() + timedelta(days=30), shipment_quota=None, user_quota=None
    )
    return tenant


def seed_demo(password: str) -> list[str]:
    from flask import current_app

    sm = current_app.appbuilder.sm
    lines = []
    with all_tenants():
        for email, first, last, role in VENDOR_STAFF:
            _ensure_user(sm, email, first, last, role, password)
            lines.append(f"  vendor   {email:28} {role}")
        seed_vendor_billing()
        seed_vendor_helpdesk()
        for data in DEMO_TENANTS:
            tenant = _ensure_tenant(data)
            users = {}
            for local, first, role in TENANT_USERS:
                email = f"{local}@{tenant.slug}.test"
                users[role] = _ensure_user(sm, email, first, tenant.name[:60], role, password, tenant.id)
                lines.append(f"  {tenant.slug:8} {email:28} {role}")
            for step in SEED_STEPS:
                step(tenant, users)
    return lines  # `flask seed-demo` commits (one transaction)
