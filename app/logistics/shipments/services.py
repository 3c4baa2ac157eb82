"""Shipment business rules: drafts, issuing (number, cost), edits, duplicates, statuses, deletes, quota.

Services take the tenant and acting user explicitly, flush, and never commit.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.names import ADMIN, COURIER, MARKETING, SUPER_ADMIN
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.customers.models import Customer
from app.logistics.settings.models import TenantSettings
from app.logistics.settings.services import allocate_tracking_number, get_settings, lock_counter, rounding_of
from app.logistics.shipments import calculator, new_shipment
from app.logistics.shipments.inputs import (
    ITEM_FIELDS,
    TEXT_FIELDS,
    ShipmentInput,
    check_customer,
    check_parties,
    check_staff,
    check_type,
    clean_item_numbers,
)
from app.logistics.shipments.models import Shipment, ShipmentItem, ShipmentStatusEvent, item_names_text
from app.logistics.shipments.statuses import INITIAL_STATUS, STATUSES
from app.logistics.tariffs.models import Tariff
from app.tenancy.models import Tenant, utcnow
from app.tenancy.services import quota_period

MAX_NOTE_LENGTH = 1000
STATUS_CLOCK_SKEW = timedelta(minutes=5)  # a status dated later than this ahead of the server is refused
FULL_ACCESS_ROLES = frozenset({SUPER_ADMIN, ADMIN})
COURIER_ROLE = COURIER
MARKETING_ROLE = MARKETING


class ShipmentDenied(PermissionError):
    """A row-level rule refused the action; the message is for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class QuotaExceeded(ShipmentDenied):
    pass


# --- computing ---------------------------------------------------------------------------
def quote_for(tenant_id: int, data: ShipmentInput, *, complete: bool, require_tariff: bool) -> calculator.Quote | None:
    """The server's calculation: tenant divisor and rounding, the tariff of the route, the discount."""
    settings, price = _settings_and_price(tenant_id, data.sender_city, data.receiver_city)
    if price is None:
        if require_tariff:
            raise calculator.no_tariff("receiver_city")
        price = 0
    if not data.items and not complete:
        return None
    return calculator.calculate(
        clean_item_numbers(data.items),
        settings.volume_divisor,
        rounding_of(settings),
        price,
        data.discount_type,
        data.discount_value,
        refuse_excess_discount=complete,
    )


def _settings_and_price_statement():
    route = (Tariff.origin == sa.bindparam("origin"), Tariff.destination == sa.bindparam("destination"))
    tenant_id = sa.bindparam("tenant_id", type_=sa.Integer)
    price = sa.select(Tariff.price_per_kg).where(Tariff.tenant_id == tenant_id, *route).scalar_subquery()
    settings = TenantSettings.__table__.c
    read = (settings.volume_divisor, settings.rounding_mode, settings.rounding_tolerance, settings.minimum_weight)
    return sa.select(*read, price.label("price_per_kg")).where(settings.tenant_id == tenant_id)


# Built once: building it costs more than running it.
SETTINGS_AND_PRICE = _settings_and_price_statement()


def _settings_and_price(tenant_id: int, origin: str, destination: str):
    """The settings a quote reads (divisor and rounding, as attributes of a row) and the route's price per kg
    (None: no tariff), in one statement: every save reads both. A Core statement, filtered by the tenant
    explicitly, on the session's connection (no ORM execution around it)."""
    params = {"tenant_id": tenant_id, "origin": origin, "destination": destination}
    row = db.session.connection().execute(SETTINGS_AND_PRICE, params).one_or_none()
    if row is None:  # first use: the row is created with the defaults
        get_settings(tenant_id)
        return _settings_and_price(tenant_id, origin, destination)
    return row, row.price_per_kg


def validate(tenant_id: int, data: ShipmentInput, *, issue: bool) -> calculator.Quote | None:
    """Every field error at once for the parties; the first item/cost error from the calculator."""
    errors = {
        **check_parties(data, required=issue),
        **check_type(data),
        **check_staff(data, tenant_id),
        **check_customer(data, tenant_id),
    }
    quote = None
    try:
        if issue or data.items or data.discount_type != "none":
            quote = quote_for(tenant_id, data, complete=issue, require_tariff=issue and not errors)
    except FieldError as exc:
        errors.setdefault(exc.field, exc.message)
    if errors:
        raise FieldError(errors=errors)
    return quote


