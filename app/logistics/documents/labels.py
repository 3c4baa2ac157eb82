"""Shipping labels (spec §6 "Cetak Label"): three designs, each on a thermal 10 x 15 cm label or on A4
with 2 or 4 labels per page, drawn with reportlab's canvas into one PDF.

Every label carries the company profile (logo, name, address, phone), a vector Code128 barcode of the
tracking number with the number in text, a QR code of the public tracking URL, sender and receiver,
origin and destination, weights, pieces, type and date. The tenant's default design and size live in
its settings (label_template, label_size); every print may choose others.

The drawing is `label_render` (reportlab), imported when labels are printed: ~6 MB less in every web
process that never prints one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError
from app.logistics.tracking.services import Company, tracking_url

TEMPLATES = {"standard": _l("Standard"), "compact": _l("Compact"), "detailed": _l("Detailed (items, COD box)")}
SIZES = {"thermal": _l("Thermal 10 × 15 cm"), "a4_2": _l("A4, 2 labels per page"), "a4_4": _l("A4, 4 labels per page")}
PER_PAGE = {"thermal": 1, "a4_2": 2, "a4_4": 4}
DEFAULT_TEMPLATE, DEFAULT_SIZE = "standard", "thermal"
MAX_ITEMS_SHOWN = 6


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


def label_of(shipment, root: str) -> Label:
    """`root`: the tenant's address, `<scheme>://<slug>.<BASE_DOMAIN>` (tracking.services.tracking_root)."""
    items = list(shipment.items)
    return Label(
        number=shipment.tracking_number,
        url=tracking_url(root, shipment.tracking_number),
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


def render_labels(
    company: Company, labels: list[Label], choice: LabelChoice, progress: Callable[[int], None] | None = None
) -> bytes:
    """One PDF of all labels; `progress(labels done)` after a page, every few dozen labels and at the end."""
    from app.logistics.documents import label_render

    return label_render.render(company, labels, choice, progress)
