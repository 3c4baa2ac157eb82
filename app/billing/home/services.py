"""The vendor home's figures: clients, revenue (payments received, by WIB date), open tickets,
growth series and the recent-activity feed.

Each card names the list filter that shows exactly the rows it counts; the counts use the same
conditions as those lists. Time comes in as `now` (naive UTC) and is cut in WIB.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.billing.clients import client_status_condition
from app.billing.models import Payment
from app.core.names import CLIENT, PAYMENT, VENDOR_TICKET
from app.core.periods import add_months, month_end, month_start, quarter_end, quarter_start, today_wib, week_start
from app.extensions import db
from app.helpdesk import queries as tickets
from app.tenancy.models import Tenant

NEW_CLIENT_DAYS = 30
GROWTH_METRICS = ("clients", "revenue")
GROWTH_PERIODS = {"week": 12, "month": 12, "year": 5}  # period -> how many buckets


@dataclass
class Card:
    key: str
    label: str
    value: int | Decimal
    endpoint: str  # the list it links to
    args: dict
    previous: Decimal | None = None  # revenue: the previous period's sum
    money: bool = False
    gross: Decimal | None = None  # revenue: the same payments with PPN (the value is net of tax)

    @property
    def change(self) -> float | None:
        """Percent change against the previous period (None when there was nothing before)."""
        if self.previous is None or not self.previous:
            return None
        return round(float((Decimal(self.value) - self.previous) * 100 / self.previous), 1)


# --- cards ---------------------------------------------------------------------------------
def active_clients(today: date) -> int:
    """Clients shown as active: not those shown as overdue ("Jatuh Tempo"), as the list it opens."""
    active = client_status_condition("active", today)
    return db.session.execute(sa.select(sa.func.count()).select_from(Tenant).where(active)).scalar_one()


def new_clients_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=NEW_CLIENT_DAYS - 1), today


def clients_joined(first: date, last: date) -> int:
    stmt = sa.select(sa.func.count()).where(Tenant.joined_on >= first, Tenant.joined_on <= last)
    return db.session.execute(stmt).scalar_one()


def net_sum():
    """The sum of payments without PPN (each payment's net amount is fixed when it is recorded)."""
    return sa.func.round(sa.func.coalesce(sa.func.sum(Payment.net_amount), 0), 0)


def _revenue_sum(first: date, last: date, net: bool = False):
    """Payments received (with PPN, or without it: `net`), an index-only range scan on paid_at."""
    total = net_sum() if net else sa.func.coalesce(sa.func.sum(Payment.amount), 0)
    return sa.select(total).where(Payment.paid_at >= first, Payment.paid_at <= last)


def revenue(first: date, last: date, net: bool = False) -> Decimal:
    """Payments received between two WIB dates, inclusive (Payment.paid_at is the WIB date)."""
    return _whole(db.session.execute(_revenue_sum(first, last, net)).scalar_one())


def revenues(periods: list[tuple[date, date]], net: bool = False) -> list[Decimal]:
    """Several periods' revenue in one statement (each sum an index-only range scan)."""
    row = db.session.execute(sa.select(*[_revenue_sum(first, last, net).scalar_subquery() for first, last in periods]))
    return [_whole(value) for value in row.one()]


def _whole(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1))


def open_tickets() -> int:
    return tickets.count(tickets.TicketFilters(status=tickets.OPEN))


