"""Shipment input as typed in the form or sent to the API, and its field-level validation."""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.caching import declare_cache
from app.core.ids import db_integer_id
from app.core.names import COURIER, MARKETING
from app.extensions import db
from app.logistics.customers.models import Customer
from app.logistics.shipments.statuses import SHIPMENT_TYPES
from app.logistics.tariffs.cities import get_city
from app.security.models import TenantUser
from app.tenancy.freshness import tenant_data

PARTY_FIELDS = ("name", "phone", "address", "city")
TEXT_FIELDS = tuple(f"{side}_{key}" for side in ("sender", "receiver") for key in PARTY_FIELDS)
ITEM_FIELDS = ("name", "weight", "quantity", "length", "width", "height")
MAX_LENGTHS = {"name": 150, "address": 1000}
COURIER_ROLE = COURIER
MARKETING_ROLE = MARKETING

_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_PHONE = re.compile(r"(?:\+?62|0)([1-9]\d{7,11})")
_ITEM_KEY = re.compile(r"items-(\d{1,3})-(\w+)")


@dataclass
class ShipmentInput:
    sender_name: str = ""
    sender_phone: str = ""
    sender_address: str = ""
    sender_city: str = ""
    receiver_name: str = ""
    receiver_phone: str = ""
    receiver_address: str = ""
    receiver_city: str = ""
    shipment_type: str = "pickup"
    courier_id: object = None
    marketing_id: object = None
    customer_id: object = None  # the sender picked from the customer book
    discount_type: str = "none"
    discount_value: object = None
    items: list = field(default_factory=list)

    @classmethod
    def from_mapping(cls, data) -> "ShipmentInput":
        """From a form (items as items-N-name ...) or a JSON object (items as a list of objects)."""
        values = {key: _text(data.get(key)) for key in TEXT_FIELDS}
        items = data.get("items") if isinstance(data.get("items"), list) else _form_items(data)
        return cls(
            **values,
            shipment_type=_text(data.get("shipment_type")) or "pickup",
            courier_id=data.get("courier_id") or None,
            marketing_id=data.get("marketing_id") or None,
            customer_id=data.get("customer_id") or None,
            discount_type=_text(data.get("discount_type")) or "none",
            discount_value=data.get("discount_value"),
            items=[item if isinstance(item, dict) else {} for item in items],
        )


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _form_items(form) -> list[dict]:
    rows: dict[int, dict] = {}
    for key in form:
        match = _ITEM_KEY.fullmatch(key)
        if match and match.group(2) in ITEM_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = form.get(key)
    return [rows[index] for index in sorted(rows) if any(_text(v) for v in rows[index].values())]


def normalize_phone(raw: str) -> str | None:
    """Indonesian numbers: 0812-3456-789, +62 812 3456 789, 62..., (021) 5550101 -> 0-prefixed digits."""
    match = _PHONE.fullmatch(_PHONE_SEPARATORS.sub("", raw or ""))
    return "0" + match.group(1) if match else None


def check_parties(data: ShipmentInput, *, required: bool) -> dict:
    """Validate sender/receiver fields in place (phones normalised, city codes canonical)."""
    errors = {}
    for side in ("sender", "receiver"):
        for key in PARTY_FIELDS:
            name = f"{side}_{key}"
            value = getattr(data, name)
            if not value:
                if required:
                    errors[name] = _l("This field is required.")
                continue
            message = _check_party_value(data, name, key, value)
            if message:
                errors[name] = message
    return errors


def _check_party_value(data: ShipmentInput, name: str, key: str, value: str):
    if key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
        return _l("At most %(max)s characters.", max=MAX_LENGTHS[key])
    if key == "phone":
        phone = normalize_phone(value)
        if phone is None:
            return _l("Enter a valid Indonesian phone number, e.g. 0812 3456 7890.")
        setattr(data, name, phone)
    if key == "city":
        city = get_city(value)
        if city is None:
            return _l("Choose a city from the list.")
        setattr(data, name, city.code)
    return None


def check_type(data: ShipmentInput) -> dict:
    return {} if data.shipment_type in SHIPMENT_TYPES else {"shipment_type": _l("Choose Pickup or Drop-off.")}


def active_staff_statement(tenant_id: int, role_name: str):
    """The tenant's active users with a role (users are not tenant-scoped rows: filter explicitly)."""
    from flask_appbuilder.security.sqla.models import Role

    return (
        sa.select(TenantUser)
        .where(TenantUser.tenant_id == tenant_id, TenantUser.active.is_(True))
        .where(TenantUser.roles.any(Role.name == role_name))
    )


@declare_cache(
    "staff_pickers",
    key=lambda tenant_id, role_name: (*tenant_data(tenant_id), role_name),
    depends_on="tenant data version (user edits move it), the role",
)
def active_staff(tenant_id: int, role_name: str) -> list[tuple[int, str]]:
    """(id, full name) of the tenant's active users with a role, by name: the courier and marketing
    pickers and filters."""
    stmt = active_staff_statement(tenant_id, role_name).order_by(TenantUser.first_name, TenantUser.id)
    return [(user.id, user.get_full_name()) for user in db.session.execute(stmt).scalars()]


def check_staff(data: ShipmentInput, tenant_id: int) -> dict:
    errors = {}
    for name, role in (("courier_id", COURIER_ROLE), ("marketing_id", MARKETING_ROLE)):
        value = getattr(data, name)
        if value in (None, ""):
            setattr(data, name, None)
            continue
        ids = {user_id for user_id, _name in active_staff(tenant_id, role)}
        try:
            user_id = int(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity / 1e400 in JSON
            user_id = None
        if user_id not in ids:
            errors[name] = _l("Choose an active person from the list.")
        setattr(data, name, user_id)
    return errors


def check_customer(data: ShipmentInput, tenant_id: int) -> dict:
    """The sender picked from the book: one of the tenant's customers, or none."""
    if data.customer_id in (None, ""):
        data.customer_id = None
        return {}
    customer_id = db_integer_id(data.customer_id)
    stmt = sa.select(Customer.id).where(Customer.id == customer_id, Customer.tenant_id == tenant_id)
    if customer_id is None or db.session.execute(stmt).first() is None:
        data.customer_id = None
        return {"customer_id": _l("Choose a customer from the book.")}
    data.customer_id = customer_id
    return {}


def clean_item_numbers(items: list[dict]) -> list[dict]:
    """Numbers are kept to 0.01 (as stored); anything unparsable is left for the calculator to name."""
    cleaned = []
    for item in items:
        row = dict(item)
        for key in ("weight", "length", "width", "height"):
            row[key] = _cent(row.get(key))
        cleaned.append(row)
    return cleaned


def _cent(value):
    if value in (None, "") or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value
    if not number.is_finite():
        return value
    return number.quantize(Decimal("0.01"), ROUND_HALF_UP) if abs(number) < Decimal("1e15") else number
