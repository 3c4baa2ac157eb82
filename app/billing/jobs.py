"""Background work for invoices: the PDF for download, and the e-mail with the PDF attached."""

from pathlib import Path

from flask import current_app

from app.billing.documents import invoice_email, pdf_filename, render_invoice_pdf
from app.billing.invoices import set_email_state
from app.billing.models import Invoice
from app.core.mail import build_message, deliver
from app.extensions import db
from app.jobs.queue import enqueue, job
from app.jobs.tasks import send_email


def _invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise LookupError(f"invoice {invoice_id} not found")
    return invoice


@job("documents")
def invoice_pdf(ctx, invoice_id: int) -> None:
    invoice = _invoice(invoice_id)
    folder = Path(current_app.config["FILE_STORAGE_DIR"]) / "invoices" / ctx.run.id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / pdf_filename(invoice)
    path.write_bytes(render_invoice_pdf(invoice))
    ctx.set_result(str(path), pdf_filename(invoice))


@job("mail")
def send_invoice(ctx, invoice_id: int) -> None:
    """Idempotent: a run that already sent leaves the invoice as sent and does not send again."""
    invoice = _invoice(invoice_id)
    if invoice.email_state == "sent" and invoice.email_job_id == ctx.run.id:
        return
    try:
        if not invoice.bill_to_email and not invoice.tenant.email:
            raise ValueError("the client has no e-mail address")
        content = invoice_email(invoice)
        message = build_message(
            invoice.tenant.email or invoice.bill_to_email,
            content["subject"],
            content["text"],
            attachments=[(pdf_filename(invoice), render_invoice_pdf(invoice), "application/pdf")],
        )
        deliver(message)
    except Exception:
        db.session.rollback()
        set_email_state(_invoice(invoice_id), "failed", ctx.run.id)
        db.session.commit()
        raise
    set_email_state(invoice, "sent", ctx.run.id)
    db.session.commit()


def enqueue_invitation(tenant, user, password: str, *, login_url: str, actor_id: int | None):
    """The first Super Admin's invitation: where to sign in and a temporary password to change."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        subject = _("Your %(app)s account for %(company)s", app=current_app.config["APP_NAME"], company=tenant.name)
        text = _(
            "Hello %(name)s,\n\nAn account was created for %(company)s. Sign in at %(url)s with the e-mail "
            "%(email)s and the temporary password %(password)s, then change your password.\n",
            name=user.first_name,
            company=tenant.name,
            url=login_url,
            email=user.email,
            password=password,
        )
    return enqueue(send_email, tenant_id=None, user_id=actor_id, to=user.email, subject=subject, text=text)
