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
