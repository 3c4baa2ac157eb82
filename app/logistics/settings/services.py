"""Tenant settings: read/create, update with validation, the atomic tracking-number counter, the logo."""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.core import storage, uploads
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.settings.models import TenantSettings
from app.logistics.shipments import numbering
from app.logistics.shipments.calculator import WeightRounding, validate_divisor
from app.tenancy.models import Tenant
from app.tenancy.scoping import SKIP_OPTION

MAX_LOGO_BYTES = 1024 * 1024
LOGO_KINDS = ("png", "jpeg")  # printed on labels and PDFs


def get_settings(tenant_id: int) -> TenantSettings:
    """The tenant's settings row, created with defaults on first use; its company profile starts with
    the name the tenant registered with (the name on labels)."""
    settings = db.session.execute(
        sa.select(TenantSettings).where(TenantSettings.tenant_id == tenant_id), execution_options={SKIP_OPTION: True}
    ).scalar_one_or_none()
    if settings is None:
        name = db.session.execute(sa.select(Tenant.name).where(Tenant.id == tenant_id)).scalar_one_or_none()
        settings = TenantSettings(tenant_id=tenant_id, company_name=name[:150] if name else None)
        try:
            with db.session.begin_nested():  # two first requests of a new tenant: one creates it
                db.session.add(settings)
        except IntegrityError:
            return get_settings(tenant_id)
    return settings


def rounding_of(settings: TenantSettings) -> WeightRounding:
    return WeightRounding(
        mode=settings.rounding_mode, tolerance=settings.rounding_tolerance, minimum=settings.minimum_weight
    )


def allocate_tracking_number(tenant_id: int) -> str:
    """Take the next number from the tenant's counter inside the caller's transaction.

    One UPDATE ... RETURNING: the row lock serializes concurrent callers (PostgreSQL) or the
    database write lock does (SQLite); a rolled-back transaction gives its number back, so there
    are neither duplicates nor gaps.
    """
    row = _take_next_sequence(tenant_id)
    if row is None:  # no settings row yet: create it with the defaults
        get_settings(tenant_id)
        row = _take_next_sequence(tenant_id)
    number = numbering.format_tracking_number(row.tracking_prefix, row.tracking_padding, row.next_sequence - 1)
    if not number_in_use(tenant_id, number):
        return number
    skip_used_numbers(tenant_id)  # the counter pointed at a number already issued: the next free one
    row = _take_next_sequence(tenant_id)
    return numbering.format_tracking_number(row.tracking_prefix, row.tracking_padding, row.next_sequence - 1)


def number_in_use(tenant_id: int, number: str) -> bool:
    return bool(_numbers_in_use(tenant_id, [number]))


def _numbers_in_use(tenant_id: int, numbers: list[str]) -> set[str]:
    shipment = sa.table("shipment", sa.column("tenant_id"), sa.column("tracking_number"))  # no import cycle
    rows = db.session.execute(
        sa.select(shipment.c.tracking_number).where(
            shipment.c.tenant_id == tenant_id, shipment.c.tracking_number.in_(numbers)
        )
    )
    return set(rows.scalars())


def next_free_sequence(tenant_id: int, prefix: str, padding: int, sequence: int, chunk: int = 100) -> int:
    """The first sequence from `sequence` on whose number no shipment of the tenant has."""
    while True:
        numbers = {
            numbering.format_tracking_number(prefix, padding, candidate): candidate
            for candidate in range(sequence, sequence + chunk)
        }
        used = _numbers_in_use(tenant_id, list(numbers))
        free = [candidate for number, candidate in numbers.items() if number not in used]
        if free:
            return free[0]
        sequence += chunk


def lock_counter(tenant_id: int) -> None:
    """Lock the tenant's counter row until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    table = TenantSettings.__table__
    db.session.execute(sa.select(table.c.id).where(table.c.tenant_id == tenant_id).with_for_update())


def skip_used_numbers(tenant_id: int) -> None:
    """Move the tenant's counter past numbers already issued (after the settings pointed it at one): the
    next number taken is free. Locks the counter row until the transaction ends, as taking a number does."""
    table = TenantSettings.__table__
    row = db.session.execute(
        sa.select(table.c.next_sequence, table.c.tracking_prefix, table.c.tracking_padding)
        .where(table.c.tenant_id == tenant_id)
        .with_for_update()
    ).one()
    free = next_free_sequence(tenant_id, row.tracking_prefix, row.tracking_padding, row.next_sequence)
    if free != row.next_sequence:
        db.session.execute(sa.update(table).where(table.c.tenant_id == tenant_id).values(next_sequence=free))


def counter_step(tenant_id, **values):
    """UPDATE the tenant's counter to the next sequence, RETURNING what a number is made of."""
    table = TenantSettings.__table__
    return (
        sa.update(table)
        .where(table.c.tenant_id == tenant_id)
        .values(next_sequence=table.c.next_sequence + 1, **values)
        .returning(table.c.next_sequence, table.c.tracking_prefix, table.c.tracking_padding)
    )


