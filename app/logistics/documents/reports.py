"""Reports (spec §7 "Laporan Harian, Mingguan, Bulanan"): for a day, a week or a month (WIB), the number
of issued shipments, their total weight and fees, by courier, by type or by marketing. Each row names
the list filter that shows exactly its shipments. The list's row rules apply (a Kurir sees its own)."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.periods import day_range, month_end, month_start, week_start
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.shipments.listing import ListQuery
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.services import list_narrowing
from app.logistics.shipments.statuses import type_label
from app.security.models import TenantUser

PERIODS = {"day": _l("Daily"), "week": _l("Weekly"), "month": _l("Monthly")}
GROUPS = {"courier": _l("By courier"), "type": _l("By type"), "marketing": _l("By marketing")}


@dataclass(frozen=True)
class ReportRow:
    key: object
    label: str
    shipments: int
    weight: float
    fees: int
    list_args: dict | None  # the list filter showing exactly these shipments; None: the list cannot say it


@dataclass(frozen=True)
class Report:
    period: str
    group: str
    first: date
    last: date
    rows: list[ReportRow]

    @property
    def totals(self) -> tuple[int, float, int]:
        return (
            sum(row.shipments for row in self.rows),
            sum(row.weight for row in self.rows),
            sum(row.fees for row in self.rows),
        )


def period_days(period: str, anchor: date) -> tuple[date, date]:
    if period == "day":
        return anchor, anchor
    if period == "week":
        first = week_start(anchor)
        return first, first + timedelta(days=6)
    return month_start(anchor), month_end(anchor)


def parse(period: str | None, day: str | None, group: str | None, today: date) -> tuple[str, date, str]:
    period, group = period or "day", group or "courier"
    errors = {}
    if period not in PERIODS:
        errors["period"] = _l("Choose daily, weekly or monthly.")
    if group not in GROUPS:
        errors["group"] = _l("Choose how to group the report.")
    try:
        anchor = date.fromisoformat(day) if day else today
    except ValueError:
        errors["date"] = _l("Enter a valid date.")
        anchor = today
    if errors:
        raise FieldError(errors=errors)
    return period, anchor, group


def build(user, period: str, anchor: date, group: str) -> Report:
    first, last = period_days(period, anchor)
    start, end = day_range(first, last)
    column = {"courier": Shipment.courier_id, "type": Shipment.shipment_type, "marketing": Shipment.marketing_id}[group]
    stmt = (
        sa.select(
            column,
            sa.func.count(Shipment.id),
            sa.func.coalesce(sa.func.sum(Shipment.total_weight), 0),
            sa.func.coalesce(sa.func.sum(Shipment.total_cost), 0),
        )
        .where(Shipment.tracking_number.is_not(None), Shipment.created_at >= start, Shipment.created_at < end)
        .group_by(column)
    )
    narrowing = list_narrowing(user)
    if narrowing is not None:
        stmt = stmt.where(narrowing)
    found = db.session.execute(stmt).all()
    names = {}
    if group != "type":
        ids = [key for key, *_ in found if key is not None]
        if ids:
            users = db.session.execute(sa.select(TenantUser).where(TenantUser.id.in_(ids))).scalars()
            names = {person.id: person.get_full_name() for person in users}
    period_args = {"tab": "active", "created_from": first.isoformat(), "created_to": last.isoformat()}
    rows = []
    for key, count, weight, fees in found:
        if group == "type":
            label, link = type_label(key), {**period_args, "type": key}
        elif key is None:
            label, link = str(_l("Not assigned")), None
        else:
            label, link = names.get(key, f"#{key}"), {**period_args, group: key}
        if link is not None:
            link = ListQuery.from_args({k: str(v) for k, v in link.items()}).args()
        rows.append(ReportRow(key, label, int(count), float(weight), int(fees), link))
    rows.sort(key=lambda row: (-row.shipments, row.label))
    return Report(period, group, first, last, rows)
