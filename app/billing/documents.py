"""Billing documents as PDF (xhtml2pdf from Jinja templates on one letterhead): invoices and credit
notes; and the e-mail that carries an invoice."""

from io import BytesIO

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.billing.invoice_rules import STATUS_LABELS
from app.billing.models import CreditNote, Invoice
from app.billing.terbilang import rupiah_in_words
from app.core.formatting import jakarta_today, rupiah, wib_date

VENDOR_DEFAULTS = {
    "VENDOR_NAME": "PT SiLogistik Teknologi Nusantara",
    "VENDOR_ADDRESS": "Jl. Jend. Sudirman Kav. 52-53, Jakarta Selatan 12190",
    "VENDOR_PHONE": "021-5550100",
    "VENDOR_EMAIL": "billing@silogistik.test",
    "VENDOR_NPWP": "09.876.543.2-109.000",
    # Where clients transfer to; shown on every invoice and in its e-mail (README, Configuration).
    "VENDOR_BANK_NAME": "Bank Central Asia (BCA)",
    "VENDOR_BANK_ACCOUNT": "123-456-7890",
    "VENDOR_BANK_HOLDER": "PT SiLogistik Teknologi Nusantara",
}


def vendor() -> dict:
    return {
        key.removeprefix("VENDOR_").lower(): current_app.config.get(key, value)
        for key, value in VENDOR_DEFAULTS.items()
    }


def online_payment_url(invoice: Invoice) -> str:
    """The client's own Langganan page, where the invoice is paid through the payment gateway (virtual
    account, e-wallet, card). Built from the configuration: e-mails are made by a job, outside any request."""
    scheme = "https" if current_app.config.get("SESSION_COOKIE_SECURE") else "http"
    return f"{scheme}://{invoice.tenant.slug}.{current_app.config['BASE_DOMAIN']}/langganan/"


def payment_context(invoice: Invoice) -> dict:
    """What the client has paid, what is left and how to pay it: the same on the PDF and in the e-mail."""
    return {
        "paid": invoice.paid_amount,
        "outstanding": invoice.outstanding,
        "payments": list(invoice.payments),
        "pay_online": online_payment_url(invoice),
    }


def pdf_filename(document: Invoice | CreditNote) -> str:
    return document.number.replace("/", "-") + ".pdf"


def _render_pdf(template: str, invoice: Invoice, **context) -> bytes:
    """A document about `invoice` on the vendor's letterhead, in the product's default language."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        html = render_template(template, invoice=invoice, vendor=vendor(), **context)
    out = BytesIO()
    from xhtml2pdf import pisa  # imported when a PDF is made: ~40 MB less in every web process

    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError(_("The PDF could not be rendered."))  # our failure, not the user's input
    return out.getvalue()


def render_invoice_pdf(invoice: Invoice) -> bytes:
    return _render_pdf(
        "billing/invoice_pdf.html",
        invoice,
        words=rupiah_in_words(int(invoice.total)),
        status=STATUS_LABELS[invoice.status_on(jakarta_today())],
        **payment_context(invoice),
    )


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    return _render_pdf(
        "billing/credit_note_pdf.html",
        credit_note.invoice,
        credit_note=credit_note,
        words=rupiah_in_words(int(credit_note.amount)),
    )


def invoice_email(invoice: Invoice, reminder: bool = False) -> dict:
    """Subject and body in the product's default language (Indonesian). A `reminder` (the invoice was sent
    before) is worded as one; with payments received it asks only for what is still outstanding."""
    today = jakarta_today()
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        details = vendor()
        names = {"number": invoice.number, "vendor": details["name"]}
        if reminder:
            subject = _("Payment reminder: invoice %(number)s from %(vendor)s", **names)
        else:
            subject = _("Invoice %(number)s from %(vendor)s", **names)
        amounts = {
            "number": invoice.number,
            "total": rupiah(invoice.total),
            "paid": rupiah(invoice.paid_amount),
            "outstanding": rupiah(invoice.outstanding),
            "due": wib_date(invoice.due_date),
        }
        if reminder and today > invoice.due_date:
            opening = _("This is a reminder that invoice %(number)s was due on %(due)s.", **amounts)
        elif reminder:
            opening = _("This is a friendly reminder of invoice %(number)s, due on %(due)s.", **amounts)
        else:
            opening = _("Please find attached invoice %(number)s of %(total)s, due on %(due)s.", **amounts)
        if invoice.paid_amount > 0:
            amount = _(
                "Of the total of %(total)s we have received %(paid)s, thank you; the outstanding amount is "
                "%(outstanding)s.",
                **amounts,
            )
        else:
            amount = _("The amount due is %(outstanding)s.", **amounts)
        how = _(
            "Please transfer %(outstanding)s to %(bank)s, account %(account)s in the name of %(holder)s, "
            "quoting %(number)s, or pay online (virtual account, e-wallet, card) at %(link)s.",
            bank=details["bank_name"],
            account=details["bank_account"],
            holder=details["bank_holder"],
            link=online_payment_url(invoice),
            **amounts,
        )
        text = "\n\n".join(
            [
                _("Dear %(client)s,", client=invoice.bill_to_name),
                f"{opening} {amount}",
                how,
                _("Regards,\n%(vendor)s", vendor=details["name"]),
            ]
        )
    return {"subject": subject, "text": text}
