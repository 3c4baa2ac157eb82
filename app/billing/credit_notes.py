"""Credit notes: the only way to cancel an issued invoice (an invoice is never edited once issued).

The rule: a credit note cancels the whole invoice, and only an invoice nobody has paid anything on.
A partial credit would leave an invoice that is half owed and half cancelled; money already received
needs a refund first, which is outside this system. So an invoice with payments is refused with a
clear message, and the credit note always equals the invoice total.

Cancelling locks the invoice row like recording a payment does, so a payment and a credit note of
the same invoice never interleave; the unique invoice_id is the database's guarantee of one credit
note per invoice. Checkouts still pending at a gateway are expired: a late "paid" from the gateway is
recorded in the webhook inbox and changes nothing (see payments.apply_update).
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.billing.invoice_rules import DEFAULT_CREDIT_NOTE_PATTERN
from app.billing.invoices import locked_invoice, refuse_if_cancelled
from app.billing.models import CreditNote
from app.billing.numbering import allocate_number
from app.billing.payment_models import PaymentOrder
from app.core.formatting import rupiah
from app.core.validation import FieldError
from app.extensions import db

SEQUENCE = "credit_note"
MAX_REASON = 500


def number_pattern() -> str:
    return current_app.config.get("CREDIT_NOTE_NUMBER_PATTERN") or DEFAULT_CREDIT_NOTE_PATTERN


def issue_credit_note(invoice_id: int, *, reason: str, today: date, actor_id: int | None) -> CreditNote:
    reason = " ".join((reason or "").split())
    if not reason:
        raise FieldError("reason", _l("Give the reason for the credit note."))
    if len(reason) > MAX_REASON:
        raise FieldError("reason", _l("The reason can have at most %(n)s characters.", n=MAX_REASON))
    invoice = locked_invoice(invoice_id)
    refuse_if_cancelled(invoice)
    if Decimal(invoice.paid_amount) > 0:
        raise FieldError(
            "invoice",
            _l(
                "Invoice %(number)s already has payments of %(paid)s and cannot be cancelled; "
                "only an invoice without payments can be cancelled by a credit note.",
                number=invoice.number,
                paid=rupiah(invoice.paid_amount),
            ),
        )
    credit_note = CreditNote(
        tenant_id=invoice.tenant_id,
        invoice=invoice,
        number=allocate_number(number_pattern(), today, SEQUENCE),
        issue_date=today,
        amount=invoice.total,
        reason=reason,
        created_by_id=actor_id,
    )
    db.session.add(credit_note)
    db.session.execute(
        sa.update(PaymentOrder)
        .where(PaymentOrder.invoice_id == invoice.id, PaymentOrder.status == "pending")
        .values(status="expired")
    )
    db.session.flush()
    return credit_note
