"""Tariff screens (CRUD, Excel import/export) and the company settings page with the logo."""

from io import BytesIO

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

HEADER = ["origin_code", "origin", "destination_code", "destination", "price_per_kg", "est_days"]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _tariff_count(app, slug="demo"):
    from app.extensions import db
    from app.logistics.tariffs.models import Tariff
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug

    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(slug)
        return db.session.execute(sa.select(sa.func.count(Tariff.id)).where(Tariff.tenant_id == tenant.id)).scalar_one()


def test_tariff_add_validates_and_is_unique(client_as, app):
    client = client_as("admin@demo.test")
    before = _tariff_count(app)
    ok = client.post("/tariffs/add", data={"origin": "33.74", "destination": "51.71", "price_per_kg": "9000"})
    assert ok.status_code == 302 and _tariff_count(app) == before + 1
    again = client.post("/tariffs/add", data={"origin": "33.74", "destination": "51.71", "price_per_kg": "9000"})
    assert again.status_code == 200 and "already exists" in again.get_data(as_text=True)
    bad = client.post("/tariffs/add", data={"origin": "99.99", "destination": "51.71", "price_per_kg": "-1"})
    assert bad.status_code == 200 and _tariff_count(app) == before + 1
    page = client.get("/tariffs/list/").get_data(as_text=True)
    assert "Kota Semarang" in page and 'id="btn-tariff-import"' in page


def test_export_then_import_roundtrip_and_all_or_nothing(client_as, app):
    client = client_as("owner@contoh.test")
    exported = client.get("/tariffs/export.xlsx")
    assert exported.status_code == 200
    rows = list(load_workbook(BytesIO(exported.data)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER and len(rows) > 1
    before = _tariff_count(app, "contoh")
    bad = _xlsx(
        [
            ["31.71", None, "62.71", None, 5000, 2],
            ["99.99", None, "32.73", None, 5000, 1],
            [None, "Kota Bandung", None, "Kota Surabaya", "abc", None],
        ]
    )
    response = client.post(
        "/tariffs/import", data={"file": (BytesIO(bad), "t.xlsx")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Row 3" in page and "Row 4" in page
    assert _tariff_count(app, "contoh") == before
    good = _xlsx(
        [["31.71", None, "62.71", None, 5000, 2], [None, "Kota Bandung, Jawa Barat", None, "Kota Surabaya", 7000, None]]
    )
    response = client.post(
        "/tariffs/import", data={"file": (BytesIO(good), "t.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert _tariff_count(app, "contoh") == before + 1  # Bandung -> Surabaya existed: updated
    for junk in (b"not a workbook", b"PK\x03\x04garbage"):
        response = client.post(
            "/tariffs/import", data={"file": (BytesIO(junk), "t.xlsx")}, content_type="multipart/form-data"
        )
        assert response.status_code == 422


def test_viewer_and_kurir_cannot_write_tariffs(client_as):
    assert client_as("viewer@demo.test").get("/tariffs/list/").status_code == 200
    assert client_as("viewer@demo.test").post("/tariffs/import").status_code == 403
    assert client_as("kurir@demo.test").get("/tariffs/list/").status_code == 403


PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


def test_settings_save_and_logo(client_as):
    owner = client_as("owner@demo.test")
    page = owner.get("/settings/").get_data(as_text=True)
    assert 'value="DMO10"' in page and 'id="btn-settings-save"' in page
    form = {
        "tracking_prefix": "DMO10",
        "start_number": "",
        "volume_divisor": "5000",
        "rounding_mode": "exact",
        "rounding_tolerance": "0.30",
        "minimum_weight": "0",
        "company_name": "PT Demo Kirim Cepat",
    }
    bad = owner.post("/settings/save", data=form)
    assert bad.status_code == 422
    bad = owner.post("/settings/save", data=form | {"start_number": "00010", "volume_divisor": "-3"})
    assert bad.status_code == 422 and "divisor" in bad.get_data(as_text=True).lower()
    upload = owner.post(
        "/settings/logo", data={"logo": (BytesIO(b"GIF89a" + bytes(10)), "x.png")}, content_type="multipart/form-data"
    )
    assert upload.status_code == 422
    big = owner.post(
        "/settings/logo",
        data={"logo": (BytesIO(PNG + bytes(1024 * 1024)), "x.png")},
        content_type="multipart/form-data",
    )
    assert big.status_code in (413, 422)
    ok = owner.post("/settings/logo", data={"logo": (BytesIO(PNG), "logo.png")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    logo = owner.get("/settings/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert client_as("owner@contoh.test").get("/settings/logo").data != PNG
    admin = client_as("admin@demo.test")
    assert admin.get("/settings/").status_code == 200
    assert admin.post("/settings/save", data=form).status_code == 403
    assert client_as("kurir@demo.test").get("/settings/").status_code == 403
