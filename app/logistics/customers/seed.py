"""Demo customers per tenant, most of them looked after by the demo marketing user, and some of the demo
shipments from the same city linked to them (their sender is the customer). Idempotent: a tenant with any
customer is left alone."""

import sqlalchemy as sa

from app.core.names import ADMIN, MARKETING
from app.extensions import db
from app.logistics.customers.models import Customer
from app.logistics.customers.services import CustomerInput, create_customer
from app.logistics.shipments.models import Shipment
from app.tenancy.context import tenant_scope
from app.tenancy.freshness import bump

CUSTOMERS = (
    # name, phone, address, city (app/logistics/seed.py CITIES), looked after by the marketing user
    ("Toko Sumber Rejeki", "081234567890", "Jl. Pasar Baru No. 12", "31.71", True),
    ("CV Maju Bersama", "082233445566", "Jl. Braga No. 45", "32.73", True),
    ("UD Berkah Jaya", "081398765432", "Jl. Tunjungan No. 7", "35.78", True),
    ("Batik Sekar Arum", "085712345678", "Jl. Malioboro No. 88", "34.71", False),
    ("Kopi Nusantara", "087811223344", "Jl. Pandanaran No. 21", "33.74", True),
)
LINK_EVERY = 4  # one issued shipment in this many, when its origin is a customer's city


def seed_customers(tenant, users_by_role) -> None:
    if db.session.execute(sa.select(Customer.id).where(Customer.tenant_id == tenant.id).limit(1)).first():
        return
    marketing, admin = users_by_role.get(MARKETING), users_by_role.get(ADMIN)
    by_city = {}
    # In the tenant's scope: the activity lines are the tenant's, not the vendor's.
    with tenant_scope(tenant.id, admin.id if admin is not None else None):
        for name, phone, address, city, owned in CUSTOMERS:
            owner = marketing.id if owned and marketing is not None else None
            data = CustomerInput(name=name, phone=phone, address=address, city=city, marketing_id=owner)
            by_city[city] = create_customer(tenant, admin, data)
            db.session.flush()  # logged while the scope is the tenant's
    _link_shipments(tenant, by_city)


def _link_shipments(tenant, by_city: dict) -> None:
    rows = db.session.execute(
        sa.select(Shipment.id, Shipment.sender_city, Shipment.marketing_id)
        .where(Shipment.tenant_id == tenant.id, Shipment.tracking_number.is_not(None))
        .order_by(Shipment.id)
    ).all()
    links = [
        {
            "sid": shipment_id,
            "cid": customer.id,
            "name": customer.name,
            "phone": "0" + customer.phone[3:],  # +62812… as shipments hold it: 0812…
            "address": customer.address,
            "mid": customer.marketing_id or marketing_id,
        }
        for index, (shipment_id, city, marketing_id) in enumerate(rows)
        if index % LINK_EVERY == 0 and (customer := by_city.get(city)) is not None
    ]
    if not links:
        return
    table = Shipment.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == sa.bindparam("sid"))
        .values(
            customer_id=sa.bindparam("cid"),
            sender_name=sa.bindparam("name"),
            sender_phone=sa.bindparam("phone"),
            sender_address=sa.bindparam("address"),
            marketing_id=sa.bindparam("mid"),
        ),
        links,
    )
    bump({tenant.id}, db.session.connection())  # bulk updates bypass the flush hook: running servers recompute
