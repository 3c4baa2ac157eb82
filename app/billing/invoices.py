"""Invoices and payments: manual creation with snapshots, numbering, payments, derived status."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.billing.invoice_rules import (
    DEFAULT_PATTERN,
    DEFAULT_TAX_RULE,
    STATUS_CANCELLED,
    STATUS_OVERDUE,
    STATUS_PAID,
    STATUS_PARTIAL,
    STATUS_UNPAID,
    TaxRule,
    compute_totals,
    validate_payment,
)
from app.billing.models import PAYMENT_METHODS, Invoice, InvoiceLine, Payment
from app.billing.numbering import allocate_number
from app.billing.terbilang import MAX_AMOUNT
from app.core.validation import FieldError
from app.extensions import db
from app.tenancy.models import Tenant, utcnow

MAX_LINES = 200
MAX_QUANTITY = 1_000_000
MAX_DUE_DAYS = 366
RESEND_AFTER = timedelta(minutes=10)
JUST_SENT = timedelta(minutes=1)


@dataclass
class InvoiceDraft:
    tenant_id: int | None
    lines: list[tuple[str, int, Decimal]]
    due_date: date | None
    issue_date: date | None = None
    discount: Decimal = Decimal(0)
    notes: str = ""
    tax_rule: TaxRule = field(default=DEFAULT_TAX_RULE)


def parse_amount(raw, what: str) -> Decimal:
    """Form text like "1.500.000" or "1500000" -> whole Rupiah, or FieldError naming the field."""
    text = str(raw or "").strip().replace(".", "").replace(" ", "")
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        raise FieldError(what, _l("%(what)s must be a whole number of Rupiah.", what=what)) from None
    if not value.is_finite() or value != value.to_integral_value() or abs(value) > MAX_AMOUNT:
        raise FieldError(what, _l("%(what)s must be a whole number of Rupiah.", what=what))
    return value


def number_pattern() -> str:
    return current_app.config.get("INVOICE_NUMBER_PATTERN") or DEFAULT_PATTERN


def _check_draft(draft: InvoiceDraft) -> Tenant:
    tenant = db.session.get(Tenant, draft.tenant_id) if draft.tenant_id else None
    if tenant is None:
        raise FieldError("tenant_id", _l("Choose an existing client."))
    if not draft.lines:
        raise FieldError("lines", _l("An invoice needs at least one line."))
    if len(draft.lines) > MAX_LINES:
        raise FieldError("lines", _l("An invoice can have at most %(n)s lines.", n=MAX_LINES))
    for n, (description, quantity, _price) in enumerate(draft.lines, start=1):
        if isinstance(quantity, int) and quantity > MAX_QUANTITY:
            raise FieldError("lines", _l("Line %(n)s: the quantity is too large.", n=n))
        if len(description or "") > 255:
            raise FieldError("lines", _l("Line %(n)s: the description is too long.", n=n))
    if draft.due_date is None:
        raise FieldError("due_date", _l("A due date is required."))
    if draft.due_date < draft.issue_date:
        raise FieldError("due_date", _l("The due date must not be before the issue date."))
    if draft.due_date > draft.issue_date + timedelta(days=MAX_DUE_DAYS):
        raise FieldError("due_date", _l("The due date must be within a year of the issue date."))
    return tenant


def create_invoice(draft: InvoiceDraft, *, today: date, actor_id: int | None) -> Invoice:
    draft.issue_date = draft.issue_date or today
    tenant = _check_draft(draft)
    totals = compute_totals(draft.lines, draft.discount, draft.tax_rule)
    if totals.total > MAX_AMOUNT:
        raise FieldError("lines", _l("The invoice total is too large."))
    invoice = Invoice(
        tenant_id=tenant.id,
        number=allocate_number(number_pattern(), draft.issue_date),
        issue_date=draft.issue_date,
        due_date=draft.due_date,
        bill_to_name=tenant.name,
        bill_to_address=tenant.address,
        bill_to_npwp=tenant.npwp,
        bill_to_email=tenant.email,
        notes=(draft.notes or "").strip()[:2000] or None,
        subtotal=totals.subtotal,
        discount=totals.discount,
        tax_base=totals.tax_base,
        tax=totals.tax,
        total=totals.total,
        paid_amount=Decimal(0),
        tax_rate=totals.tax_rule.rate,
        tax_base_numerator=totals.tax_rule.base_numerator,
        tax_base_denominator=totals.tax_rule.base_denominator,
        created_by_id=actor_id,
    )
    invoice.lines = [
        InvoiceLine(
            tenant_id=tenant.id,
            position=n,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for n, line in enumerate(totals.lines, start=1)
    ]
    db.session.add(invoice)
    db.session.flush()
    return invoice


def locked_invoice(invoice_id: int) -> Invoice:
    """The invoice, row-locked until the transaction ends and re-read (with its credit note), so payments
    and cancellation of one invoice happen one after the other."""
    invoice = db.session.execute(
        sa.select(Invoice).where(Invoice.id == invoice_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if invoice is None:
        raise FieldError("invoice", _l("Unknown invoice."))
    return invoice


def refuse_if_cancelled(invoice: Invoice) -> None:
    if invoice.cancelled:
        raise FieldError(
            "invoice",
            _l(
                "Invoice %(number)s was cancelled by credit note %(credit_note)s.",
                number=invoice.number,
                credit_note=invoice.credit_note.number,
            ),
        )


def net_of_tax(invoice: Invoice, amount: Decimal) -> Decimal:
    """A payment less its share of the invoice's PPN (tax / total), to the sen."""
    if not invoice.total:
        return Decimal(0)
    untaxed = Decimal(amount) * (Decimal(invoice.total) - Decimal(invoice.tax)) / Decimal(invoice.total)
    return untaxed.quantize(Decimal("0.01"))


