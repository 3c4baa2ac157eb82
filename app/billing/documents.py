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
}


def vendor() -> dict:
    return {
        key.removeprefix("VENDOR_").lower(): current_app.config.get(key, value)
        for key, value in VENDOR_DEFAULTS.items()
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
    )


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    return _render_pdf(
        "billing/credit_note_pdf.html",
        credit_note.invoice,
        credit_note=credit_note,
        words=rupiah_in_words(int(credit_note.amount)),
    )


def invoice_email(invoice: Invoice) -> dict:
    """Subject and body in the product's default language (Indonesian)."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        subject = _("Invoice %(number)s from %(vendor)s", number=invoice.number, vendor=vendor()["name"])
        text = _(
            "Dear %(client)s,\n\nPlease find attached invoice %(number)s of %(total)s, due on %(due)s.\n\n"
            "Regards,\n%(vendor)s",
            client=invoice.bill_to_name,
            number=invoice.number,
            total=rupiah(invoice.total),
            due=wib_date(invoice.due_date),
            vendor=vendor()["name"],
        )
    return {"subject": subject, "text": text}