def _apply(shipment: Shipment, data: ShipmentInput, quote: calculator.Quote | None) -> None:
    for key in ("sender", "receiver"):
        for part in ("name", "phone", "address", "city"):
            setattr(shipment, f"{key}_{part}", getattr(data, f"{key}_{part}"))
    shipment.shipment_type = data.shipment_type
    shipment.courier_id, shipment.marketing_id = data.courier_id, data.marketing_id
    shipment.customer_id = data.customer_id
    shipment.items = [_item(line, position) for position, line in enumerate(quote.lines if quote else ())]
    shipment.item_names = item_names_text(item.name for item in shipment.items)
    shipment.total_weight = quote.total_weight if quote else 0
    shipment.chargeable_weight = quote.chargeable_weight if quote else 0
    shipment.price_per_kg = quote.price_per_kg if quote else 0
    shipment.shipping_cost = int(quote.shipping_cost) if quote else 0
    shipment.discount_type = quote.discount_type if quote else "none"
    shipment.discount_value = quote.discount_value if quote else 0
    shipment.discount_amount = int(quote.discount_amount) if quote else 0
    shipment.total_cost = int(quote.total_cost) if quote else 0


def _item(line: calculator.QuoteLine, position: int) -> ShipmentItem:
    return ShipmentItem(
        position=position,
        name=line.name,
        weight=line.weight,
        quantity=line.quantity,
        length=line.length,
        width=line.width,
        height=line.height,
        volumetric_weight=line.volumetric_weight,
        line_total=line.line_total,
    )


# --- saving ------------------------------------------------------------------------------
def save_draft(tenant: Tenant, user, data: ShipmentInput, shipment: Shipment | None = None) -> Shipment:
    """Arsipkan: keep what was typed (checked for format, not completeness); no number."""
    if shipment is not None and not shipment.is_draft:
        raise ShipmentDenied(_l("An issued shipment cannot go back to the archive."))
    quote = validate(tenant.id, data, issue=False)
    shipment = shipment or Shipment(tenant_id=tenant.id, created_by_id=user.id)
    _apply(shipment, data, quote)
    shipment.status = INITIAL_STATUS[data.shipment_type]
    db.session.add(shipment)
    db.session.flush()
    return shipment


def issue(tenant: Tenant, user, data: ShipmentInput, shipment: Shipment | None = None, *, now=None) -> Shipment:
    """Simpan: validate everything, check the quota, record the first status, take the next number.

    On PostgreSQL a new shipment is written with its items, first status and number by one statement
    (new_shipment.py); otherwise (SQLite, an archived draft) the number is taken and the unit of work writes
    the rows. Either way the counter row stays locked until the caller commits: commit right after."""
    if shipment is not None and not shipment.is_draft:
        return update_issued(tenant, user, data, shipment)
    quote = validate(tenant.id, data, issue=True)
    check_quota(tenant, now=now)
    shipment = shipment or Shipment(tenant_id=tenant.id, created_by_id=user.id)
    _apply(shipment, data, quote)
    now = now or utcnow()
    shipment.status = INITIAL_STATUS[data.shipment_type]
    shipment.issued_at = now
    shipment.created_at = now
    shipment.events.append(
        ShipmentStatusEvent(tenant_id=tenant.id, status=shipment.status, occurred_at=now, user_id=user.id)
    )
    session = db.session()
    if sa.inspect(shipment).transient and new_shipment.available(session):
        new_shipment.insert(session, shipment)
    else:  # one flush: one activity-log line holding the number
        shipment.tracking_number = allocate_tracking_number(tenant.id)
        session.add(shipment)
        session.flush()
    if not shipment.tracking_number:
        raise RuntimeError(f"tenant {tenant.id} has no tracking-number counter")
    return shipment


def update_issued(tenant: Tenant, user, data: ShipmentInput, shipment: Shipment) -> Shipment:
    """Edit an issued shipment: recomputed, same number, status untouched."""
    quote = validate(tenant.id, data, issue=True)
    _apply(shipment, data, quote)
    db.session.flush()
    return shipment


