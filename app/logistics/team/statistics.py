"""Employee statistics (spec §5): per courier its shipments, delivered, failed and in transit; per marketing
person its shipments, their weight and fees; for today, the last 7 days, this month or chosen dates (WIB).

Every figure is counted from the shipment list's own statement (`listing.filtered` with the `ListQuery` its
link opens, narrowed by the same row rule), so a number and the list it links to always hold the same rows:
one grouped statement over the period (the tenant's created_at index range), summed per person here."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.periods import month_start
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.shipments.listing import ListQuery, filtered, shipment_figures
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.statuses import DELIVERED, FAILED, IN_TRANSIT_GROUP
from app.logistics.team import services
from app.security.models import TenantUser

PERIODS = {"today": _l("Today"), "7d": _l("Last 7 days"), "month": _l("This month"), "custom": _l("Chosen dates")}


@dataclass(frozen=True)
class Period:
    key: str
    first: date
    last: date

    def list_query(self, **filters) -> ListQuery:
        """The shipment list of this period's issued shipments, narrowed by `filters`."""
        return ListQuery(created_from=self.first, created_to=self.last, **filters)


def parse_period(args, today: date) -> Period:
    """`period` (today, 7d, month, custom with `from` and `to`, ISO dates); bad input is a FieldError."""
    key = args.get("period") or "today"
    if key not in PERIODS:
        raise FieldError("period", _l("Choose a period from the list."))
    if key == "today":
        return Period(key, today, today)
    if key == "7d":
        return Period(key, today - timedelta(days=6), today)
    if key == "month":
        return Period(key, month_start(today), today)
    first, last = _date(args, "from"), _date(args, "to")
    if first > last:
        raise FieldError("to", _l("The end date cannot be before the start date."))
    return Period(key, first, last)


def _date(args, name: str) -> date:
    try:
        return date.fromisoformat(args.get(name) or "")
    except ValueError:
        raise FieldError(name, _l("Enter a valid date.")) from None


@dataclass(frozen=True)
class Figure:
    value: int | float
    list_args: dict  # the shipment list's query string showing exactly the rows counted


@dataclass(frozen=True)
class CourierRow:
    user: TenantUser
    total: Figure
    delivered: Figure
    failed: Figure
    in_transit: Figure


@dataclass(frozen=True)
class MarketingRow:
    user: TenantUser
    shipments: Figure
    weight: Figure
    fees: Figure


def grouped_statement(user, period: Period):
    """(courier, marketing, total, delivered, failed, in transit, weight, fees) per pair, in one statement."""
    return (
        filtered(period.list_query(), user)
        .with_only_columns(
            Shipment.courier_id,
            Shipment.marketing_id,
            *shipment_figures(),
        )
        .group_by(Shipment.courier_id, Shipment.marketing_id)
    )


def _people(tenant_id: int, role: str, found: set[int]) -> list[TenantUser]:
    """The tenant's users of `role` (active or not: their history counts), and whoever else the period names."""
    people = services.tenant_users(tenant_id, (role,))
    missing = found - {person.id for person in people}
    if missing:
        stmt = sa.select(TenantUser).where(TenantUser.id.in_(missing), TenantUser.tenant_id == tenant_id)
        people += list(db.session.execute(stmt).scalars())
    return people


def _figure(period: Period, value, **filters) -> Figure:
    return Figure(value, period.list_query(**filters).args())


def _courier_row(period: Period, person: TenantUser, sums: list) -> CourierRow:
    total, delivered, failed, moving = sums
    return CourierRow(
        person,
        _figure(period, total, courier=person.id),
        _figure(period, delivered, courier=person.id, status=DELIVERED),
        _figure(period, failed, courier=person.id, status=FAILED),
        _figure(period, moving, courier=person.id, group=IN_TRANSIT_GROUP),
    )


def team_statistics(user, period: Period) -> tuple[list[CourierRow], list[MarketingRow]]:
    """The couriers' and marketing people's figures for `period`, as `user` (its row rule) sees them;
    the busiest first."""
    by_courier = defaultdict(lambda: [0, 0, 0, 0])
    by_marketing = defaultdict(lambda: [0, 0.0, 0])  # a person without shipments reads as zeros
    grouped = db.session.execute(grouped_statement(user, period))
    for courier_id, marketing_id, total, delivered, failed, moving, weight, fees in grouped:
        if courier_id is not None:
            sums = by_courier[courier_id]
            for index, value in enumerate((total, delivered, failed, moving)):
                sums[index] += value
        if marketing_id is not None:
            sums = by_marketing[marketing_id]
            for index, value in enumerate((total, float(weight), int(fees))):
                sums[index] += value
    couriers = [
        _courier_row(period, person, by_courier[person.id])
        for person in _people(user.tenant_id, services.KURIR, set(by_courier))
    ]
    marketing = [
        MarketingRow(person, *(_figure(period, value, marketing=person.id) for value in by_marketing[person.id]))
        for person in _people(user.tenant_id, services.MARKETING, set(by_marketing))
    ]
    couriers.sort(key=lambda row: (-row.total.value, services.full_name(row.user)))
    marketing.sort(key=lambda row: (-row.shipments.value, services.full_name(row.user)))
    return couriers, marketing
