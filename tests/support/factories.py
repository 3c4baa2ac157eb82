"""Test factories: valid objects made by the services production uses, with unique names and e-mails.

Each takes keyword overrides and flushes, never commits (like the services). Use them through the
fixtures in tests/conftest.py (`create_tenant`, `create_user`, ... on the rolled-back `db`), or call
them directly inside an app context when a test needs its rows committed (HTTP on the session-wide
database, threads).
"""

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from app.billing.catalogue import plan_by_code
from app.billing.clients import ClientProfile, Owner, apply_subscription, open_client, subscription_of
from app.billing.invoices import InvoiceDraft
from app.billing.invoices import create_invoice as issue_invoice
from app.core.formatting import jakarta_today
from app.core.names import ADMIN, VENDOR_SUPPORT
from app.extensions import db
from app.helpdesk import services as helpdesk
from app.logistics.customers import services as customers
from app.logistics.settings.services import get_settings
from app.logistics.shipments import services as shipments
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.tariffs.services import clean_tariff, find_tariff, save_tariff
from app.security.catalogue import ROLES, TENANT, VENDOR
from app.security.models import TenantUser
from app.tenancy.context import all_tenants, tenant_scope
from app.tenancy.services import set_modules

PASSWORD = "DemoPass#2026"  # = DEMO_PASSWORD: tests.conftest.login() signs any factory user in
_RUN = uuid.uuid4().hex[:4]  # rows committed by other runs of the suite never share a name
_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """`prefix` + a number no other call of this run gets, e.g. "pt-3f0a12"."""
    return f"{prefix}{_RUN}{next(_counter)}"


def shipment_fields(**changes) -> dict:
    """A complete, valid shipment as a form/API sends it, between two cities with a seeded tariff
    (Jakarta Pusat -> Bandung): 2 x Buku 1.5 kg and 1 x Sepatu 0.8 kg, 7 kg charged."""
    data = {
        "sender_name": "Pengirim Uji",
        "sender_phone": "0812 3456 7890",
        "sender_address": "Jl. Uji No. 1",
        "sender_city": "31.71",
        "receiver_name": "Penerima Uji",
        "receiver_phone": "+62 813-1111-2222",
        "receiver_address": "Jl. Coba No. 2",
        "receiver_city": "32.73",
        "shipment_type": "pickup",
        "discount_type": "none",
        "discount_value": "",
        "items": [
            {"name": "Buku", "weight": "1.5", "quantity": 2, "length": 30, "width": 20, "height": 10},
            {"name": "Sepatu", "weight": "0.8", "quantity": 1, "length": 40, "width": 30, "height": 20},
        ],
    }
    data.update(changes)
    return data


def create_tenant(
    slug: str | None = None,
    *,
    plan: str = "free",
    name: str | None = None,
    modules=None,
    days_left: int | None = None,
    period_end=None,
    today=None,
    email: str | None = None,
    owner_password: str = PASSWORD,
    client_type: str = "logistik",
):
    """A client as the vendor's form and the signup make it (billing.clients.open_client): the tenant, its
    subscription on `plan` with the plan's modules, its Super Admin (`owner_of(tenant)`, e-mail =
    the tenant's), and its logistics settings (company profile, numbering) with their defaults.
    `modules`: exactly these module codes instead of the plan's; `today`: the day it joins (the period
    starts); `days_left` / `period_end`: the period ends then."""
    tag = unique("")
    slug = slug or f"t{tag}"
    email = (email or f"owner-{tag}@{slug}.example").lower()
    with all_tenants():
        chosen = plan_by_code(plan)
        assert chosen is not None, f"no plan {plan!r}"
        profile = ClientProfile(name=name or f"PT Uji {tag}", client_type=client_type, email=email)
        owner = Owner(email=email, full_name="Pemilik Uji", password=owner_password)
        tenant, _ = open_client(
            profile, plan=chosen, slug=slug, owner=owner, today=today or jakarta_today(), actor_id=None
        )
        if days_left is not None:
            period_end = jakarta_today() + timedelta(days=days_left)
        if period_end is not None:
            subscription = subscription_of(tenant)
            subscription.period_end = period_end
            apply_subscription(tenant, subscription)
        if modules is not None:
            set_modules(tenant, set(modules))
        with tenant_scope(tenant.id):
            get_settings(tenant.id)
        db.session.flush()
    return tenant


