"""A client's history timeline on its detail page, built on the activity log.

From the log: the client's explicit events (created, profile, subscription status, modules...) and
the creation of its invoices, payments, credit notes and tickets, plus each ticket status change. From
the notifications service: what reached the client as a whole. Newest first; each entry links to its
page, and a reader sees only the kinds of entries whose pages their role may read (like the home feed).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.audit.models import ActivityLog
from app.audit.services import ACTION_LABELS
from app.billing.models import CreditNote, Payment
from app.core.formatting import rupiah, wib_date
from app.core.names import INVOICE, VENDOR_NOTIFICATION, VENDOR_TICKET
from app.extensions import db
from app.helpdesk.models import STATUSES as TICKET_STATUSES
from app.notifications.services import received_by_tenant
from app.tenancy.models import TENANT_STATUS_LABELS

LIMIT = 50
MODEL_CHANGES = ("create", "update", "delete")
EVENT_LABELS = {
    "client_created": _l("Client created"),
    "company.registered": _l("Company registered"),
    "client_updated": _l("Profile changed"),
    "subscription_status": _l("Subscription status changed"),
    "overdue_cleared": _l("Jatuh Tempo cleared by hand"),
    "plan_change_by_vendor": _l("Plan changed"),
    "period_extended_by_vendor": _l("Paid period extended"),
    "subscription_paid": _l("Subscription paid"),
    "subscription_expired": _l("Subscription ended"),
    "module_enabled": _l("Module switched on"),
    "module_disabled": _l("Module switched off"),
}
ACTION_LABELS.update(EVENT_LABELS)
# entity type -> (label of its creation, resource whose read permission shows it)
CREATED = {
    "Invoice": (_l("Invoice issued"), INVOICE),
    "Payment": (_l("Payment recorded"), INVOICE),
    "CreditNote": (_l("Credit note issued"), INVOICE),
    "Ticket": (_l("Ticket filed"), VENDOR_TICKET),
}
TICKET_RESOURCE = VENDOR_TICKET
NOTIFICATION_RESOURCE = VENDOR_NOTIFICATION


@dataclass(frozen=True)
class Entry:
    at: datetime  # naive UTC
    kind: str
    label: str
    summary: str
    endpoint: str | None = None
    pk: int | None = None
    actor: str = ""


def timeline(tenant_id: int, can_read: Callable[[str], bool], limit: int = LIMIT) -> list[Entry]:
    entries = _log_entries(tenant_id, can_read, limit)
    if can_read(NOTIFICATION_RESOURCE):
        entries += _notification_entries(tenant_id, limit)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def _ticket_status_changed():
    return sa.and_(
        ActivityLog.entity_type == "Ticket",
        ActivityLog.action == "update",
        ActivityLog.changes["status"].as_string().is_not(None),
    )


def _log_entries(tenant_id: int, can_read, limit: int) -> list[Entry]:
    shown = [kind for kind, (_label, resource) in CREATED.items() if can_read(resource)]
    wanted = [
        # The client's own events only: its users' work inside the product (finance approvals...) is theirs.
        ActivityLog.action.in_(list(EVENT_LABELS)),
        sa.and_(ActivityLog.action == "create", ActivityLog.entity_type.in_(shown)),
    ]
    if can_read(TICKET_RESOURCE):
        wanted.append(_ticket_status_changed())
    rows = (
        db.session.execute(
            sa.select(ActivityLog)
            .options(selectinload(ActivityLog.actor))
            .where(ActivityLog.tenant_id == tenant_id, sa.or_(*wanted))
            .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    invoice_of = {**_invoice_ids(Payment, rows), **_invoice_ids(CreditNote, rows)}
    return [_log_entry(row, invoice_of) for row in rows]


def _invoice_ids(model, rows) -> dict[tuple[str, str], int]:
    """(entity type, id) -> invoice id, for log rows about payments or credit notes."""
    ids = [int(r.entity_id) for r in rows if r.entity_type == model.__name__ and (r.entity_id or "").isdigit()]
    if not ids:
        return {}
    pairs = db.session.execute(sa.select(model.id, model.invoice_id).where(model.id.in_(ids))).all()
    return {(model.__name__, str(pk)): invoice_id for pk, invoice_id in pairs}


def _log_entry(row: ActivityLog, invoice_of: dict) -> Entry:
    actor = row.actor.get_full_name() if row.actor else ""
    entity_id = int(row.entity_id) if (row.entity_id or "").isdigit() else None
    common = dict(at=row.created_at, kind=(row.entity_type or row.action).lower(), actor=actor)
    if row.action not in MODEL_CHANGES:
        summary = EVENT_SUMMARIES[row.action](row.changes) if row.action in EVENT_SUMMARIES and row.changes else None
        summary = summary or row.summary or ""
        return Entry(label=str(EVENT_LABELS.get(row.action, row.action)), summary=summary, **common)
    if row.entity_type == "Ticket":
        label, summary = _ticket_text(row)
        return Entry(label=label, summary=summary, endpoint="VendorTicketView.detail", pk=entity_id, **common)
    invoice_id = entity_id if row.entity_type == "Invoice" else invoice_of.get((row.entity_type, row.entity_id))
    summary = row.summary or ""
    if row.entity_type == "Payment" and (row.changes or {}).get("amount") is not None:
        summary = rupiah(Decimal(str(row.changes["amount"])))  # the stored name reads "Payment 100000.00"
    if row.entity_type == "CreditNote" and (row.changes or {}).get("reason"):
        summary = f"{summary}: {row.changes['reason']}"
    return Entry(
        label=str(CREATED[row.entity_type][0]),
        summary=summary,
        endpoint="InvoiceView.detail" if invoice_id else None,
        pk=invoice_id,
        **common,
    )


def _status_change(details: dict) -> str:
    old, new = (str(TENANT_STATUS_LABELS.get(code, code)) for code in (details.get("from"), details.get("to")))
    return f"{old} → {new}: {details.get('reason', '')}"


def _overdue_cleared(details: dict) -> str:
    until = date.fromisoformat(details["until"])
    return _("Shown as active until %(day)s: %(reason)s", day=wib_date(until), reason=details.get("reason", ""))


def _plan_change(details: dict) -> str:
    if details.get("starts"):
        return _(
            "%(old)s → %(new)s from %(day)s: %(reason)s",
            old=details["from"],
            new=details["to"],
            day=wib_date(date.fromisoformat(details["starts"])),
            reason=details["reason"],
        )
    return _("%(old)s → %(new)s, now: %(reason)s", old=details["from"], new=details["to"], reason=details["reason"])


def _period_extended(details: dict) -> str:
    old, new = (wib_date(date.fromisoformat(details[key])) for key in ("from", "to"))
    return f"{old} → {new}: {details['reason']}"


def _client_created(details: dict) -> str:
    return _("On plan %(plan)s", plan=details["plan"])


# Events whose stored summary is English with codes ("Status active -> overdue"): read from their details
# (lines written before their details were kept show their summary).
EVENT_SUMMARIES = {
    "subscription_status": _status_change,
    "overdue_cleared": _overdue_cleared,
    "plan_change_by_vendor": _plan_change,
    "period_extended_by_vendor": _period_extended,
    "client_created": _client_created,
}


def _ticket_text(row: ActivityLog) -> tuple[str, str]:
    if row.action == "create":
        return str(CREATED["Ticket"][0]), row.summary or ""
    old, new = (row.changes or {}).get("status") or (None, None)
    change = f"{TICKET_STATUSES.get(old, old)} → {TICKET_STATUSES.get(new, new)}"
    return _("Ticket status changed"), f"{row.summary or ''}: {change}"


def _notification_entries(tenant_id: int, limit: int) -> list[Entry]:
    """Broadcasts link to their page in the sent list; system notifications have no vendor page."""
    return [
        Entry(
            at=received_at,
            kind="notification",
            label=_("Notification sent"),
            summary=notification.title,
            endpoint="VendorNotificationView.detail" if notification.broadcast else None,
            pk=notification.id,
        )
        for notification, received_at in received_by_tenant(tenant_id, limit)
    ]
