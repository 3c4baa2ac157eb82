"""The resi (receipt) PDF: thermal 100 x 150 mm, rendered from a Jinja template by xhtml2pdf."""

from io import BytesIO

from flask import render_template

from app.logistics.settings.services import get_settings, logo_file


def render_pdf(template: str, **context) -> bytes:
    html = render_template(template, **context)
    out = BytesIO()
    from xhtml2pdf import pisa  # imported when a PDF is made: ~40 MB less in every web process

    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return out.getvalue()


def resi_pdf(shipment) -> bytes:
    settings = get_settings(shipment.tenant_id)
    logo = logo_file(settings)
    return render_pdf(
        "logistics/resi.html", shipment=shipment, settings=settings, logo_path=str(logo[0]) if logo else None
    )
