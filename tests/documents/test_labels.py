"""Labels read back like a scanner would: every design and size, barcode -> tracking number, QR -> the
public tracking URL; A4 pages hold exactly 2 or 4 labels; a label's words read back like a person would
(pdftotext): everything issue 25 lists, long text wrapped rather than cut, in Indonesian."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image
from pypdf import PdfReader

from app.core.formatting import kilograms, wib_date
from app.logistics.documents import labels, services
from app.logistics.settings.services import get_settings, save_logo
from app.logistics.tracking.services import company_of
from app.tenancy.context import tenant_scope
from tests.documents.scan import pdf_text, scan_pages

SHOTS = Path("/tmp/shots/documents")


def _codes(page, kind):
    return sorted(text for symbol, text in page if symbol == kind)


@pytest.mark.parametrize("template", sorted(labels.TEMPLATES))
@pytest.mark.parametrize("size", sorted(labels.SIZES))
def test_every_label_scans_back_to_its_number_and_tracking_url(app, db, create_tenant, create_shipment, template, size):
    tenant = create_tenant(name="PT Label Uji")
    rows = [create_shipment(tenant, sender_name=f"Pengirim {n}") for n in range(5)]
    root = f"https://{tenant.slug}.localhost"
    with app.test_request_context():
        pdf = services.label_pdf(tenant, rows, labels.LabelChoice(template, size), root)
    pages = scan_pages(pdf, keep=SHOTS / f"{template}-{size}")
    per_page = labels.PER_PAGE[size]
    assert len(pages) == -(-len(rows) // per_page)
    numbers = [row.tracking_number for row in rows]
    expected = [numbers[start : start + per_page] for start in range(0, len(numbers), per_page)]
    assert [_codes(page, "CODE-128") for page in pages] == [sorted(chunk) for chunk in expected]
    assert [_codes(page, "QR-Code") for page in pages] == [
        sorted(f"{root}/lacak/{number}" for number in chunk) for chunk in expected
    ]


LONG_NAME = "Raden Mas Muhammad Abdurrahman Wahyu Kusumawardhana Prawiranegara Putra Sejati"
LONG_ADDRESS = (
    "Perumahan Griya Permata Hijau Indah Blok C-17 No. 23, RT 005/RW 011, Kelurahan Sukamaju Baru, "
    "Kecamatan Cimanggis, dekat masjid Al-Ikhlas, pagar hijau, rumah kedua dari ujung gang"
)


def _png_logo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (120, 48), "navy").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def profiled_tenant(db, create_tenant):
    """A tenant with a full company profile and a logo."""
    tenant = create_tenant(name="PT Kilat Uji")
    with tenant_scope(tenant.id):
        settings = get_settings(tenant.id)
        settings.company_name, settings.company_phone = "PT Kilat Ekspres Uji", "021-555-0199"
        settings.company_address = "Jl. Gatot Subroto Kav. 9, Jakarta Selatan"
        save_logo(settings, _png_logo())
        db.session.flush()
    return tenant


@pytest.mark.parametrize("template", sorted(labels.TEMPLATES))
def test_a_label_shows_what_a_courier_reads_in_indonesian(app, profiled_tenant, create_shipment, template):
    shipment = create_shipment(
        profiled_tenant,
        receiver_name=LONG_NAME,
        receiver_address=LONG_ADDRESS,
        items=[
            {"name": f"Barang {n}", "weight": "1", "quantity": n, "length": 10, "width": 10, "height": 10}
            for n in range(1, 9)
        ],
    )
    with app.test_request_context(), force_locale("id"):
        pdf = services.label_pdf(profiled_tenant, [shipment], labels.LabelChoice(template, "thermal"), "https://x.test")
        type_label = shipment.type_label
    text = pdf_text(pdf)
    for shown in (
        "PT Kilat Ekspres Uji",
        "Jl. Gatot Subroto Kav. 9, Jakarta Selatan",
        "021-555-0199",
        shipment.tracking_number,
        type_label,
        wib_date(shipment.issued_at),
        *("PENERIMA", "PENGIRIM", "ASAL", "TUJUAN", "Berat aktual", "Berat tertagih", "Koli", "Lacak Resi"),
        f"{LONG_NAME} {shipment.receiver_phone} {LONG_ADDRESS} Kota Bandung, Jawa Barat",
        f"Pengirim Uji {shipment.sender_phone} Jl. Uji No. 1, Kota Administrasi Jakarta Pusat",
        "Kota Administrasi Jakarta Pusat Kota Bandung",
        f"{kilograms(shipment.total_weight)} {kilograms(shipment.chargeable_weight)} 36",
    ):
        assert shown in text, shown
    assert pdf.count(b"/Subtype /Image") == 1  # the logo
    if template == "detailed":
        assert (
            "Barang Jml" in text and "Barang 1 1 Barang 2 2" in text and "Barang 6 6 + 2 barang lainnya NON-COD" in text
        )
        assert "Barang 7" not in text


def _label(number: int) -> labels.Label:
    party = labels.Party("Budi Santoso", "081234567890", "Jl. Merdeka No. 1", "Kota Bandung, Jawa Barat")
    return labels.Label(
        number=f"UJI{number:07d}",
        url=f"https://x.test/lacak/UJI{number:07d}",
        sender=party,
        receiver=party,
        origin="Kota Bandung",
        destination="Kota Bandung",
        total_weight=Decimal("1.50"),
        chargeable_weight=Decimal("2"),
        pieces=1,
        type_label="Pickup",
        date=datetime(2026, 12, 7, 20, 0),
        items=(("Buku", 1),),
        more_items=0,
        cod_amount=0,
    )


def test_a4_sheets_carry_the_logo_once_and_report_progress_per_page(app, profiled_tenant):
    reported = []
    with app.test_request_context():
        company = company_of(profiled_tenant)
        pdf = labels.render_labels(
            company, [_label(n) for n in range(104)], labels.LabelChoice("standard", "a4_4"), reported.append
        )
    assert len(PdfReader(BytesIO(pdf)).pages) == 26
    assert pdf.count(b"/Subtype /Image") == 1
    assert reported == [52, 104]
