"""Gateway payments: orders per checkout attempt, the webhook inbox, idempotent application, recovery.

The rules: every notification is stored raw with its verification result and what it changed; a
bad signature changes nothing; a notification changes an order only when the gateway's status API
reports the same state and amount (its credential does not cover every field), else it is stored
"unconfirmed" and the periodic reconciliation asks again; the same notification applied twice records
one payment; a paid order never goes back to pending, failed or expired; the amount must match the order.
"""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from app.billing import invoices, lifecycle
from app.billing.gateways import (
    GatewayError,
    NotConfirmed,
    NotificationRejected,
    PaymentUpdate,
    UnhandledStatus,
    get_gateway,
)
from app.billing.gateways import new_order_id as gateway_order_id
from app.billing.models import Invoice, Payment
from app.billing.payment_models import PaymentOrder, PaymentWebhook, SubscriptionInvoice
from app.core.formatting import jakarta_today, to_jakarta
from app.extensions import db
from app.tenancy.context import all_tenants
from app.tenancy.models import utcnow

WEBHOOK_GATEWAYS = ("midtrans", "xendit", "sandbox")
KEPT_HEADERS = ("content-type", "user-agent", "x-callback-token", "x-sandbox-signature", "webhook-id")
RECONCILE_AFTER = timedelta(minutes=2)
RECONCILE_WITHIN = timedelta(days=3)


def configured_gateway() -> str:
    return (current_app.config.get("PAYMENT_GATEWAY") or "sandbox").strip().lower()


def gateway(name: str):
    return get_gateway(name, current_app.config)


# --- invoices and orders -----------------------------------------------------------------
def new_order(invoice: Invoice, gateway_name: str) -> PaymentOrder:
    """A fresh checkout attempt: a new order id every time (gateways refuse reused ids)."""
    attempts = db.session.execute(
        sa.select(sa.func.count(PaymentOrder.id)).where(PaymentOrder.invoice_id == invoice.id)
    ).scalar_one()
    order = PaymentOrder(
        tenant_id=invoice.tenant_id,
        invoice_id=invoice.id,
        gateway=gateway_name,
        order_id=gateway_order_id(invoice.number, attempts + 1),
        amount=invoice.outstanding,
        status="pending",
    )
    db.session.add(order)
    db.session.flush()
    return order


def create_checkout(order: PaymentOrder) -> None:
    """Ask the gateway for the checkout page (runs in a job: requests never wait on gateways)."""
    invoice = order.invoice
    try:
        session = gateway(order.gateway).create_checkout(
            order.order_id,
            int(order.amount),
            invoice.bill_to_name,
            invoice.bill_to_email or "",
            f"SiLogistik {invoice.number}",
        )
    except GatewayError as exc:
        order.status, order.error = "failed", str(exc)[:255]
        db.session.flush()
        return
    order.redirect_url = session.redirect_url
    order.gateway_reference = session.gateway_reference
    db.session.flush()


def order_by_id(order_id: str) -> PaymentOrder | None:
    return db.session.execute(
        sa.select(PaymentOrder).where(PaymentOrder.order_id == order_id).with_for_update()
    ).scalar_one_or_none()


# --- notifications ------------------------------------------------------------------------
def receive(gateway_name: str, headers, body: bytes, remote_addr: str | None = None) -> PaymentWebhook:
    """Store the notification as received, then verify and apply it. Returns the inbox row (http_status set)."""
    kept = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    webhook = PaymentWebhook(
        gateway=gateway_name,
        remote_addr=(remote_addr or "")[:64] or None,
        headers=json.dumps(kept, sort_keys=True),
        body=body.decode("utf-8", "replace"),
    )
    db.session.add(webhook)
    process(webhook, headers, body)
    return webhook


