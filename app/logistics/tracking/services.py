"""Public tracking (spec "Lacak Resi"): what anyone holding a tracking number may see, with the
sender's and receiver's names reduced to initials and their phones to the last 3 digits.

There is no signed-in user on this page: the host names the tenant, and the lookup runs in that
tenant's scope explicitly, so a number of another tenant is simply unknown here.
"""

import base64
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.logistics.settings.services import get_settings, logo_image
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.statuses import status_label
from app.tenancy.context import tenant_scope
from app.tenancy.request import tenant_url

MAX_NUMBER_LENGTH = 32
_NUMBER_RE = re.compile(r"[A-Z0-9-]{1,32}")


def initials(name: str | None) -> str:
    """ "Budi Santoso" -> "B. S."; nothing of the name beyond its first letters."""
    letters = [part[0].upper() for part in re.split(r"\s+", (name or "").strip()) if part and part[0].isalnum()]
    return " ".join(f"{letter}." for letter in letters[:3]) or "-"


def phone_tail(phone: str | None) -> str:
    """ "081234567890" -> "•••••••••890": only the last 3 digits."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 4:
        return "•••"
    return "•" * (len(digits) - 3) + digits[-3:]


def normalize_number(number: str | None) -> str | None:
    value = (number or "").strip().upper()
    return value if _NUMBER_RE.fullmatch(value) else None


@dataclass(frozen=True)
class TrackingEvent:
    status: str
    label: str
    occurred_at: datetime


@dataclass(frozen=True)
class PublicTracking:
    number: str
    status: str
    status_label: str
    type_label: str
    origin: str
    destination: str
    sender: str
    sender_phone: str
    receiver: str
    receiver_phone: str
    pieces: int
    issued_at: datetime | None
    events: tuple[TrackingEvent, ...]


def find_shipment(tenant_id: int, number: str | None) -> PublicTracking | None:
    """The issued shipment of this tenant with this number, reduced to what the public may see."""
    number = normalize_number(number)
    if number is None:
        return None
    with tenant_scope(tenant_id):
        shipment = db.session.execute(
            sa.select(Shipment)
            .where(Shipment.tenant_id == tenant_id, Shipment.tracking_number == number)
            .options(selectinload(Shipment.events), selectinload(Shipment.items))
        ).scalar_one_or_none()
        if shipment is None:
            return None
        events = tuple(
            TrackingEvent(event.status, status_label(event.status), event.occurred_at) for event in shipment.events
        )
        return PublicTracking(
            number=shipment.tracking_number,
            status=shipment.status,
            status_label=shipment.status_label,
            type_label=shipment.type_label,
            origin=shipment.origin_name,
            destination=shipment.destination_name,
            sender=initials(shipment.sender_name),
            sender_phone=phone_tail(shipment.sender_phone),
            receiver=initials(shipment.receiver_name),
            receiver_phone=phone_tail(shipment.receiver_phone),
            pieces=sum(item.quantity for item in shipment.items),
            issued_at=shipment.issued_at or shipment.created_at,
            events=events,
        )


@dataclass(frozen=True)
class Company:
    name: str
    logo_src: str | None
    address: str | None
    phone: str | None
    website: str | None


def company_of(tenant) -> Company:
    """The tenant's public face on the page and on labels: the company profile, logo as a data URI
    (the logo may live in S3, which neither the browser on a public page nor xhtml2pdf can read)."""
    settings = get_settings(tenant.id)
    logo = logo_image(settings)
    logo_src = f"data:{logo[1]};base64,{base64.b64encode(logo[0]).decode()}" if logo else None
    return Company(
        name=settings.company_name or tenant.name,
        logo_src=logo_src,
        address=settings.company_address,
        phone=settings.company_phone,
        website=settings.company_website,
    )


def tracking_root(slug: str) -> str:
    """`<scheme>://<slug>.<BASE_DOMAIN>[:port]` of the current request (jobs get it from the request)."""
    return tenant_url(slug, "")


def tracking_url(root: str, number: str) -> str:
    """The absolute public address of a shipment, `<root>/lacak/<number>`."""
    return f"{root}/lacak/{quote(number, safe='')}"


def whatsapp_link(text: str) -> str:
    return "https://wa.me/?text=" + quote(text, safe="")
