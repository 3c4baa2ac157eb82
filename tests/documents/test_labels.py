"""Labels read back like a scanner would: every design and size, barcode -> tracking number, QR -> the
public tracking URL; A4 pages hold exactly 2 or 4 labels."""

from pathlib import Path

import pytest

from app.logistics.documents import labels, services
from tests.documents.scan import scan_pages

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