def process(webhook: PaymentWebhook, headers, body: bytes) -> None:
    try:
        adapter = gateway(webhook.gateway)
    except GatewayError as exc:  # not configured here (or the sandbox in production)
        _outcome(webhook, "not_configured", str(exc), http_status=404, verified=None)
        db.session.flush()
        return
    with all_tenants():
        try:
            update = adapter.parse_notification(headers, body)
            webhook.order_id, webhook.reported_status = update.order_id[:64], update.status
            update = _confirmed(adapter, webhook, update)
        except NotificationRejected as exc:
            _outcome(webhook, "rejected", exc.reason, http_status=exc.status_code, verified=False)
        except NotConfirmed as exc:
            webhook.order_id = webhook.order_id or (exc.order_id or "")[:64] or None
            webhook.reported_status = webhook.reported_status or (exc.gateway_status or "")[:20] or None
            if exc.answer is not None:
                _record_answer(webhook, False, exc.answer)
            else:
                webhook.confirmed = False
            _outcome(webhook, "unconfirmed", f"Not applied: {exc.message}.", verified=True)
        except UnhandledStatus as exc:
            webhook.order_id = (exc.order_id or "")[:64] or None
            webhook.reported_status = (exc.gateway_status or "")[:20] or None
            _outcome(webhook, "ignored", str(exc), verified=True)
        except GatewayError as exc:
            _outcome(webhook, "malformed", str(exc), http_status=400, verified=None)
        else:
            outcome, detail = apply_update(update)
            _outcome(webhook, outcome, detail, verified=True)
        db.session.flush()


def _confirmed(adapter, webhook: PaymentWebhook, update: PaymentUpdate) -> PaymentUpdate:
    """The update to apply: the gateway's own answer when the notification would change its order.

    Nothing is asked when nothing would change (a pending notice, an unknown or already paid order),
    and the order is read without a lock: no row stays locked while the gateway answers.
    """
    order = db.session.execute(
        sa.select(PaymentOrder.status, PaymentOrder.gateway_reference).where(PaymentOrder.order_id == update.order_id)
    ).one_or_none()
    if update.status == "pending" or order is None or order.status == "paid":
        return update
    confirmed = adapter.confirm(update, reference=_status_reference(webhook.gateway, order.gateway_reference))
    if confirmed is None:  # the credential covers every field (the sandbox)
        return update
    _record_answer(webhook, True, dict(confirmed.raw))
    return confirmed


def _status_reference(gateway_name: str, gateway_reference: str | None) -> str | None:
    """How the status API knows the order: Midtrans by our order id (the checkout reference is the Snap
    token, which its status API does not know); Xendit by the invoice id its checkout gave us."""
    return None if gateway_name == "midtrans" else gateway_reference


def _record_answer(webhook: PaymentWebhook, confirmed: bool, answer) -> None:
    webhook.confirmed, webhook.confirmed_at = confirmed, utcnow()
    webhook.confirmation = answer if isinstance(answer, str) else json.dumps(answer, default=str, sort_keys=True)


def _outcome(webhook, outcome: str, detail: str, *, http_status: int = 200, verified) -> None:
    webhook.outcome, webhook.detail, webhook.http_status, webhook.verified = (
        outcome,
        detail[:2000],
        http_status,
        verified,
    )


def replay(webhook: PaymentWebhook) -> PaymentWebhook:
    """Process a stored notification again (idempotent); the replay is a new inbox row."""
    headers = json.loads(webhook.headers or "{}")
    again = PaymentWebhook(gateway=webhook.gateway, headers=webhook.headers, body=webhook.body, replay_of_id=webhook.id)
    db.session.add(again)
    process(again, headers, webhook.body.encode("utf-8"))
    return again