def form_values(shipment: Shipment) -> dict:
    """The typed values of a shipment, for editing it or duplicating it into a new one."""
    values = {
        key: getattr(shipment, key)
        for key in (*TEXT_FIELDS, "shipment_type", "courier_id", "marketing_id", "customer_id", "discount_type")
    }
    values["discount_value"] = shipment.discount_value
    values["items"] = [{key: getattr(item, key) for key in ITEM_FIELDS} for item in shipment.items]
    return values


def delete_shipment(user, shipment: Shipment) -> None:
    """Deleted with its items and history; the activity log keeps a snapshot (Audited)."""
    db.session.delete(shipment)
    db.session.flush()


# --- quota -------------------------------------------------------------------------------
def issued_in_period(tenant: Tenant, now: datetime) -> int:
    """Shipments issued in the subscription period `now` falls in, its first and last day included."""
    start, end = quota_period(tenant, now)
    return db.session.execute(
        sa.select(sa.func.count(Shipment.id)).where(
            Shipment.tenant_id == tenant.id, Shipment.issued_at >= start, Shipment.issued_at < end
        )
    ).scalar_one()


def check_quota(tenant: Tenant, now: datetime | None = None) -> None:
    """Refuse the shipment over the plan's quota. The tenant's counter row is locked first (issuing takes it
    anyway), so that concurrent issues of one tenant count one after the other: never one over."""
    if tenant.shipment_quota is None:
        return
    lock_counter(tenant.id)
    now = now or utcnow()
    if issued_in_period(tenant, now) >= tenant.shipment_quota:
        raise QuotaExceeded(
            _l(
                "Your plan allows %(quota)s shipments per 30 days and they are used up. "
                "Upgrade your plan to create more shipments.",
                quota=tenant.shipment_quota,
            )
        )


# --- statuses ----------------------------------------------------------------------------
def role_names(user) -> set[str]:
    return {role.name for role in getattr(user, "roles", [])}


def narrowing_roles(user) -> tuple[str, ...]:
    """The roles by which the row rule narrows the user's shipments: none for Super Admin, Admin, Viewer
    and anyone without a Kurir or Marketing role."""
    roles = role_names(user)
    if user is None or roles & FULL_ACCESS_ROLES:
        return ()
    return tuple(role for role in (COURIER_ROLE, MARKETING_ROLE) if role in roles)


def list_narrowing(user):
    """Row rule of the shipment list: a Kurir sees the shipments assigned to them; Marketing the shipments
    it is named on and those of the customers it looks after (spec §9: "kiriman pelanggan yang dibawahi").

    None = no narrowing."""
    narrowing = narrowing_roles(user)
    return sa.or_(*(_own_rows(role, user.id) for role in narrowing)) if narrowing else None


def _own_rows(role: str, user_id: int):
    if role == COURIER_ROLE:
        return Shipment.courier_id == user_id
    # The customers' ids as values, not a subquery: PostgreSQL then reads both conditions from their indexes
    # (a subquery inside OR is a filter on every row of the tenant).
    own_customers = db.session.execute(sa.select(Customer.id).where(Customer.marketing_id == user_id)).scalars().all()
    if not own_customers:
        return Shipment.marketing_id == user_id
    return sa.or_(Shipment.marketing_id == user_id, Shipment.customer_id.in_(own_customers))


def row_audience(user) -> tuple:
    """Who the user is to the row rule: () for everyone it does not narrow, else the user and the roles
    (a key of the list's and the detail popup's cached HTML)."""
    narrowing = narrowing_roles(user)
    return (user.id, *narrowing) if narrowing else ()


def can_change_status(user, shipment: Shipment) -> bool:
    """Super Admin and Admin: any shipment; a Kurir: only shipments assigned to them; others: none."""
    roles = role_names(user)
    if roles & FULL_ACCESS_ROLES:
        return True
    return COURIER_ROLE in roles and shipment.courier_id == user.id


