"""Billing: product modules, plans, subscriptions, invoices (with snapshots), payments, numbering."""

from decimal import Decimal

import sqlalchemy as sa
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import relationship

from app.billing.invoice_rules import TaxRule, invoice_status
from app.core.mixins import Audited
from app.tenancy.models import TenantMixin, utcnow

MODULE_CATEGORIES = ("mvp", "advanced")
PLAN_CODES = ("free", "pro", "business")
PAYMENT_METHODS = ("transfer", "cash", "qris", "virtual_account", "other")
PAYMENT_METHOD_LABELS = {
    "transfer": _l("Bank transfer"),
    "cash": _l("Cash"),
    "qris": _l("QRIS"),
    "virtual_account": _l("Virtual account"),
    "other": _l("Other"),
}
EMAIL_STATES = ("queued", "sent", "failed")
Money = sa.Numeric(18, 0)

plan_module = sa.Table(
    "billing_plan_module",
    Model.metadata,
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("billing_plan.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("module_id", sa.Integer, sa.ForeignKey("billing_module.id", ondelete="CASCADE"), primary_key=True),
)


class ProductModule(Audited, Model):
    """A product module on offer; `code` is what tenancy's entitlements store."""

    __tablename__ = "billing_module"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(50), nullable=False, unique=True)
    name = sa.Column(sa.String(120), nullable=False)
    description = sa.Column(sa.Text)
    category = sa.Column(sa.String(10), nullable=False, default="mvp", index=True)
    monthly_price = sa.Column(Money, nullable=False, default=0)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return self.name


class Plan(Audited, Model):
    __tablename__ = "billing_plan"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(20), nullable=False, unique=True)
    name = sa.Column(sa.String(80), nullable=False)
    price = sa.Column(Money, nullable=False, default=0)
    period_days = sa.Column(sa.Integer, nullable=False, default=30)
    shipment_quota = sa.Column(sa.Integer)  # None = unlimited
    user_quota = sa.Column(sa.Integer)  # None = unlimited
    modules = relationship(ProductModule, secondary=plan_module, order_by=ProductModule.name)

    def __repr__(self) -> str:
        return self.name


class Subscription(TenantMixin, Audited, Model):
    """The client's current plan and period; one per tenant."""

    __tablename__ = "billing_subscription"
    __table_args__ = (sa.UniqueConstraint("tenant_id", name="uq_billing_subscription_tenant"),)

    id = sa.Column(sa.Integer, primary_key=True)
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("billing_plan.id"), nullable=False, index=True)
    status = sa.Column(sa.String(20), nullable=False, default="active")
    started_on = sa.Column(sa.Date, nullable=False)
    period_end = sa.Column(sa.Date, nullable=False)
    plan = relationship(Plan, lazy="joined")

    def __repr__(self) -> str:
        return f"Subscription {self.plan.name if self.plan else ''}".strip()


class Invoice(TenantMixin, Audited, Model):
    """Amounts, tax rule and the client's details are copied at creation and never recomputed."""

    __tablename__ = "billing_invoice"

    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(60), nullable=False, unique=True)
    issue_date = sa.Column(sa.Date, nullable=False, index=True)
    due_date = sa.Column(sa.Date, nullable=False, index=True)
    bill_to_name = sa.Column(sa.String(150), nullable=False, index=True)
    bill_to_address = sa.Column(sa.Text)
    bill_to_npwp = sa.Column(sa.String(32))
    bill_to_email = sa.Column(sa.String(320))
    notes = sa.Column(sa.Text)
    subtotal = sa.Column(Money, nullable=False)
    discount = sa.Column(Money, nullable=False, default=0)
    tax_base = sa.Column(Money, nullable=False)
    tax = sa.Column(Money, nullable=False)
    total = sa.Column(Money, nullable=False, index=True)
    paid_amount = sa.Column(Money, nullable=False, default=0)
    tax_rate = sa.Column(sa.Numeric(6, 4), nullable=False)
    tax_base_numerator = sa.Column(sa.Integer, nullable=False)
    tax_base_denominator = sa.Column(sa.Integer, nullable=False)
    email_state = sa.Column(sa.String(10))
    email_job_id = sa.Column(sa.String(36))
    email_state_at = sa.Column(sa.DateTime)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))

    lines = relationship(
        "InvoiceLine", order_by="InvoiceLine.position", cascade="all, delete-orphan", back_populates="invoice"
    )
    payments = relationship("Payment", order_by="Payment.paid_at", back_populates="invoice")
    # selectin: lists derive every row's status without a query per row.
    credit_note = relationship("CreditNote", uselist=False, lazy="selectin", back_populates="invoice")

    @property
    def tax_rule(self) -> TaxRule:
        return TaxRule(
            rate=Decimal(self.tax_rate),
            base_numerator=self.tax_base_numerator,
            base_denominator=self.tax_base_denominator,
        )

    @property
    def cancelled(self) -> bool:
        return self.credit_note is not None

    def status_on(self, today) -> str:
        return invoice_status(Decimal(self.total), Decimal(self.paid_amount), self.due_date, today, self.cancelled)

    @property
    def outstanding(self) -> Decimal:
        """What the client still owes: nothing once a credit note cancelled the invoice."""
        if self.cancelled:
            return Decimal(0)
        return max(Decimal(self.total) - Decimal(self.paid_amount), Decimal(0))

    def __repr__(self) -> str:
        return self.number or "Invoice"


class InvoiceLine(TenantMixin, Model):
    __tablename__ = "billing_invoice_line"

    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(
        sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position = sa.Column(sa.Integer, nullable=False)
    description = sa.Column(sa.String(255), nullable=False)
    quantity = sa.Column(sa.Integer, nullable=False)
    unit_price = sa.Column(Money, nullable=False)
    amount = sa.Column(Money, nullable=False)
    invoice = relationship(Invoice, back_populates="lines")


class Payment(TenantMixin, Audited, Model):
    __tablename__ = "billing_payment"

    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(
        sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="CASCADE"), nullable=False, index=True
    )
    method = sa.Column(sa.String(30), nullable=False)
    paid_at = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(Money, nullable=False)
    # The amount without its invoice's share of PPN (tax / total), fixed when recorded: revenue net of tax
    # is a sum over payments alone.
    net_amount = sa.Column(sa.Numeric(18, 2), nullable=False)
    reference = sa.Column(sa.String(100))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    invoice = relationship(Invoice, back_populates="payments")

    def __repr__(self) -> str:
        return f"Payment Rp {self.amount} {self.reference or ''}".strip()


class CreditNote(TenantMixin, Audited, Model):
    """Cancels one issued invoice in full (an invoice is never edited); at most one per invoice."""

    __tablename__ = "billing_credit_note"

    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(60), nullable=False, unique=True)
    invoice_id = sa.Column(
        sa.Integer, sa.ForeignKey("billing_invoice.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    issue_date = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(Money, nullable=False)
    reason = sa.Column(sa.String(500), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    invoice = relationship(Invoice, back_populates="credit_note")
    created_by = relationship("TenantUser")

    def __repr__(self) -> str:
        return f"{self.number} ({self.invoice.number})" if self.invoice else self.number or "CreditNote"


class InvoiceCounter(Model):
    """Last sequence number handed out per numbering period (e.g. the year)."""

    __tablename__ = "billing_invoice_counter"

    period = sa.Column(sa.String(20), primary_key=True)
    last_seq = sa.Column(sa.Integer, nullable=False, default=0)
