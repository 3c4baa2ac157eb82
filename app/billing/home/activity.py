"""The vendor home's "Recent notifications & activity": one feed merged from a few sources.

Each source reads the few newest rows through an index (no scan of the activity log), yields
entries with a timestamp, a short description and the endpoint of the page it links to, and is
shown only to roles that may open that page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.models import ActivityLog
from app.billing.models import Invoice, Payment
from app.core.formatting import rupiah
from app.core.names import CLIENT, INVOICE, VENDOR_NOTIFICATION, VENDOR_TICKET
from app.extensions import db
from app.helpdesk import queries as tickets
from app.notifications.models import Notification
from app.tenancy.models import Tenant

FEED_SIZE = 10
PAGE_SIZE = 25
MAX_PAGES = 40  # each page reads page x PAGE_SIZE rows of every source: the newest 1,000 entries at most


@dataclass(frozen=True)
class Entry:
    at: datetime  # naive UTC
    kind: str
    text: str
    endpoint: str
    pk: int


def notifications(limit: int) -> list[Entry]:
    # System notifications (reminders, ticket replies) have no vendor page; the feed shows what staff sent.
    stmt = (
        sa.select(Notification)
        .where(Notification.broadcast.is_(True))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return [
        Entry(
            n.created_at,
            "notification",
            _("Notification sent: %(title)s", title=n.title),
            "VendorNotificationView.detail",
            n.id,
        )
        for n in db.session.execute(stmt).scalars()
    ]


def payments(limit: int) -> list[Entry]:
    stmt = (
        sa.select(
            Payment.created_at,
            Payment.amount,
            Invoice.id,
            Invoice.number,
            Invoice.bill_to_name,
            Invoice.total - Invoice.paid_amount,
        )
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .order_by(Payment.created_at.desc(), Payment.id.desc())
        .limit(limit)
    )
    return [
        Entry(at, "payment", _payment_text(number, amount, client, outstanding), "InvoiceView.detail", invoice_id)
        for at, amount, invoice_id, number, client, outstanding in db.session.execute(stmt).all()
    ]


def _payment_text(number, amount, client, outstanding) -> str:
    """A part payment says what is still owed: "paid Rp 100.000" alone reads as settled."""
    names = {"number": number, "amount": rupiah(amount), "client": client}
    if outstanding > 0:
        return _(
            "Invoice %(number)s: payment of %(amount)s received (%(client)s), %(outstanding)s still outstanding",
            outstanding=rupiah(outstanding),
            **names,
        )
    return _("Invoice %(number)s: payment of %(amount)s received (%(client)s), paid in full", **names)


def _ticket(ticket, at: datetime, text: str) -> Entry:
    return Entry(at, "ticket", text, "VendorTicketView.detail", ticket.id)


def closed_tickets(limit: int) -> list[Entry]:
    return [
        _ticket(t, t.resolved_at, _("Ticket %(number)s closed: %(title)s", number=t.number, title=t.title))
        for t in tickets.recently_resolved(limit)
    ]


def new_tickets(limit: int) -> list[Entry]:
    return [
        _ticket(t, t.created_at, _("New ticket %(number)s: %(title)s", number=t.number, title=t.title))
        for t in tickets.recently_opened(limit)
    ]


def modules_enabled(limit: int) -> list[Entry]:
    stmt = (
        sa.select(ActivityLog.created_at, ActivityLog.tenant_id, ActivityLog.summary, Tenant.name)
        .join(Tenant, Tenant.id == ActivityLog.tenant_id)
        .where(ActivityLog.action == "module_enabled")
        .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
        .limit(limit)
    )
    return [
        Entry(
            at,
            "module",
            _("Module switched on for %(client)s: %(module)s", client=name, module=summary or "-"),
            "ClientView.detail",
            tenant_id,
        )
        for at, tenant_id, summary, name in db.session.execute(stmt).all()
    ]


def clients_joined(limit: int) -> list[Entry]:
    stmt = sa.select(Tenant.created_at, Tenant.id, Tenant.name).order_by(Tenant.created_at.desc(), Tenant.id.desc())
    return [
        Entry(at, "client", _("New client: %(client)s", client=name), "ClientView.detail", tenant_id)
        for at, tenant_id, name in db.session.execute(stmt.limit(limit)).all()
    ]


SOURCES: tuple[tuple[str, Callable[[int], list[Entry]]], ...] = (
    (VENDOR_NOTIFICATION, notifications),
    (INVOICE, payments),
    (VENDOR_TICKET, closed_tickets),
    (VENDOR_TICKET, new_tickets),
    (CLIENT, modules_enabled),
    (CLIENT, clients_joined),
)


def feed(can_read, limit: int = FEED_SIZE) -> list[Entry]:
    entries = [entry for resource, source in SOURCES if can_read(resource) for entry in source(limit)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def feed_page(can_read, page: int) -> tuple[list[Entry], bool]:
    """One page of the whole feed ("see all"), and whether an older page follows."""
    page = max(1, min(page, MAX_PAGES))
    entries = feed(can_read, limit=page * PAGE_SIZE + 1)[(page - 1) * PAGE_SIZE :]
    return entries[:PAGE_SIZE], len(entries) > PAGE_SIZE and page < MAX_PAGES
