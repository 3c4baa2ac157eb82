"""Finance (spec §8 Keuangan): the cash book, the tenant's own categories, expense requests.

Money is whole Rupiah in integer columns; the balance is never stored, it is the sum of the entries.
An income entry with `shipment_id` is that shipment's payment (at most one: unique); an expense entry
with `expense_request_id` is that request's approval (at most one: unique).
"""

import sqlalchemy as sa
from flask_appbuilder import Model

from app.core.mixins import Audited, FeedsTenantFigures
from app.tenancy.models import TenantMixin, utcnow

USER_FK = "ab_user.id"

INCOME, EXPENSE = "income", "expense"
KINDS = (INCOME, EXPENSE)
METHODS = ("tunai", "transfer", "qris")
BUILTIN_CATEGORIES = ("pengiriman", "operasional", "bahan_bakar", "gaji_kurir", "perawatan", "sewa", "lainnya")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
REQUEST_STATES = (PENDING, APPROVED, REJECTED)


class FinanceCategory(TenantMixin, Audited, Model):
    """A category the tenant added beside the built-in ones; entries store its name."""

    __tablename__ = "finance_category"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name", name="uq_finance_category_name"),)

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(60), nullable=False)

    def __repr__(self) -> str:
        return self.name


class ProofMixin:
    """An optional proof (photo or PDF), stored under a storage key with its detected type."""

    proof_key = sa.Column(sa.String(255))
    proof_mime = sa.Column(sa.String(50))


class FinanceEntry(ProofMixin, TenantMixin, Audited, FeedsTenantFigures, Model):
    __tablename__ = "finance_entry"
    __table_args__ = (
        sa.Index("ix_finance_entry_tenant_date", "tenant_id", "entry_date", "id"),
        sa.CheckConstraint("amount > 0", name="ck_finance_entry_amount_positive"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(10), nullable=False)
    entry_date = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(sa.BigInteger, nullable=False)  # whole Rupiah, > 0; the kind gives the sign
    method = sa.Column(sa.String(10), nullable=False)
    category = sa.Column(sa.String(60), nullable=False)
    description = sa.Column(sa.String(255), nullable=False, default="")
    shipment_id = sa.Column(sa.Integer, sa.ForeignKey("shipment.id", ondelete="SET NULL"), unique=True)
    expense_request_id = sa.Column(sa.Integer, sa.ForeignKey("expense_request.id", ondelete="SET NULL"), unique=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    shipment = sa.orm.relationship("Shipment", foreign_keys=[shipment_id])
    created_by = sa.orm.relationship("TenantUser", foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"{self.kind} {self.amount} {self.entry_date}"


class ExpenseRequest(ProofMixin, TenantMixin, Audited, Model):
    """An Admin's or a Kurir's request to book an expense; the Super Admin approves or rejects it."""

    __tablename__ = "expense_request"
    __table_args__ = (
        sa.Index("ix_expense_request_tenant_status", "tenant_id", "status", "id"),
        sa.Index("ix_expense_request_requester", "requester_id", "id"),
        sa.CheckConstraint("amount > 0", name="ck_expense_request_amount_positive"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    requester_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))
    expense_date = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(sa.BigInteger, nullable=False)
    method = sa.Column(sa.String(10), nullable=False)
    category = sa.Column(sa.String(60), nullable=False)
    description = sa.Column(sa.String(255), nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default=PENDING)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))
    decided_at = sa.Column(sa.DateTime)
    reject_reason = sa.Column(sa.String(255))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    requester = sa.orm.relationship("TenantUser", foreign_keys=[requester_id])
    decided_by = sa.orm.relationship("TenantUser", foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"{self.category} {self.amount} ({self.status})"


CUSTOMER, EMPLOYEE = "customer", "employee"
DEBTOR_KINDS = (CUSTOMER, EMPLOYEE)
LUNAS, BELUM_LUNAS, JATUH_TEMPO = "lunas", "belum_lunas", "jatuh_tempo"


class Receivable(TenantMixin, Audited, Model):
    """Tagihan & Piutang: what a customer or an employee owes. Its status (Lunas / Belum Lunas /
    Jatuh Tempo) is derived from its payments and the due date, never stored."""

    __tablename__ = "receivable"
    __table_args__ = (
        sa.Index("ix_receivable_tenant_due", "tenant_id", "due_on", "id"),
        sa.CheckConstraint("amount > 0", name="ck_receivable_amount_positive"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    debtor_kind = sa.Column(sa.String(10), nullable=False)
    debtor_name = sa.Column(sa.String(150), nullable=False)
    debtor_phone = sa.Column(sa.String(20), nullable=False, default="")
    debtor_email = sa.Column(sa.String(150), nullable=False, default="")
    amount = sa.Column(sa.BigInteger, nullable=False)
    issued_on = sa.Column(sa.Date, nullable=False)
    due_on = sa.Column(sa.Date, nullable=False)
    note = sa.Column(sa.String(255), nullable=False, default="")
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    payments = sa.orm.relationship(
        "ReceivablePayment",
        order_by="ReceivablePayment.paid_on",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="receivable",
    )

    def __repr__(self) -> str:
        return f"{self.debtor_name} {self.amount}"


class ReceivablePayment(TenantMixin, Audited, Model):
    __tablename__ = "receivable_payment"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="ck_receivable_payment_amount_positive"),)

    id = sa.Column(sa.Integer, primary_key=True)
    receivable_id = sa.Column(
        sa.Integer, sa.ForeignKey("receivable.id", ondelete="CASCADE"), nullable=False, index=True
    )
    paid_on = sa.Column(sa.Date, nullable=False)
    amount = sa.Column(sa.BigInteger, nullable=False)
    method = sa.Column(sa.String(10), nullable=False)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    receivable = sa.orm.relationship(Receivable, back_populates="payments")

    def __repr__(self) -> str:
        return f"{self.amount} {self.paid_on}"


class ReceivableReminder(TenantMixin, Model):
    """A reminder that went out (kind "before" or "due"): at most one of each per receivable, which
    makes the daily job idempotent."""

    __tablename__ = "receivable_reminder"
    __table_args__ = (sa.UniqueConstraint("receivable_id", "kind", name="uq_receivable_reminder"),)

    id = sa.Column(sa.Integer, primary_key=True)
    receivable_id = sa.Column(sa.Integer, sa.ForeignKey("receivable.id", ondelete="CASCADE"), nullable=False)
    kind = sa.Column(sa.String(10), nullable=False)
    sent_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class FinanceSettings(TenantMixin, Audited, Model):
    """Per tenant: e-mail reminders for receivables (off by default) and how many days before."""

    __tablename__ = "finance_settings"
    __table_args__ = (sa.UniqueConstraint("tenant_id", name="uq_finance_settings_tenant"),)

    id = sa.Column(sa.Integer, primary_key=True)
    reminders_on = sa.Column(sa.Boolean, nullable=False, default=False)
    remind_days_before = sa.Column(sa.Integer, nullable=False, default=3)
