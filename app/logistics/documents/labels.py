"""Shipping labels (spec §6 "Cetak Label"): three designs, each on a thermal 10 x 15 cm label or on A4
with 2 or 4 labels per page, rendered by xhtml2pdf from one Jinja template.

Every label carries the company profile (logo, name, address, phone), a vector Code128 barcode of the
tracking number with the number in text, a QR code of the public tracking URL, sender and receiver,
origin and destination, weights, pieces, type and date. The tenant's default design and size live in
its settings (label_template, label_size); every print may choose others.
"""

import multiprocessing
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import segno
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError
from app.logistics.shipments.resi import html_to_pdf
from app.logistics.tracking.services import Company, tracking_url

TEMPLATES = {"standard": _l("Standard"), "compact": _l("Compact"), "detailed": _l("Detailed (items, COD box)")}
SIZES = {"thermal": _l("Thermal 10 × 15 cm"), "a4_2": _l("A4, 2 labels per page"), "a4_4": _l("A4, 4 labels per page")}
PER_PAGE = {"thermal": 1, "a4_2": 2, "a4_4": 4}
DEFAULT_TEMPLATE, DEFAULT_SIZE = "standard", "thermal"
MAX_ITEMS_SHOWN = 6
SHEET = "logistics/labels/sheet.html"
PAGES_PER_SLICE = 100


@dataclass(frozen=True)
class LabelChoice:
    template: str
    size: str

    @property
    def per_page(self) -> int:
        return PER_PAGE[self.size]


def choose(settings, template: str | None = None, size: str | None = None) -> LabelChoice:
    """The tenant's default design and size, each overridden by a non-empty choice; unknown ones are refused."""
    template = (template or "").strip() or getattr(settings, "label_template", None) or DEFAULT_TEMPLATE
    size = (size or "").strip() or getattr(settings, "label_size", None) or DEFAULT_SIZE
    errors = {}
    if template not in TEMPLATES:
        errors["template"] = _l("Choose one of the label designs.")
    if size not in SIZES:
        errors["size"] = _l("Choose one of the label sizes.")
    if errors:
        raise FieldError(errors=errors)
    return LabelChoice(template, size)


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str
    city: str


@dataclass(frozen=True)
class Label:
    number: str
    url: str
    qr_src: str
    sender: Party
    receiver: Party
    origin: str
    destination: str
    total_weight: Decimal
    chargeable_weight: Decimal
    pieces: int
    type_label: str
    date: datetime
    items: tuple  # (name, quantity) of the first MAX_ITEMS_SHOWN
    more_items: int
    cod_amount: int  # 0: NON-COD (shipments carry no COD amount yet)


def qr_data_uri(text: str) -> str:
    """A PNG QR code (a PNG is about half the time of a vector QR in xhtml2pdf; it decodes the same)."""
    return segno.make(text, error="m").png_data_uri(scale=4, border=2)


def label_of(shipment, root: str) -> Label:
    """`root`: the tenant's address, `<scheme>://<slug>.<BASE_DOMAIN>` (tracking.services.tracking_root)."""
    url = tracking_url(root, shipment.tracking_number)
    items = list(shipment.items)
    return Label(
        number=shipment.tracking_number,
        url=url,
        qr_src=qr_data_uri(url),
        sender=Party(shipment.sender_name, shipment.sender_phone, shipment.sender_address, shipment.origin_label),
        receiver=Party(
            shipment.receiver_name, shipment.receiver_phone, shipment.receiver_address, shipment.destination_label
        ),
        origin=shipment.origin_name,
        destination=shipment.destination_name,
        total_weight=shipment.total_weight,
        chargeable_weight=shipment.chargeable_weight,
        pieces=sum(item.quantity for item in items),
        type_label=shipment.type_label,
        date=shipment.issued_at or shipment.created_at,
        items=tuple((item.name, item.quantity) for item in items[:MAX_ITEMS_SHOWN]),
        more_items=max(0, len(items) - MAX_ITEMS_SHOWN),
        cod_amount=int(getattr(shipment, "cod_amount", 0) or 0),
    )


def pages(labels: list, per_page: int) -> list[list]:
    return [labels[start : start + per_page] for start in range(0, len(labels), per_page)]


def render_labels(company: Company, labels: list[Label], choice: LabelChoice) -> bytes:
    """One PDF, rendered in slices of PAGES_PER_SLICE pages (xhtml2pdf slows down and recurses deeply on
    very long documents) joined in order; with several slices, in parallel processes
    (LABEL_RENDER_PROCESSES: xhtml2pdf is single-threaded CPU work)."""
    sheets = pages(labels, choice.per_page)
    htmls = [
        render_template(SHEET, company=company, pages=sheets[start : start + PAGES_PER_SLICE], choice=choice)
        for start in range(0, max(len(sheets), 1), PAGES_PER_SLICE)
    ]
    if len(htmls) == 1:
        return html_to_pdf(htmls[0])
    processes = min(int(current_app.config.get("LABEL_RENDER_PROCESSES") or 1), len(htmls))
    if processes < 2:
        return join_pdfs([html_to_pdf(html) for html in htmls])
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return join_pdfs(pool.map(html_to_pdf, htmls))


def join_pdfs(parts: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(BytesIO(part))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
