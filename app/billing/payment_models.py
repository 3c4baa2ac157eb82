"""Gateway payments: one order per checkout attempt, the webhook inbox, and the subscription links."""

import sqlalchemy as sa
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import relationship

from app.billing.models import Invoice, Money, Plan
from app.tenancy.models import TenantMixin, utcnow

ORDER_STATUSES = ("pending", "paid", "failed", "expired")


# What became of a gateway notification (PaymentWebhook.outcome), as the inbox shows it.
WEBHOOK_OUTCOME_LABELS = {
    "received": _l("Received"),
    "paid": _l("Paid"),
    "failed": _l("Failed"),
    "expired": _l("Expired"),
    "ignored": _l("Ignored"),
    "malformed": _l("Malformed"),
    "not_configured": _l("Gateway not configured"),
    "poll_failed": _l("Status check failed"),
    "rejected": _l("Rejected"),
    "unconfirmed": _l("Not confirmed by the gateway"),
}


class PaymentOrder(TenantMixin, Model):
    """One checkout attempt of an invoice at a gateway; its order id is never reused."""

    __tablename__ = "billing_payment_order"

    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(
        sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="CASCADE"), nullable=False, index=True
    )
    gateway = sa.Column(sa.String(20), nullable=False)
    order_id = sa.Column(sa.String(64), nullable=False, unique=True)
    amount = sa.Column(Money, nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default="pending", index=True)
    gateway_reference = sa.Column(sa.String(120))
    redirect_url = sa.Column(sa.Text)
    error = sa.Column(sa.String(255))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    paid_at = sa.Column(sa.DateTime)
    payment_id = sa.Column(sa.Integer, sa.ForeignKey("billing_payment.id", ondelete="SET NULL"))
    invoice = relationship(Invoice)


class SubscriptionInvoice(TenantMixin, Model):
    """Which plan an invoice pays for; renewals are unique per period end (the job runs twice safely)."""

    __tablename__ = "billing_subscription_invoice"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "for_period_end", name="uq_billing_subinv_period"),)

    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(
        sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("billing_plan.id"), nullable=False)
    kind = sa.Column(sa.String(10), nullable=False)  # signup / renewal / upgrade
    for_period_end = sa.Column(sa.Date)  # renewal: the period end it continues from
    applied_at = sa.Column(sa.DateTime)
    plan = relationship(Plan)
    invoice = relationship(Invoice)


class SubscriptionReminder(TenantMixin, Model):
    """A reminder already sent (H-7, H-3, H0, H+3 of one period end): each goes out once."""

    __tablename__ = "billing_subscription_reminder"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "period_end", "kind", name="uq_billing_reminder"),)

    id = sa.Column(sa.Integer, primary_key=True)
    period_end = sa.Column(sa.Date, nullable=False)
    kind = sa.Column(sa.String(5), nullable=False)
    sent_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class PaymentWebhook(Model):
    """Every gateway notification as received, its verification result and what it changed."""

    __tablename__ = "billing_payment_webhook"

    id = sa.Column(sa.Integer, primary_key=True)
    gateway = sa.Column(sa.String(20), nullable=False, index=True)
    received_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    remote_addr = sa.Column(sa.String(64))
    headers = sa.Column(sa.Text, nullable=False, default="{}")
    body = sa.Column(sa.Text, nullable=False, default="")
    verified = sa.Column(sa.Boolean)
    http_status = sa.Column(sa.Integer, nullable=False, default=200)
    order_id = sa.Column(sa.String(64), index=True)
    reported_status = sa.Column(sa.String(20))
    outcome = sa.Column(sa.String(40), nullable=False, default="received", index=True)
    detail = sa.Column(sa.Text)
    # The gateway's status API asked about it: True = it reports the same, False = it does not (or could
    # not be asked), None = nothing needed asking (nothing would change, or the signature covers it all).
    confirmed = sa.Column(sa.Boolean)
    confirmed_at = sa.Column(sa.DateTime)
    confirmation = sa.Column(sa.Text)  # what the status API answered (JSON), or why it could not be asked
    replay_of_id = sa.Column(sa.Integer, sa.ForeignKey("billing_payment_webhook.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"{self.gateway} #{self.id}"


class PlanChange(TenantMixin, Model):
    """A tenant's plan change: an upgrade waits for its prorated invoice to be paid; a downgrade waits for
    the end of `period_end` (the next renewal). At most one is pending per tenant."""

    __tablename__ = "billing_plan_change"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(10), nullable=False)  # upgrade / downgrade
    # pending -> applied / cancelled (by the tenant) / refused (usage at the switch) / withdrawn (unpaid upgrade)
    status = sa.Column(sa.String(10), nullable=False, default="pending", index=True)
    from_plan_id = sa.Column(sa.Integer, sa.ForeignKey("billing_plan.id"), nullable=False)
    to_plan_id = sa.Column(sa.Integer, sa.ForeignKey("billing_plan.id"), nullable=False)
    period_end = sa.Column(sa.Date, nullable=False)  # upgrade: prorated until; downgrade: switches after
    invoice_id = sa.Column(sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="SET NULL"), unique=True)
    requested_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    decided_at = sa.Column(sa.DateTime)
    note = sa.Column(sa.String(500))  # why it was refused or withdrawn
    from_plan = relationship(Plan, foreign_keys=[from_plan_id])
    to_plan = relationship(Plan, foreign_keys=[to_plan_id])
    invoice = relationship(Invoice)

    def __repr__(self) -> str:
        return f"{self.kind} {self.from_plan.name} -> {self.to_plan.name}" if self.to_plan else "PlanChange"
