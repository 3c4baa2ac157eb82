"""The resi (receipt) PDF: thermal 100 x 150 mm, rendered from a Jinja template by xhtml2pdf."""

import base64
from io import BytesIO

from flask import render_template

from app.logistics.settings.services import get_settings, logo_image


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_template(template, **context))


def html_to_pdf(html: str) -> bytes:
    """xhtml2pdf on a rendered page (no app context needed)."""
    out = BytesIO()
    from xhtml2pdf import pisa  # imported when a PDF is made: ~40 MB less in every web process

    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return out.getvalue()


def resi_pdf(shipment) -> bytes:
    settings = get_settings(shipment.tenant_id)
    logo = logo_image(settings)
    # A data URI: the logo may live in S3, where xhtml2pdf cannot read it by path.
    logo_src = f"data:{logo[1]};base64,{base64.b64encode(logo[0]).decode()}" if logo else None
    return render_pdf("logistics/resi.html", shipment=shipment, settings=settings, logo_src=logo_src)
