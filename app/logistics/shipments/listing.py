"""The shipment list query: tabs, one search box, filters, sorting and keyset pagination.

Pages are fetched with a (sort value, id) cursor, so page 500 costs what page 1 costs, and
no COUNT runs: one extra row tells whether a next page exists.
"""

import base64
import json
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core.ids import db_integer_id
from app.core.periods import day_range
from app.extensions import db
from app.logistics.shipments.models import Shipment, ShipmentLabels, ShipmentStatusEvent
from app.logistics.shipments.services import list_narrowing
from app.logistics.shipments.statuses import (
    DELIVERED,
    FAILED,
    IN_TRANSIT_GROUP,
    SHIPMENT_TYPES,
    STATUS_GROUPS,
    STATUSES,
)
from app.logistics.tariffs.cities import search_cities
from app.security.models import TenantUser

PAGE_SIZES = (25, 50, 100)
SORTS = {
    "date": (Shipment.created_at, datetime.fromisoformat),
    "weight": (Shipment.total_weight, Decimal),
    "tracking": (Shipment.tracking_number, str),
    "status": (Shipment.status, str),
}
# "Search by everything" (spec): number, names, phones, addresses and the items' names. PostgreSQL searches
# this one expression, backed by the trigram GIN index ix_shipment_search_trgm (migration
# 0020_documents_search, which must hold the identical text); SQLite ORs the columns.
SEARCH_TEXT_SQL = (
    "(COALESCE(tracking_number, '') || ' ' || sender_name || ' ' || receiver_name"
    " || ' ' || sender_phone || ' ' || receiver_phone || ' ' || sender_address || ' ' || receiver_address"
    " || ' ' || item_names)"
)


@dataclass(frozen=True, slots=True)
class ListRow(ShipmentLabels):
    """What a list row shows (and sorts on), read as plain rows: no ORM objects for a page that is
    rendered many times a second."""

    id: int
    tracking_number: str | None
    sender_name: str
    receiver_name: str
    sender_city: str
    receiver_city: str
    total_weight: Decimal
    status: str
    created_at: datetime


LIST_COLUMNS = tuple(getattr(Shipment, column.name) for column in fields(ListRow))
SEARCH_COLUMNS = (
    Shipment.tracking_number,
    Shipment.sender_name,
    Shipment.receiver_name,
    Shipment.sender_phone,
    Shipment.receiver_phone,
    Shipment.sender_address,
    Shipment.receiver_address,
    Shipment.item_names,
)


@dataclass
class ListQuery:
    tab: str = "active"
    q: str = ""
    status: str = ""
    courier: int | None = None
    marketing: int | None = None  # the reports link here (no control on the list page)
    customer: int | None = None  # a customer's page links here
    shipment_type: str = ""
    sort: str = "date"
    desc: bool = True
    per_page: int = 25
    after: str = ""
    before: str = ""
    # Dashboard card filters: created between two WIB days (inclusive), a named status group.
    created_from: date | None = None
    created_to: date | None = None
    group: str = ""

    @classmethod
    def from_args(cls, args) -> "ListQuery":
        sort = args.get("sort", "date")
        tab = "archive" if args.get("tab") == "archive" else "active"
        if sort not in SORTS or (tab == "archive" and sort == "tracking"):
            sort = "date"
        try:
            per_page = int(args.get("per_page", 25))
        except ValueError:
            per_page = 25
        try:
            courier = int(args["courier"]) if args.get("courier") else None
        except ValueError:
            courier = None
        marketing = args.get("marketing", "")
        marketing = int(marketing) if marketing.isdigit() and len(marketing) < 10 else None
        return cls(
            tab=tab,
            q=(args.get("q") or "").strip()[:100],
            status=args.get("status") if args.get("status") in STATUSES else "",
            courier=courier,
            marketing=marketing,
            customer=db_integer_id(args.get("customer")),
            shipment_type=args.get("type") if args.get("type") in SHIPMENT_TYPES else "",
            sort=sort,
            desc=args.get("dir", "desc") != "asc",
            per_page=per_page if per_page in PAGE_SIZES else 25,
            after=args.get("after", ""),
            before=args.get("before", ""),
            created_from=_iso_date(args.get("created_from")),
            created_to=_iso_date(args.get("created_to")),
            group=args.get("group") if args.get("group") in STATUS_GROUPS else "",
        )

    def args(self, **changes) -> dict:
        """Query-string arguments of this list (minus the cursor), with changes, for links."""
        values = {
            "tab": self.tab,
            "q": self.q,
            "status": self.status,
            "courier": self.courier or "",
            "marketing": self.marketing or "",
            "customer": self.customer or "",
            "type": self.shipment_type,
            "sort": self.sort,
            "dir": "desc" if self.desc else "asc",
            "per_page": self.per_page,
            "created_from": self.created_from.isoformat() if self.created_from else "",
            "created_to": self.created_to.isoformat() if self.created_to else "",
            "group": self.group,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}

    def key(self) -> tuple:
        """Everything that selects the page, cursor included, as a cache key."""
        return tuple(sorted(self.args(after=self.after, before=self.before).items()))


