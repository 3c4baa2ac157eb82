"""Demo data per tenant: settings, tariffs between real cities, a few hundred shipments (bulk inserts)."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.core.names import COURIER, MARKETING, SUPER_ADMIN
from app.extensions import db
from app.logistics.settings.services import get_settings, rounding_of
from app.logistics.shipments import calculator
from app.logistics.shipments.models import Shipment, ShipmentItem, ShipmentStatusEvent, item_names_text
from app.logistics.shipments.numbering import format_tracking_number
from app.logistics.shipments.statuses import INITIAL_STATUS, STATUSES
from app.logistics.tariffs.models import Tariff
from app.tenancy.freshness import bump
from app.tenancy.models import utcnow

PREFIXES = {"demo": "DMO10", "contoh": "CTH10"}
CITIES = (
    "31.71",
    "32.73",
    "35.78",
    "33.74",
    "34.71",
    "12.71",
)  # Jakarta Pusat, Bandung, Surabaya, Semarang, Yogyakarta, Medan
SHIPMENTS = 300
DRAFTS = 12
DRAFT_EVERY = SHIPMENTS // DRAFTS
RECENT = 6  # shipments of the last hour: the dashboard's "this month" has some from the month's first hour on
FIRST_NAMES = ("Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hana", "Indra", "Joko", "Kartika", "Lestari")
LAST_NAMES = ("Pratama", "Saputra", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Kusuma", "Siregar", "Halim")
GOODS = ("Pakaian", "Buku", "Sepatu", "Elektronik", "Makanan ringan", "Dokumen", "Kosmetik", "Suku cadang")
STREETS = ("Jl. Sudirman", "Jl. Diponegoro", "Jl. Gatot Subroto", "Jl. Ahmad Yani", "Jl. Pahlawan")
LATER_STATUSES = ("picked_up", "in_transit", "arrived", "out_for_delivery", "delivered")


def seed_logistics(tenant, users_by_role) -> None:
    settings = _seed_settings(tenant)
    tariffs = _seed_tariffs(tenant)
    if db.session.execute(sa.select(Shipment.id).where(Shipment.tenant_id == tenant.id).limit(1)).first():
        return
    _seed_shipments(tenant, users_by_role, settings, tariffs)


def _seed_settings(tenant):
    settings = get_settings(tenant.id)
    if settings.company_website is None:  # not seeded yet (the name is there from the start)
        settings.tracking_prefix = PREFIXES.get(tenant.slug, "RESI")
        settings.tracking_padding = 5
        settings.company_name = tenant.name
        settings.company_address = tenant.address
        settings.company_phone = tenant.phone
        settings.company_website = f"https://{tenant.slug}.silogistik.test"
        db.session.flush()
    return settings


def _seed_tariffs(tenant) -> dict:
    existing = {
        (t.origin, t.destination): t.price_per_kg
        for t in db.session.execute(sa.select(Tariff).where(Tariff.tenant_id == tenant.id)).scalars()
    }
    if existing:
        return existing
    rng = random.Random(f"tariffs-{tenant.id}")
    rows = [
        {
            "tenant_id": tenant.id,
            "origin": a,
            "destination": b,
            "price_per_kg": rng.randrange(8, 40) * 1000,
            "est_days": rng.randrange(1, 6),
        }
        for a in CITIES
        for b in CITIES
        if a != b
    ]
    db.session.execute(sa.insert(Tariff), rows)
    return {(r["origin"], r["destination"]): r["price_per_kg"] for r in rows}


def _person(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _phone(rng) -> str:
    return "08" + "".join(str(rng.randrange(10)) for _ in range(rng.choice((9, 10))))


def _seed_shipments(tenant, users, settings, tariffs) -> None:
    rng = random.Random(tenant.id)
    now = utcnow().replace(microsecond=0)
    routes = sorted(tariffs)
    courier, marketing, actor = users.get(COURIER), users.get(MARKETING), users.get(SUPER_ADMIN)
    plans = sorted(
        [now - timedelta(minutes=rng.randrange(1, 60)) for _ in range(RECENT)]
        + [now - timedelta(minutes=rng.randrange(60, 60 * 24 * 60)) for _ in range(SHIPMENTS - RECENT)]
    )
    shipments, item_plans = [], []
    sequence = 0
    for index, created_at in enumerate(plans):
        draft = index % DRAFT_EVERY == DRAFT_EVERY - 1
        origin, destination = rng.choice(routes)
        kind = rng.choice(("pickup", "dropoff"))
        items = [
            {
                "name": rng.choice(GOODS),
                "weight": f"{rng.randrange(10, 1500) / 100:.2f}",
                "quantity": rng.randrange(1, 4),
                "length": rng.randrange(5, 60),
                "width": rng.randrange(5, 40),
                "height": rng.randrange(2, 30),
            }
            for _ in range(rng.randrange(1, 4))
        ]
        quote = calculator.calculate(
            items, settings.volume_divisor, rounding_of(settings), tariffs[(origin, destination)]
        )
        if not draft:
            sequence += 1
        shipments.append(
            {
                "tenant_id": tenant.id,
                "tracking_number": None
                if draft
                else format_tracking_number(settings.tracking_prefix, settings.tracking_padding, sequence),
                "sender_name": _person(rng),
                "sender_phone": _phone(rng),
                "sender_address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
                "sender_city": origin,
                "receiver_name": _person(rng),
                "receiver_phone": _phone(rng),
                "receiver_address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
                "receiver_city": destination,
                "shipment_type": kind,
                "status": INITIAL_STATUS[kind],
                "courier_id": courier.id if courier is not None and rng.random() < 0.5 else None,
                "marketing_id": marketing.id if marketing is not None and rng.random() < 0.7 else None,
                "total_weight": quote.total_weight,
                "chargeable_weight": quote.chargeable_weight,
                "price_per_kg": quote.price_per_kg,
                "shipping_cost": int(quote.shipping_cost),
                "discount_type": "none",
                "discount_value": 0,
                "discount_amount": 0,
                "total_cost": int(quote.total_cost),
                "item_names": item_names_text(line.name for line in quote.lines),
                "created_at": created_at,
                "issued_at": None if draft else created_at,
                "updated_at": created_at,
                "created_by_id": actor.id if actor is not None else None,
            }
        )
        item_plans.append(quote.lines)
    ids = (
        db.session.execute(sa.insert(Shipment).returning(Shipment.id, sort_by_parameter_order=True), shipments)
        .scalars()
        .all()
    )
    _insert_items(tenant, ids, item_plans)
    _insert_events(tenant, rng, ids, shipments, actor, now)
    settings_table = settings.__table__
    db.session.execute(
        sa.update(settings_table).where(settings_table.c.tenant_id == tenant.id).values(next_sequence=sequence + 1)
    )
    db.session.expire(settings)
    bump({tenant.id}, db.session.connection())  # bulk inserts bypass the flush hook: running servers recompute


def _insert_items(tenant, ids, item_plans) -> None:
    rows = [
        {
            "tenant_id": tenant.id,
            "shipment_id": shipment_id,
            "position": position,
            "name": line.name,
            "weight": line.weight,
            "quantity": line.quantity,
            "length": line.length,
            "width": line.width,
            "height": line.height,
            "volumetric_weight": line.volumetric_weight,
            "line_total": line.line_total,
        }
        for shipment_id, lines in zip(ids, item_plans, strict=True)
        for position, line in enumerate(lines)
    ]
    db.session.execute(sa.insert(ShipmentItem), rows)


def _insert_events(tenant, rng, ids, shipments, actor, now) -> None:
    events, status_updates = [], []
    for shipment_id, row in zip(ids, shipments, strict=True):
        if row["tracking_number"] is None:
            continue
        moment = row["created_at"]
        status = row["status"]
        events.append(_event(tenant, shipment_id, status, moment, actor))
        for code in LATER_STATUSES[: rng.randrange(0, 4)]:
            moment = min(moment + timedelta(hours=rng.randrange(2, 30)), now)
            status = code if code in STATUSES else status
            events.append(_event(tenant, shipment_id, status, moment, actor))
        if status != row["status"]:
            status_updates.append({"sid": shipment_id, "st": status})
    db.session.execute(sa.insert(ShipmentStatusEvent), events)
    if status_updates:
        table = Shipment.__table__
        db.session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("sid")).values(status=sa.bindparam("st")),
            status_updates,
        )


def _event(tenant, shipment_id, status, moment, actor) -> dict:
    return {
        "tenant_id": tenant.id,
        "shipment_id": shipment_id,
        "status": status,
        "occurred_at": moment,
        "note": None,
        "user_id": actor.id if actor is not None else None,
        "created_at": moment,
    }
