"""Ticket lists (search, filters, sort, pages) and statistics for the vendor's screens."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.core.ids import db_integer_id
from app.extensions import db
from app.helpdesk.models import CATEGORIES, OPEN_STATUSES, PRIORITIES, STATUSES, Ticket
from app.helpdesk.sla import clocks_for
from app.tenancy.models import Tenant

PAGE_SIZE = 25
OPEN = "open"  # status filter value: every not-yet-done status (the vendor home's "open tickets" card)
SORTS = {
    "newest": (Ticket.created_at.desc(), Ticket.id.desc()),
    "oldest": (Ticket.created_at.asc(), Ticket.id.asc()),
    "priority": (
        sa.case({"tinggi": 3, "sedang": 2, "rendah": 1}, value=Ticket.priority).desc(),
        Ticket.created_at.desc(),
    ),
}


@dataclass
class TicketFilters:
    q: str = ""
    status: str = ""
    priority: str = ""
    category: str = ""
    assignee: str = ""  # user id, "none", or ""
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "TicketFilters":
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        return cls(
            q=(args.get("q") or "").strip()[:100],
            status=args.get("status", "") if args.get("status") in (*STATUSES, OPEN) else "",
            priority=args.get("priority", "") if args.get("priority") in PRIORITIES else "",
            category=args.get("category", "") if args.get("category") in CATEGORIES else "",
            assignee="none" if args.get("assignee") == "none" else str(db_integer_id(args.get("assignee")) or ""),
            sort=args.get("sort", "newest") if args.get("sort") in SORTS else "newest",
            page=page,
        )

    def args(self, **changes) -> dict:
        values = {k: v for k, v in self.__dict__.items() if v not in ("", None)}
        values.update(changes)
        return values


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int
    clocks: dict = field(default_factory=dict)


def _filtered(filters: TicketFilters):
    query = sa.select(Ticket).join(Tenant, Tenant.id == Ticket.tenant_id)
    if filters.q:
        like = f"%{filters.q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Ticket.number).like(like), sa.func.lower(Tenant.name).like(like)))
    if filters.status == OPEN:
        query = query.where(Ticket.status.in_(OPEN_STATUSES))
    for column, value in (
        (Ticket.status, filters.status if filters.status != OPEN else ""),
        (Ticket.priority, filters.priority),
        (Ticket.category, filters.category),
    ):
        if value:
            query = query.where(column == value)
    if filters.assignee == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif filters.assignee:
        query = query.where(Ticket.assignee_id == int(filters.assignee))
    return query


def count(filters: TicketFilters) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(_filtered(filters).subquery())).scalar_one()


def recently_resolved(limit: int = 10) -> list[Ticket]:
    """The last tickets marked done, newest first (the vendor home's activity feed)."""
    stmt = (
        sa.select(Ticket)
        .where(Ticket.status == "selesai", Ticket.resolved_at.isnot(None))
        .order_by(Ticket.resolved_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())


def recently_opened(limit: int = 10) -> list[Ticket]:
    """The newest tickets, newest first (the vendor home's activity feed): by id, the primary key's index."""
    stmt = sa.select(Ticket).order_by(Ticket.id.desc()).limit(limit)
    return list(db.session.execute(stmt).scalars())


def search(filters: TicketFilters, page_size: int = PAGE_SIZE) -> Page:
    query = _filtered(filters)
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(filters.page, pages)
    items = list(
        db.session.execute(
            query.order_by(*SORTS[filters.sort]).limit(page_size).offset((page - 1) * page_size)
        ).scalars()
    )
    return Page(items, total, page, pages, clocks_for(items))


def tenant_tickets(page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    """The signed-in tenant's tickets (the scoping hook keeps other tenants out)."""
    return search(TicketFilters(page=page), page_size)


# --- statistics ---------------------------------------------------------------------------
@dataclass
class StatsFilters:
    start: date
    end: date
    bucket: str = "day"  # day / week / month
    category: str = ""
    agent: str = ""

    @classmethod
    def from_args(cls, args, today: date) -> tuple["StatsFilters", dict]:
        errors = {}
        start, end = today - timedelta(days=29), today
        try:
            if args.get("start"):
                start = date.fromisoformat(args["start"])
            if args.get("end"):
                end = date.fromisoformat(args["end"])
        except ValueError:
            errors["start"] = "bad_date"
            start, end = today - timedelta(days=29), today
        if start > end:
            errors["start"] = "order"
            start, end = end, start
        if (end - start).days > 3660:
            errors["end"] = "too_long"
            start = end - timedelta(days=3660)
        return cls(
            start=start,
            end=end,
            bucket=args.get("bucket") if args.get("bucket") in ("day", "week", "month") else "day",
            category=args.get("category", "") if args.get("category") in CATEGORIES else "",
            agent=str(db_integer_id(args.get("agent")) or ""),
        ), errors


def _bucket_of(moment: datetime, bucket: str) -> date:
    day = moment.date()
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _buckets(start: date, end: date, bucket: str) -> list[date]:
    keys, day = [], start
    while day <= end:
        key = _bucket_of(datetime.combine(day, datetime.min.time()), bucket)
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    return keys


def statistics(filters: StatsFilters) -> dict:
    query = sa.select(Ticket).where(
        Ticket.created_at >= datetime.combine(filters.start, datetime.min.time()),
        Ticket.created_at < datetime.combine(filters.end + timedelta(days=1), datetime.min.time()),
    )
    if filters.category:
        query = query.where(Ticket.category == filters.category)
    if filters.agent:
        query = query.where(Ticket.assignee_id == int(filters.agent))
    tickets = list(db.session.execute(query).scalars())
    counts = dict.fromkeys(_buckets(filters.start, filters.end, filters.bucket), 0)
    for ticket in tickets:
        key = _bucket_of(ticket.created_at, filters.bucket)
        counts[key] = counts.get(key, 0) + 1
    by_status = {status: 0 for status in STATUSES}
    for ticket in tickets:
        by_status[ticket.status] += 1
    clocks = clocks_for(tickets)
    return {
        "total": len(tickets),
        "series": sorted(counts.items()),
        "by_status": by_status,
        "avg_response_seconds": _average(
            c.response.elapsed_seconds for c in clocks.values() if c.response and c.response.stopped
        ),
        "avg_resolution_seconds": _average(
            c.resolution.elapsed_seconds for c in clocks.values() if c.resolution and c.resolution.stopped
        ),
        # Calendar time beside business time: work done outside business hours counts zero business minutes.
        "avg_response_calendar_seconds": _average(
            _seconds(t.created_at, t.first_response_at) for t in tickets if t.first_response_at
        ),
        "avg_resolution_calendar_seconds": _average(
            _seconds(t.created_at, t.resolved_at) for t in tickets if t.resolved_at
        ),
        "breaches": sum(1 for c in clocks.values() if c.breached),
    }


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def _average(values) -> int | None:
    values = list(values)
    return sum(values) // len(values) if values else None