def add_payment(
    invoice_id: int, *, method: str, paid_at: date | None, amount, reference: str, today: date, actor_id: int | None
) -> Payment:
    """Record money received by hand; partial payments add up, overpayment is refused."""
    if method not in PAYMENT_METHODS:
        raise FieldError("method", _l("Choose a payment method."))
    if paid_at is None:
        raise FieldError("paid_at", _l("A payment date is required."))
    if paid_at > today:
        raise FieldError("paid_at", _l("The payment date cannot be in the future."))
    if len(reference or "") > 100:
        raise FieldError("reference", _l("The reference is too long."))
    invoice = locked_invoice(invoice_id)
    refuse_if_cancelled(invoice)
    value = validate_payment(Decimal(invoice.total), Decimal(invoice.paid_amount), amount)
    payment = Payment(
        tenant_id=invoice.tenant_id,
        invoice=invoice,
        method=method,
        paid_at=paid_at,
        amount=value,
        net_amount=net_of_tax(invoice, value),
        reference=(reference or "").strip() or None,
        recorded_by_id=actor_id,
    )
    invoice.paid_amount = Decimal(invoice.paid_amount) + value
    db.session.add(payment)
    db.session.flush()
    return payment


def status_condition(status: str, today: date):
    """SQL for the derived status, so lists can filter on it (the same order of rules as `invoice_status`)."""
    cancelled = Invoice.credit_note.has()
    paid = sa.and_(~cancelled, Invoice.paid_amount >= Invoice.total)
    open_ = sa.and_(~cancelled, Invoice.paid_amount < Invoice.total)
    if status == STATUS_CANCELLED:
        return cancelled
    if status == STATUS_PAID:
        return paid
    if status == STATUS_OVERDUE:
        return sa.and_(open_, Invoice.due_date < today)
    if status == STATUS_PARTIAL:
        return sa.and_(open_, Invoice.due_date >= today, Invoice.paid_amount > 0)
    if status == STATUS_UNPAID:
        return sa.and_(open_, Invoice.due_date >= today, Invoice.paid_amount <= 0)
    return sa.true()


def is_reminder(invoice: Invoice) -> bool:
    """A send after the invoice went out once, or once part of it was paid, is a payment reminder."""
    return invoice.email_state == "sent" or Decimal(invoice.paid_amount) > 0


def claim_email_send(invoice: Invoice, now=None) -> bool:
    """Mark the invoice as queued for e-mail unless a send is in flight or finished a moment ago: a double
    click sends once, also when the first send was done before the second click arrived."""
    now = now or utcnow()
    in_flight = sa.and_(Invoice.email_state == "queued", Invoice.email_state_at > now - RESEND_AFTER)
    just_sent = sa.and_(Invoice.email_state == "sent", Invoice.email_state_at > now - JUST_SENT)
    result = db.session.execute(
        sa.update(Invoice)
        .where(Invoice.id == invoice.id, sa.or_(Invoice.email_state.is_(None), ~sa.or_(in_flight, just_sent)))
        .values(email_state="queued", email_state_at=now, email_job_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invoice)
    return result.rowcount == 1


def set_email_state(invoice: Invoice, state: str, job_id: str | None = None) -> None:
    invoice.email_state = state
    invoice.email_state_at = utcnow()
    if job_id:
        invoice.email_job_id = job_id
    db.session.flush()


def remember_email_job(invoice_id: int, job_id: str) -> None:
    """Link the queued send to its job, unless the job already finished and linked itself."""
    db.session.execute(
        sa.update(Invoice)
        .where(Invoice.id == invoice_id, Invoice.email_job_id.is_(None))
        .values(email_job_id=job_id)
        .execution_options(synchronize_session=False)
    )
