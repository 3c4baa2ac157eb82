"""Reports (spec §7 "Laporan Harian, Mingguan, Bulanan"): for a day, a week or a month (WIB), the number
of issued shipments, their total weight and fees (and what was collected, for users who see payments), by
courier, by type or by marketing; and the courier performance (each courier's shipments by current status).
Each row names the list filter that shows exactly its shipments. The list's row rules apply (a Kurir sees
its own)."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.periods import day_range, month_end, month_start, week_start
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.finance.models import FinanceEntry
from app.logistics.shipments.listing import ListQuery, shipment_figures
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.services import list_narrowing
from app.logistics.shipments.statuses import DELIVERED, FAILED, IN_TRANSIT_GROUP, type_label
from app.security.models import TenantUser

PERIODS = {"day": _l("Daily"), "week": _l("Weekly"), "month": _l("Monthly")}
GROUPS = {"courier": _l("By courier"), "type": _l("By type"), "marketing": _l("By marketing")}
LABEL_HEADERS = {"courier": _l("Courier"), "type": _l("Type"), "marketing": _l("Marketing")}


@dataclass(frozen=True)
class Figure:
    """A column of a report: its header, the row's attribute, how it reads (count / kg / rupiah), and the list
    filter that narrows a row's link to the column's shipments (None: the cell links nowhere)."""

    header: object
    attribute: str
    kind: str
    narrowing: dict | None = None


SHIPMENTS = Figure(_l("Shipments"), "shipments", "count")
WEIGHT = Figure(_l("Total weight"), "weight", "kg")
FEES = Figure(_l("Fees"), "fees", "rupiah")
COLLECTED = Figure(_l("Collected"), "collected", "rupiah")
# The two report pages: the summary (by courier, type or marketing), and the courier performance (spec §7
# "Laporan performa kurir"): a row per courier with its shipments' current statuses.
SUMMARY, COURIERS = "summary", "couriers"
DEFAULT_PERIODS = {SUMMARY: "day", COURIERS: "month"}
FIGURES = {
    SUMMARY: (SHIPMENTS, WEIGHT, FEES),
    COURIERS: (
        SHIPMENTS,
        Figure(_l("Delivered"), "delivered", "count", {"status": DELIVERED}),
        Figure(_l("Failed"), "failed", "count", {"status": FAILED}),
        Figure(_l("In transit"), "in_transit", "count", {"group": IN_TRANSIT_GROUP}),
        WEIGHT,
        FEES,
    ),
}


@dataclass(frozen=True)
class ReportRow:
    key: object
    label: str
    shipments: int
    weight: float
    fees: int
    list_args: dict | None  # the list filter showing exactly these shipments; None: the list cannot say it
    delivered: int = 0
    failed: int = 0
    in_transit: int = 0
    collected: int = 0  # fees of these shipments marked paid (finance)

    def link_args(self, figure: Figure) -> dict | None:
        """The list filter of this row's shipments counted in `figure`'s column (None: no link)."""
        if self.list_args is None or figure.narrowing is None:
            return None
        return ListQuery.from_args({**self.list_args, **figure.narrowing}).args()


@dataclass(frozen=True)
class Report:
    period: str
    group: str
    first: date
    last: date
    rows: list[ReportRow]
    figures: tuple[Figure, ...]

    @property
    def headers(self) -> list[str]:
        return [str(LABEL_HEADERS[self.group]), *(str(figure.header) for figure in self.figures)]

    @property
    def total(self) -> ReportRow:
        """The rows added up, as a row of its own (label "Total", no link)."""
        sums = {
            name: sum(getattr(row, name) for row in self.rows)
            for name in ("shipments", "weight", "fees", "delivered", "failed", "in_transit", "collected")
        }
        return ReportRow(key=None, label=str(_l("Total")), list_args=None, **sums)

    def table(self) -> list[tuple[ReportRow, list]]:
        """Each row, then the total, with its values in the order of the figures: what the page and the
        Excel file show."""
        return [(row, [getattr(row, figure.attribute) for figure in self.figures]) for row in [*self.rows, self.total]]


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


def _figures(with_collected: bool) -> list:
    """What every row counts: shipments, each status column, weight, fees (and what of them was paid)."""
    figures = shipment_figures()
    if with_collected:
        figures.append(sa.func.coalesce(sa.func.sum(FinanceEntry.amount), 0))
    return figures


def build(user, period: str, anchor: date, group: str, *, view: str = SUMMARY, with_collected=False) -> Report:
    """`view`: which figures (FIGURES); `with_collected`: also the fees collected (shipments marked paid),
    for users who may see payments."""
    if view == COURIERS:
        group = "courier"
    first, last = period_days(period, anchor)
    start, end = day_range(first, last)
    column = {"courier": Shipment.courier_id, "type": Shipment.shipment_type, "marketing": Shipment.marketing_id}[group]
    stmt = (
        sa.select(column, *_figures(with_collected))
        .where(Shipment.tracking_number.is_not(None), Shipment.created_at >= start, Shipment.created_at < end)
        .group_by(column)
    )
    if with_collected:  # at most one payment per shipment (unique): the join multiplies nothing
        stmt = stmt.outerjoin(FinanceEntry, FinanceEntry.shipment_id == Shipment.id)
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
    for key, count, delivered, failed, in_transit, weight, fees, *collected in found:
        if group == "type":
            label, link = type_label(key), {**period_args, "type": key}
        elif key is None:
            label, link = str(_l("Not assigned")), None
        else:
            label, link = names.get(key, f"#{key}"), {**period_args, group: key}
        if link is not None:
            link = ListQuery.from_args({k: str(v) for k, v in link.items()}).args()
        rows.append(
            ReportRow(
                key,
                label,
                int(count),
                float(weight),
                int(fees),
                link,
                delivered=int(delivered),
                failed=int(failed),
                in_transit=int(in_transit),
                collected=int(collected[0]) if collected else 0,
            )
        )
    rows.sort(key=lambda row: (-row.shipments, row.label))
    return Report(period, group, first, last, rows, FIGURES[view] + ((COLLECTED,) if with_collected else ()))