# Built once: every number the unit of work's path takes runs it.
TAKE_NEXT_SEQUENCE = counter_step(sa.bindparam("counter_tenant_id", type_=sa.Integer))


def _take_next_sequence(tenant_id: int):
    return db.session.execute(TAKE_NEXT_SEQUENCE, {"counter_tenant_id": tenant_id}).one_or_none()


@dataclass(frozen=True)
class SettingsInput:
    tracking_prefix: str
    start_number: str
    volume_divisor: object
    rounding_mode: str
    rounding_tolerance: object
    minimum_weight: object
    company_name: str = ""
    company_address: str = ""
    company_website: str = ""
    company_phone: str = ""


def start_number_of(settings: TenantSettings) -> str:
    return numbering.format_start(settings.next_sequence, settings.tracking_padding)


def update_settings(settings: TenantSettings, data: SettingsInput) -> TenantSettings:
    """Validate everything first, then write. The counter moves only when the start number changes."""
    prefix = numbering.normalize_prefix(data.tracking_prefix, "tracking_prefix")
    first, padding = numbering.parse_start(data.start_number)
    divisor = validate_divisor(data.volume_divisor, "volume_divisor")
    rounding = WeightRounding(data.rounding_mode, data.rounding_tolerance, data.minimum_weight)
    _check_length("company_name", data.company_name, 150)
    _check_length("company_website", data.company_website, 255)
    _check_length("company_phone", data.company_phone, 30)
    if str(data.start_number).strip() != start_number_of(settings) or prefix != settings.tracking_prefix:
        _check_start_free(settings.tenant_id, prefix, padding, first)
    if str(data.start_number).strip() != start_number_of(settings):
        settings.next_sequence = first
    settings.tracking_prefix = prefix
    settings.tracking_padding = padding
    settings.volume_divisor = divisor
    settings.rounding_mode = rounding.mode
    settings.rounding_tolerance = rounding.tolerance.quantize(Decimal("0.01"))
    settings.minimum_weight = rounding.minimum.quantize(Decimal("0.01"))
    settings.company_name = (data.company_name or "").strip() or None
    settings.company_address = (data.company_address or "").strip() or None
    settings.company_website = (data.company_website or "").strip() or None
    settings.company_phone = (data.company_phone or "").strip() or None
    db.session.flush()
    return settings


def _check_start_free(tenant_id: int, prefix: str, padding: int, first: int) -> None:
    number = numbering.format_tracking_number(prefix, padding, first)
    if number_in_use(tenant_id, number):
        free = next_free_sequence(tenant_id, prefix, padding, first)
        raise FieldError(
            "start_number",
            _l(
                "%(number)s is already used by a shipment. The next free start number is %(free)s.",
                number=number,
                free=numbering.format_start(free, padding),
            ),
        )


def _check_length(field: str, value: str | None, maximum: int) -> None:
    if value and len(value.strip()) > maximum:
        raise FieldError(field, _l("At most %(max)s characters.", max=maximum))


def logo_kind(data: bytes) -> tuple[str, str] | None:
    """(extension, mimetype) of a PNG or JPEG, by its content (app/core/uploads.py)."""
    found = uploads.detect(data)
    return (found.extension, found.mime) if found and found.kind in LOGO_KINDS else None


def save_logo(settings: TenantSettings, data: bytes) -> str:
    """Store a PNG/JPEG (checked by its first bytes, at most 1 MB) as the tenant's logo; returns its key."""
    if not data:
        raise FieldError("logo", _l("Choose a file to upload."))
    if len(data) > MAX_LOGO_BYTES:
        raise FieldError("logo", _l("The logo may be at most 1 MB."))
    kind = logo_kind(data)
    if kind is None:
        raise FieldError("logo", _l("The logo must be a PNG or JPEG image."))
    key = storage.put(f"logos/{settings.tenant_id}/logo.{kind[0]}", data, kind[1])
    previous = settings.logo_path
    settings.logo_path = key
    db.session.flush()
    if previous and previous != key:
        storage.delete(previous)
    return key


def logo_mimetype(settings: TenantSettings) -> str | None:
    """The stored logo's type (its key ends in the extension its first bytes gave), or None without one."""
    if not settings.logo_path:
        return None
    extension = settings.logo_path.rsplit(".", 1)[-1]
    return next((uploads.KINDS[kind].mime for kind in LOGO_KINDS if uploads.KINDS[kind].extension == extension), None)


def logo_image(settings: TenantSettings) -> tuple[bytes, str] | None:
    """(bytes, mimetype) of the tenant's logo, when one is stored and still there."""
    mimetype = logo_mimetype(settings)
    if mimetype is None:
        return None
    try:
        return storage.read(settings.logo_path), mimetype
    except FileNotFoundError:
        return None
