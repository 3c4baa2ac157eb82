"""Background work for invoices: invoice and credit note PDFs for download, and the e-mail with the
invoice PDF attached."""

from app.billing.documents import invoice_email, pdf_filename, render_credit_note_pdf, render_invoice_pdf
from app.billing.invoices import set_email_state
from app.billing.models import CreditNote, Invoice
from app.core.mail import build_message, deliver
from app.core.transaction import transaction
from app.extensions import db
from app.jobs.queue import job


def _invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise LookupError(f"invoice {invoice_id} not found")
    return invoice


def _store_pdf(ctx, filename: str, content: bytes) -> None:
    """The job's downloadable result, only for the user who asked."""
    ctx.store_result(filename, content, "application/pdf")


@job("documents")
def invoice_pdf(ctx, invoice_id: int) -> None:
    invoice = _invoice(invoice_id)
    _store_pdf(ctx, pdf_filename(invoice), render_invoice_pdf(invoice))


@job("documents")
def credit_note_pdf(ctx, credit_note_id: int) -> None:
    credit_note = db.session.get(CreditNote, credit_note_id)
    if credit_note is None:
        raise LookupError(f"credit note {credit_note_id} not found")
    _store_pdf(ctx, pdf_filename(credit_note), render_credit_note_pdf(credit_note))


def _release_invoice(run, invoice_id: int, **_job_arguments) -> None:
    """A run abandoned by a killed worker: the invoice is no longer "being sent" and may be sent again."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is not None and invoice.email_state == "queued" and invoice.email_job_id in (None, run.id):
        set_email_state(invoice, "failed", run.id)


# Not retried when abandoned: the worker may have died after the SMTP server took the message.
@job("mail", on_abandon=_release_invoice)
def send_invoice(ctx, invoice_id: int, reminder: bool = False) -> None:
    """Idempotent: a run that already sent leaves the invoice as sent and does not send again. A `reminder`
    (the invoice was sent before, or is partly paid) is worded as one and asks for what is outstanding."""
    invoice = _invoice(invoice_id)
    if invoice.email_state == "sent" and invoice.email_job_id == ctx.run.id:
        return
    try:
        if not invoice.bill_to_email and not invoice.tenant.email:
            raise ValueError("the client has no e-mail address")
        if invoice.cancelled:
            raise ValueError(f"the invoice was cancelled by credit note {invoice.credit_note.number}")
        content = invoice_email(invoice, reminder=reminder)
        message = build_message(
            invoice.tenant.email or invoice.bill_to_email,
            content["subject"],
            content["text"],
            attachments=[(pdf_filename(invoice), render_invoice_pdf(invoice), "application/pdf")],
        )
        deliver(message)
    except Exception:
        db.session.rollback()  # the failure is recorded on its own, then the job fails (app/jobs/queue.py)
        with transaction():
            set_email_state(_invoice(invoice_id), "failed", ctx.run.id)
        raise
    set_email_state(invoice, "sent", ctx.run.id)