def can_delete_status_event(user, event: ShipmentStatusEvent) -> bool:
    """Super Admin and Admin: any entry; a Kurir: only an entry they recorded themselves on a shipment
    assigned to them (correcting their own update, spec §9: a Kurir updates its own shipments' status)."""
    roles = role_names(user)
    if roles & FULL_ACCESS_ROLES:
        return True
    return COURIER_ROLE in roles and event.user_id == user.id and event.shipment.courier_id == user.id


def _check_status_access(user, shipments) -> None:
    for shipment in shipments:
        if shipment.is_draft:
            raise ShipmentDenied(_l("A draft has no tracking number yet: save it first."))
        if not can_change_status(user, shipment):
            raise ShipmentDenied(
                _l("You may only update shipments assigned to you (%(number)s).", number=shipment.tracking_number)
            )


def clean_status(status, occurred_at, note, now: datetime | None = None) -> tuple[str, datetime, str | None]:
    errors = {}
    if not isinstance(status, str) or status not in STATUSES:
        errors["status"] = _l("Choose a status from the list.")
    if not isinstance(occurred_at, datetime):
        errors["occurred_at"] = _l("Enter a valid date and time.")
    elif occurred_at > (now or utcnow()) + STATUS_CLOCK_SKEW:
        errors["occurred_at"] = _l("The date and time are in the future.")
    if note is not None and not isinstance(note, str):
        errors["note"], note = _l("Enter text."), None
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE_LENGTH:
        errors["note"] = _l("At most %(max)s characters.", max=MAX_NOTE_LENGTH)
    if errors:
        raise FieldError(errors=errors)
    return status, occurred_at, note


def _check_not_before_issue(shipments, occurred_at: datetime) -> None:
    """A status dated before the shipment was saved would sort under its first status and make no sense
    in the history. Compared by the minute: the form's date-time has no seconds."""
    for shipment in shipments:
        if occurred_at < _minute_of(shipment.issued_at or shipment.created_at):
            raise FieldError(
                "occurred_at", _l("The date is before %(number)s was saved.", number=shipment.tracking_number)
            )


def update_status(
    user, shipments: list[Shipment], status, occurred_at, note=None, *, now: datetime | None = None
) -> list[ShipmentStatusEvent]:
    """Record a status change on one or many shipments: all or nothing. Not dated in the future (beyond
    a few minutes' difference between the user's clock and the server's)."""
    if not shipments:
        raise FieldError("ids", _l("Select at least one shipment."))
    status, occurred_at, note = clean_status(status, occurred_at, note, now)
    _check_status_access(user, shipments)
    _check_not_before_issue(shipments, occurred_at)
    events = []
    for shipment in shipments:
        event = ShipmentStatusEvent(
            tenant_id=shipment.tenant_id,
            status=status,
            occurred_at=_after_same_minute(shipment, occurred_at),
            note=note,
            user_id=user.id,
        )
        shipment.events.append(event)
        events.append(event)
        _refresh_status(shipment)
    db.session.flush()
    return events


def _after_same_minute(shipment: Shipment, occurred_at: datetime) -> datetime:
    """The history shows minutes and the form sends no seconds: a status dated within the minute of an
    entry already recorded (e.g. the shipment's creation at 10:15:42, the form's 10:15) comes after it,
    or the new status would hide under the old one."""
    minute = _minute_of(occurred_at)
    same_minute = [e.occurred_at for e in shipment.events if _minute_of(e.occurred_at) == minute]
    return max([occurred_at, *same_minute])


def _minute_of(moment: datetime) -> datetime:
    """The precision of the status form and of the history."""
    return moment.replace(second=0, microsecond=0)


def delete_status_event(user, event: ShipmentStatusEvent) -> None:
    """Remove one history entry; the shipment's status follows the latest remaining entry."""
    shipment = event.shipment
    _check_status_access(user, [shipment])
    if not can_delete_status_event(user, event):
        raise ShipmentDenied(_l("You may only delete status entries you recorded yourself."))
    shipment.events.remove(event)
    db.session.delete(event)
    _refresh_status(shipment)
    db.session.flush()


def _refresh_status(shipment: Shipment) -> None:
    latest = max(shipment.events, key=lambda e: (e.occurred_at, e.id or 10**12), default=None)
    shipment.status = latest.status if latest else INITIAL_STATUS.get(shipment.shipment_type, shipment.status)