# What a shipment's detail shows, with the shipment in one statement (its items follow in a second:
# joined to the status history as well, 100 items times 20 events would multiply into 2,000 rows).
# The people on a shipment's pages are shown by name only: their other columns stay unread.
_NAMES = (TenantUser.first_name, TenantUser.last_name)
DETAIL_LOADS = (
    joinedload(Shipment.courier).load_only(*_NAMES),
    joinedload(Shipment.marketing).load_only(*_NAMES),
    joinedload(Shipment.events).joinedload(ShipmentStatusEvent.user).load_only(*_NAMES),
)


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None


class PageOnDemand:
    """A page fetched when the template first reads it: a cached rendering of its rows and pager
    (app/logistics/shipments/fragments.py) does not run the list's statement at all."""

    def __init__(self, query: ListQuery, user):
        self._query, self._user = query, user

    @cached_property
    def _page(self) -> Page:
        return fetch_page(self._query, self._user)

    rows = property(lambda self: self._page.rows)
    next_cursor = property(lambda self: self._page.next_cursor)
    prev_cursor = property(lambda self: self._page.prev_cursor)


def translated(labels: dict) -> dict:
    """Lazy labels rendered once per request (the list shows them in every row and two selects)."""
    return {code: str(label) for code, label in labels.items()}


def _iso_date(raw) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered(query: ListQuery, user=None):
    """The list's statement. `user` narrows it by the row rule of services.list_narrowing."""
    stmt = sa.select(Shipment)
    narrowing = list_narrowing(user) if user is not None else None
    if narrowing is not None:
        stmt = stmt.where(narrowing)
    stmt = stmt.where(
        Shipment.tracking_number.is_(None) if query.tab == "archive" else Shipment.tracking_number.isnot(None)
    )
    if query.status:
        stmt = stmt.where(Shipment.status == query.status)
    if query.courier:
        stmt = stmt.where(Shipment.courier_id == query.courier)
    if query.marketing:
        stmt = stmt.where(Shipment.marketing_id == query.marketing)
    if query.customer:
        stmt = stmt.where(Shipment.customer_id == query.customer)
    if query.shipment_type:
        stmt = stmt.where(Shipment.shipment_type == query.shipment_type)
    if query.q:
        stmt = stmt.where(_search(query.q))
    if query.group:
        stmt = stmt.where(Shipment.status.in_(STATUS_GROUPS[query.group]))
    if query.created_from:
        stmt = stmt.where(Shipment.created_at >= day_range(query.created_from, query.created_from)[0])
    if query.created_to:
        stmt = stmt.where(Shipment.created_at < day_range(query.created_to, query.created_to)[1])
    return stmt


def _search(term: str):
    pattern = _like(term)
    if _dialect() == "postgresql":
        conditions = [sa.literal_column(SEARCH_TEXT_SQL, sa.Text).ilike(pattern, escape="\\")]
    else:
        conditions = [column.ilike(pattern, escape="\\") for column in SEARCH_COLUMNS]
    codes = [city.code for city in search_cities(term, limit=100)] if len(term) >= 3 else []
    if codes:
        conditions += [Shipment.sender_city.in_(codes), Shipment.receiver_city.in_(codes)]
    return sa.or_(*conditions)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def encode_cursor(value, row_id: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else str(value), row_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, parse) -> tuple | None:
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return parse(value), int(row_id)
    except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError):
        return None


def page_statement(query: ListQuery, user=None):
    """One page plus one row (tells whether there is a next page), in index order, no COUNT."""
    column, parse = SORTS[query.sort]
    stmt = filtered(query, user).with_only_columns(*LIST_COLUMNS)
    cursor = decode_cursor(query.before or query.after, parse) if (query.before or query.after) else None
    descending = query.desc != bool(query.before)
    if cursor is not None:
        key = sa.tuple_(column, Shipment.id)
        bound = sa.tuple_(sa.literal(cursor[0], column.type), sa.literal(cursor[1]))
        stmt = stmt.where(key < bound if descending else key > bound)
    order = (column.desc(), Shipment.id.desc()) if descending else (column.asc(), Shipment.id.asc())
    return stmt.order_by(*order).limit(query.per_page + 1), cursor


def fetch_page(query: ListQuery, user=None) -> Page:
    column = SORTS[query.sort][0]
    backwards = bool(query.before)
    stmt, cursor = page_statement(query, user)
    rows = [ListRow(*row) for row in db.session.execute(stmt)]
    more = len(rows) > query.per_page
    rows = rows[: query.per_page]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_prev = (cursor is not None) if not backwards else more
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    return Page(
        rows=rows,
        next_cursor=encode_cursor(getattr(last, column.key), last.id) if has_next and last else None,
        prev_cursor=encode_cursor(getattr(first, column.key), first.id) if has_prev and first else None,
    )


def shipment_figures() -> list:
    """What reports and team statistics count per row: shipments, delivered, failed, in transit, weight, fees."""
    count = sa.func.count(Shipment.id)
    return [
        count,
        count.filter(Shipment.status == DELIVERED),
        count.filter(Shipment.status == FAILED),
        count.filter(Shipment.status.in_(STATUS_GROUPS[IN_TRANSIT_GROUP])),
        sa.func.coalesce(sa.func.sum(Shipment.total_weight), 0),
        sa.func.coalesce(sa.func.sum(Shipment.total_cost), 0),
    ]