def owner_of(tenant) -> TenantUser:
    """The tenant's first Super Admin (made with it)."""
    with all_tenants():
        return db.session.execute(
            sa.select(TenantUser).where(TenantUser.tenant_id == tenant.id, TenantUser.email == tenant.email)
        ).scalar_one()


def create_user(
    tenant=None,
    role: str | None = None,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    active: bool = True,
    first_name: str = "Pengguna",
    last_name: str = "Uji",
) -> TenantUser:
    """A tenant user (`role` one of the tenant roles, default Admin), or with no tenant a vendor staff member
    (default Vendor Support). Signs in with `password`."""
    role = role or (ADMIN if tenant is not None else VENDOR_SUPPORT)
    spec = ROLES.get(role)
    if spec is not None:  # custom roles (the role editor's) are vendor roles
        assert spec.realm == (TENANT if tenant is not None else VENDOR), f"{role} is not a role of that realm"
    sm = current_app.appbuilder.sm
    email = (email or f"{unique('u')}@{tenant.slug if tenant is not None else 'vendor'}.example").lower()
    with all_tenants():
        found = sm.find_role(role)
        assert found is not None, f"no role {role!r}"
        user = sm.add_user(email, first_name, last_name, email, found, password=password, commit=False)
        assert user, f"could not add {email}"
        user.tenant_id = tenant.id if tenant is not None else None
        user.active = active
        db.session.flush()
    return user


def create_tariff(tenant, origin: str = "31.71", destination: str = "32.73", *, price_per_kg=10000, est_days=2):
    """A tariff of `tenant` for the route (Kemendagri city codes), validated as the tariff form does."""
    with tenant_scope(tenant.id):
        return save_tariff(clean_tariff(origin, destination, price_per_kg, est_days))


def create_shipment(tenant, user=None, *, items=None, draft: bool = False, now=None, **fields):
    """A shipment issued through the shipments service (number, price, first status, activity log), or an
    archived draft with `draft=True`. `user` defaults to the tenant's Super Admin; `fields` override
    `shipment_fields()`; a missing tariff for the route is created first."""
    user = user or owner_of(tenant)
    data = shipment_fields(**fields)
    if items is not None:
        data["items"] = items
    with tenant_scope(tenant.id, user.id):
        if not draft and find_tariff(data["sender_city"], data["receiver_city"]) is None:
            create_tariff(tenant, data["sender_city"], data["receiver_city"])
        shipment_input = ShipmentInput.from_mapping(data)
        if draft:
            return shipments.save_draft(tenant, user, shipment_input)
        return shipments.issue(tenant, user, shipment_input, now=now)


def create_invoice(tenant, lines=None, *, due_in_days: int = 14, today=None, actor=None, **fields):
    """A vendor invoice to the client, numbered and totalled by billing.invoices.create_invoice.
    `lines`: (description, quantity, unit price) tuples; default one line of Rp 1.000.000."""
    today = today or jakarta_today()
    draft = InvoiceDraft(
        tenant_id=tenant.id,
        lines=lines or [("Langganan Uji", 1, Decimal(1_000_000))],
        due_date=today + timedelta(days=due_in_days),
        **fields,
    )
    with all_tenants():
        return issue_invoice(draft, today=today, actor_id=actor.id if actor is not None else None)


def create_ticket(tenant, user=None, *, title: str = "Printer rusak", category: str = "bug", **fields):
    """A helpdesk ticket filed by a tenant user (default its Super Admin), auto-assigned as in production."""
    user = user or owner_of(tenant)
    fields.setdefault("description", "Label tidak tercetak")
    with all_tenants(user.id):
        ticket, _mails = helpdesk.file_ticket(tenant, user, title=title, category=category, **fields)
    return ticket


def create_customer(tenant, user=None, *, name: str | None = None, phone: str | None = None, **fields):
    """A customer in the tenant's book, through the book's service (valid by default: a unique name and
    mobile number, Jakarta Pusat). `fields` override the CustomerInput's (marketing_id, city, active...)."""
    user = user or owner_of(tenant)
    number = next(_counter)
    data = customers.CustomerInput(
        name=name or unique("Toko "),
        phone=phone or f"0813{number % 10**8:08d}",
        address=fields.pop("address", "Jl. Pelanggan No. 1"),
        city=fields.pop("city", "31.71"),
        **fields,
    )
    with tenant_scope(tenant.id, user.id):
        return customers.create_customer(tenant, user, data)