def revenue_cards(today: date) -> list[Card]:
    """This month and this quarter net of PPN (the vendor's own income), each against the period before it;
    the gross (what clients paid, tax included) beside it."""
    month, previous_month = month_start(today), add_months(today, -1)
    quarter, previous_quarter = quarter_start(today), add_months(quarter_start(today), -3)
    specs = (
        (
            "revenue_month",
            _l("Revenue this month"),
            (month, month_end(today)),
            (previous_month, month_end(previous_month)),
        ),
        (
            "revenue_quarter",
            _l("Revenue this quarter"),
            (quarter, quarter_end(today)),
            (previous_quarter, quarter_end(previous_quarter)),
        ),
    )
    periods = [period for _, _, current, previous in specs for period in (current, previous)]
    sums, gross = revenues(periods, net=True), revenues(periods)
    return [
        Card(
            key,
            str(label),
            sums[2 * index],
            "RevenueView.index",
            {"paid_from": current[0].isoformat(), "paid_to": current[1].isoformat()},
            previous=sums[2 * index + 1],
            money=True,
            gross=gross[2 * index],
        )
        for index, (key, label, current, previous) in enumerate(specs)
    ]


def cards(today: date, can_read) -> list[Card]:
    """`can_read(resource)` says which figures the user may see (the lists they could open)."""
    found = []
    if can_read(CLIENT):
        joined_from, joined_to = new_clients_window(today)
        found.append(
            Card(
                "active_clients",
                str(_l("Active clients")),
                active_clients(today),
                "ClientView.index",
                {"status": "active"},
            )
        )
        found.append(
            Card(
                "new_clients",
                str(_l("New clients (last 30 days)")),
                clients_joined(joined_from, joined_to),
                "ClientView.index",
                {"joined_from": joined_from.isoformat(), "joined_to": joined_to.isoformat()},
            )
        )
    if can_read(PAYMENT):
        found.extend(revenue_cards(today))
    if can_read(VENDOR_TICKET):
        found.append(
            Card(
                "open_tickets", str(_l("Open tickets")), open_tickets(), "VendorTicketView.tickets", {"status": "open"}
            )
        )
    return found


# --- growth --------------------------------------------------------------------------------
def bucket_starts(today: date, period: str) -> list[date]:
    count = GROWTH_PERIODS[period]
    if period == "week":
        current = week_start(today)
        return [current - timedelta(weeks=offset) for offset in range(count - 1, -1, -1)]
    if period == "year":
        return [date(today.year - offset, 1, 1) for offset in range(count - 1, -1, -1)]
    return [add_months(month_start(today), -offset) for offset in range(count - 1, -1, -1)]


def _joined_count(first: date | None, last: date):
    stmt = sa.select(sa.func.count()).select_from(Tenant).where(Tenant.joined_on <= last)
    return stmt.where(Tenant.joined_on >= first) if first else stmt


def growth(today: date, metric: str, period: str) -> list[tuple[date, Decimal | int]]:
    """Clients: how many had joined by the end of each bucket. Revenue: payments in each bucket.

    One statement with one index-only range aggregate per bucket."""
    starts = bucket_starts(today, period)
    ends = [next_start - timedelta(days=1) for next_start in starts[1:]] + [today]
    if metric == "revenue":
        return list(zip(starts, revenues(list(zip(starts, ends, strict=True))), strict=True))
    before = _joined_count(None, starts[0] - timedelta(days=1))
    buckets = [_joined_count(start, end) for start, end in zip(starts, ends, strict=True)]
    row = db.session.execute(sa.select(*[stmt.scalar_subquery() for stmt in (before, *buckets)])).one()
    series, running = [], row[0]
    for start, joined in zip(starts, row[1:], strict=True):
        running += joined
        series.append((start, running))
    return series


@dataclass
class Home:
    today: date
    cards: list[Card]
    metric: str
    period: str
    series: list[tuple]


def home(now: datetime, can_read, metric: str = "clients", period: str = "month") -> Home:
    today = today_wib(now)
    if metric not in GROWTH_METRICS or (metric == "revenue" and not can_read(PAYMENT)):
        metric = "clients" if can_read(CLIENT) else "revenue"
    period = period if period in GROWTH_PERIODS else "month"
    series = growth(today, metric, period) if can_read(CLIENT if metric == "clients" else PAYMENT) else []
    return Home(today, cards(today, can_read), metric, period, series)