def apply_update(update: PaymentUpdate, now: datetime | None = None) -> tuple[str, str]:
    """Apply one verified gateway state to its order; returns (outcome, what changed)."""
    order = order_by_id(update.order_id)
    if order is None:
        return "unknown_order", f"No order {update.order_id}."
    if order.status == "paid":
        return "duplicate", f"Order {order.order_id} is already paid; nothing changed."
    if update.status == "pending":
        return "no_change", "Still pending."
    if update.status in ("failed", "expired"):
        order.status = update.status
        db.session.flush()
        return update.status, f"Order {order.order_id} marked {update.status}."
    invoice = invoices.locked_invoice(order.invoice_id)  # a credit note issued meanwhile is seen here
    if invoice.cancelled:
        return "invoice_cancelled", (
            f"Invoice {invoice.number} was cancelled by credit note {invoice.credit_note.number}; "
            f"the payment of {update.amount} was not applied and must be refunded at the gateway."
        )
    if Decimal(update.amount) != Decimal(order.amount):
        return "amount_mismatch", f"Paid {update.amount} but the order is for {order.amount}; nothing changed."
    return "paid", _mark_paid(order, update, now or utcnow())


def _mark_paid(order: PaymentOrder, update: PaymentUpdate, now: datetime) -> str:
    today = jakarta_today()
    paid_on = min(to_jakarta(update.paid_at).date(), today) if update.paid_at else today
    invoice = order.invoice
    amount = min(Decimal(order.amount), invoice.outstanding)
    order.status, order.paid_at = "paid", now
    order.gateway_reference = (update.gateway_reference or order.gateway_reference or "")[:120] or None
    changes = [f"Order {order.order_id} paid."]
    if amount > 0:
        payment = invoices.add_payment(
            invoice.id,
            method="other",
            paid_at=paid_on,
            amount=amount,
            reference=f"{order.gateway}:{order.order_id}"[:100],
            today=today,
            actor_id=None,
        )
        order.payment_id = payment.id
        changes.append(f"Payment #{payment.id} of {amount} on {invoice.number}.")
    if invoice.outstanding <= 0:
        changes.append(_settle(invoice, today))
    db.session.flush()
    return " ".join(c for c in changes if c)


def record_manual_payment(invoice_id: int, **fields) -> Payment:
    """Money received by hand has the same effect on a subscription as a gateway payment."""
    payment = invoices.add_payment(invoice_id, **fields)
    if payment.invoice.outstanding <= 0:
        _settle(payment.invoice, fields["today"])
    return payment


def _settle(invoice: Invoice, today: date) -> str:
    link = db.session.execute(
        sa.select(SubscriptionInvoice).where(SubscriptionInvoice.invoice_id == invoice.id)
    ).scalar_one_or_none()
    if link is None or link.applied_at is not None:
        return ""
    link.applied_at = utcnow()
    return lifecycle.settle(link, today)


# --- recovery of missed webhooks --------------------------------------------------------------
def reconcile_pending(now: datetime | None = None) -> int:
    """Ask the gateway about orders still pending; what it says goes through the inbox like a webhook."""
    now = now or utcnow()
    orders = db.session.execute(
        sa.select(PaymentOrder).where(
            PaymentOrder.status == "pending",
            PaymentOrder.redirect_url.is_not(None),
            PaymentOrder.created_at <= now - RECONCILE_AFTER,
            PaymentOrder.created_at >= now - RECONCILE_WITHIN,
        )
    ).scalars()
    changed = 0
    for order in list(orders):
        webhook = PaymentWebhook(gateway=order.gateway, headers=json.dumps({"source": "status poll"}), body="")
        webhook.order_id = order.order_id
        try:
            reference = _status_reference(order.gateway, order.gateway_reference)
            update = gateway(order.gateway).fetch_status(order.order_id, reference=reference)
        except GatewayError as exc:
            _record_answer(webhook, False, exc.payload if exc.payload is not None else str(exc))
            _outcome(webhook, "poll_failed", str(exc), verified=None)
        else:
            webhook.body = json.dumps(dict(update.raw), default=str)
            _record_answer(webhook, True, dict(update.raw))
            webhook.reported_status = update.status
            outcome, detail = apply_update(update, now)
            _outcome(webhook, outcome, detail, verified=True)
            changed += outcome in ("paid", "failed", "expired")
        db.session.add(webhook)
        db.session.flush()
    return changed
