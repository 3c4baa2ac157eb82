"""The courier's phone page: its own shipments as cards, today's first, then the open ones."""

from datetime import UTC, datetime, time

import sqlalchemy as sa

from app.core.formatting import JAKARTA, jakarta_today
from app.extensions import db
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.statuses import DELIVERED, FAILED, IN_TRANSIT

# The statuses a courier sets from the card, in the order of a delivery.
COURIER_STATUSES = ("picked_up", IN_TRANSIT, "out_for_delivery", DELIVERED, FAILED)
CLOSED = ("delivered", "returned", "cancelled")
MAX_CARDS = 50


def _today_start_utc(now: datetime | None = None) -> datetime:
    return datetime.combine(jakarta_today(now), time(), JAKARTA).astimezone(UTC).replace(tzinfo=None)


def courier_shipments(user, now: datetime | None = None) -> list[Shipment]:
    """The courier's shipments of today (WIB) and every one still open, today's first, newest first.

    Two statements, each reading its courier's date index from the newest end (one with an OR over both
    would sort every shipment the courier ever had)."""
    today = _today_start_utc(now)
    newest = (
        sa.select(Shipment)
        .where(Shipment.courier_id == user.id, Shipment.tracking_number.is_not(None))
        .order_by(Shipment.created_at.desc(), Shipment.id.desc())
    )
    todays = list(db.session.execute(newest.where(Shipment.created_at >= today).limit(MAX_CARDS)).scalars())
    if len(todays) == MAX_CARDS:
        return todays
    still_open = newest.where(Shipment.created_at < today, Shipment.status.not_in(CLOSED))
    return todays + list(db.session.execute(still_open.limit(MAX_CARDS - len(todays))).scalars())
