"""Tariff rules: validation, lookup for a shipment, and saving."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError
from app.extensions import db
from app.logistics.shipments.calculator import no_tariff, to_int, validate_price_per_kg
from app.logistics.tariffs.cities import get_city
from app.logistics.tariffs.models import Tariff

MAX_EST_DAYS = 365
FLUSH_EVERY = 500


@dataclass(frozen=True)
class TariffInput:
    origin: str
    destination: str
    price_per_kg: int
    est_days: int | None


def clean_city(value, field: str) -> str:
    if value in (None, ""):
        raise FieldError(field, _l("Choose a city."))
    city = get_city(value)
    if city is None:
        raise FieldError(field, _l("Unknown city code."))
    return city.code


def clean_est_days(value) -> int | None:
    if value in (None, ""):
        return None
    days = to_int(value, "est_days")
    if not 0 <= days <= MAX_EST_DAYS:
        raise FieldError("est_days", _l("Estimated days must be between 0 and %(max)s.", max=MAX_EST_DAYS))
    return days


def clean_tariff(origin, destination, price_per_kg, est_days) -> TariffInput:
    """Validate raw values (form, API, Excel row) into a TariffInput or raise FieldError."""
    return TariffInput(
        origin=clean_city(origin, "origin"),
        destination=clean_city(destination, "destination"),
        price_per_kg=validate_price_per_kg(price_per_kg),
        est_days=clean_est_days(est_days),
    )


def find_tariff(origin: str, destination: str) -> Tariff | None:
    """Scoped to the current tenant by the central hook."""
    return db.session.execute(
        sa.select(Tariff).where(Tariff.origin == origin, Tariff.destination == destination)
    ).scalar_one_or_none()


def tariff_for(origin: str, destination: str) -> Tariff:
    tariff = find_tariff(origin, destination)
    if tariff is None:
        raise no_tariff("receiver_city")
    return tariff


def check_unique(data: TariffInput, current: Tariff | None = None) -> None:
    existing = find_tariff(data.origin, data.destination)
    if existing is not None and existing is not current:
        raise FieldError("destination", _l("A tariff for this origin and destination already exists."))


def save_tariff(data: TariffInput, tariff: Tariff | None = None) -> Tariff:
    check_unique(data, tariff)
    tariff = tariff or Tariff()
    tariff.origin, tariff.destination = data.origin, data.destination
    tariff.price_per_kg, tariff.est_days = data.price_per_kg, data.est_days
    db.session.add(tariff)
    db.session.flush()
    return tariff


def save_tariffs(items: list[TariffInput], progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Create new routes and update the price/days of existing ones (validated rows, routes unique among
    them). Returns (created, updated); ``progress(percent)`` is called every FLUSH_EVERY rows."""
    existing = {(t.origin, t.destination): t for t in db.session.execute(sa.select(Tariff)).scalars()}
    created = updated = 0
    for number, item in enumerate(items, start=1):
        tariff = existing.get((item.origin, item.destination))
        if tariff is None:
            tariff = Tariff(origin=item.origin, destination=item.destination)
            db.session.add(tariff)
            created += 1
        else:
            updated += 1
        tariff.price_per_kg, tariff.est_days = item.price_per_kg, item.est_days
        if number % FLUSH_EVERY == 0:
            db.session.flush()
            if progress is not None:
                progress(number * 100 // len(items))
    db.session.flush()
    return created, updated
