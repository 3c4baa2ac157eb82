"""Shipment screens through HTTP: create (Simpan / Arsipkan), list, search, detail, resi, status, delete."""

import re

import pytest
import sqlalchemy as sa

from tests.logistics.conftest import as_form, shipment_payload

# Each test rolled back (its requests included): shipments made or changed here are gone afterwards.
pytestmark = pytest.mark.usefixtures("db")


def _count(app, **where):
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        stmt = sa.select(sa.func.count(Shipment.id))
        for key, value in where.items():
            stmt = stmt.where(getattr(Shipment, key) == value)
        return db.session.execute(stmt).scalar_one()


def _seeded(email):
    """(tenant, user) of a demo account."""
    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.context import all_tenants
    from app.tenancy.models import Tenant

    with all_tenants():
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
        return db.session.get(Tenant, user.tenant_id), user


def _issued(create_shipment, email, **fields) -> int:
    """A shipment issued by the demo account `email` (through the service), committed; its id."""
    from app.extensions import db

    shipment = create_shipment(*_seeded(email), **fields)
    db.session.commit()
    return shipment.id


def _create(client, **changes):
    """Through the form's Simpan, as the user does."""
    response = client.post("/shipments/new", data=as_form(shipment_payload(**changes)))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/shipments/(\d+)$", response.headers["Location"]).group(1))


def test_save_issues_number_and_offers_resi(client_as):
    client = client_as("admin@demo.test")
    pk = _create(client, sender_name="Simpan Satu")
    page = client.get(f"/shipments/{pk}").get_data(as_text=True)
    assert 'id="btn-print-resi"' in page and "DMO10" in page
    pdf = client.get(f"/shipments/{pk}/resi.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("inline")


def test_archive_saves_draft_in_archive_tab(client_as, app):
    client = client_as("admin@demo.test")
    response = client.post("/shipments/new", data=as_form({"sender_name": "Draf Arsip Unik", "items": []}, "archive"))
    assert response.status_code == 302 and "tab=archive" in response.headers["Location"]
    archive = client.get("/shipments/?tab=archive&q=Draf+Arsip+Unik").get_data(as_text=True)
    assert "<td>Draf Arsip Unik</td>" in archive
    assert "<td>Draf Arsip Unik</td>" not in client.get("/shipments/?q=Draf+Arsip+Unik").get_data(as_text=True)


def test_bad_input_shows_field_errors_and_writes_nothing(client_as, app):
    client = client_as("admin@demo.test")
    before = _count(app)
    response = client.post("/shipments/new", data=as_form(shipment_payload(sender_phone="abc", receiver_name="")))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-sender_phone"' in page and 'id="error-receiver_name"' in page
    response = client.post("/shipments/new", data=as_form(shipment_payload(sender_city="51.71", receiver_city="12.71")))
    assert response.status_code == 422 and "tariff" in response.get_data(as_text=True).lower()
    response = client.post("/shipments/new", data={"items-0-name": "x", "items-0-weight": "nan", "action": "save"})
    assert response.status_code == 422
    assert _count(app) == before


def test_list_search_filters_sorting_and_pages(client_as):
    client = client_as("viewer@demo.test")
    page = client.get("/shipments/").get_data(as_text=True)
    for element in ("shipment-search", "filter-status", "filter-courier", "filter-type", "shipment-table", "page-next"):
        assert f'id="{element}"' in page
    number = re.search(r"DMO10\d{5}", page).group(0)
    found = client.get(f"/shipments/?q={number}").get_data(as_text=True)
    assert found.count('class="col-tracking"') == 1
    assert client.get("/shipments/?q=Bandung").status_code == 200
    assert client.get("/shipments/?status=delivered&type=pickup&sort=weight&dir=asc").status_code == 200
    next_link = re.search(r'id="page-next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert number not in second and 'id="page-prev"' in second
    assert client.get("/shipments/?after=garbage&per_page=abc&sort=nope").status_code == 200


def test_detail_popup_and_status_update_with_history_delete(client_as, create_shipment):
    client = client_as("admin@demo.test")
    pk = _issued(create_shipment, "admin@demo.test")
    detail = client.get(f"/shipments/{pk}/detail").get_data(as_text=True)
    assert 'id="detail-items"' in detail and 'id="detail-history"' in detail
    response = client.post(
        "/shipment-status/update",
        data={"ids": [pk], "status": "in_transit", "occurred_at": "", "note": "Berangkat"},
    )
    assert response.status_code == 302
    history = client.get(f"/shipment-status/{pk}").get_data(as_text=True)
    assert "Berangkat" in history
    event_id = re.findall(r'id="status-event-(\d+)"', history)[0]
    assert client.post(f"/shipment-status/event/{event_id}/delete").status_code == 302
    assert "Berangkat" not in client.get(f"/shipment-status/{pk}").get_data(as_text=True)
    bad = client.post("/shipment-status/update", data={"ids": [pk], "status": "nope"}, follow_redirects=True)
    assert bad.status_code == 200


def test_edit_duplicate_and_delete(client_as, app, create_shipment):
    client = client_as("admin@demo.test")
    pk = _issued(create_shipment, "admin@demo.test", sender_name="Untuk Diedit")
    assert "Untuk Diedit" in client.get(f"/shipments/{pk}/edit").get_data(as_text=True)
    response = client.post(f"/shipments/{pk}/edit", data=as_form(shipment_payload(sender_name="Sudah Diedit")))
    assert response.status_code == 302
    assert _count(app, sender_name="Sudah Diedit") == 1
    duplicate = client.get(f"/shipments/new?from={pk}").get_data(as_text=True)
    assert "Sudah Diedit" in duplicate
    assert client.post(f"/shipments/{pk}/delete").status_code == 302
    assert _count(app, id=pk) == 0
    assert client.get(f"/shipments/{pk}").status_code == 404


def test_kurir_updates_only_own_and_viewer_is_read_only(client_as, app, create_shipment):
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    _tenant, kurir = _seeded("kurir@demo.test")
    own = _issued(create_shipment, "admin@demo.test", courier_id=kurir.id)
    other = _issued(create_shipment, "admin@demo.test")
    client = client_as("kurir@demo.test")
    assert client.post("/shipment-status/update", data={"ids": [own], "status": "delivered"}).status_code == 302
    client.post("/shipment-status/update", data={"ids": [other], "status": "returned"})
    with app.app_context(), all_tenants():
        assert db.session.get(Shipment, own).status == "delivered"
        assert db.session.get(Shipment, other).status != "returned"
    assert client.get("/shipments/new").status_code == 403
    viewer = client_as("viewer@demo.test")
    assert viewer.post("/shipment-status/update", data={"ids": [own], "status": "returned"}).status_code == 403
    assert viewer.post(f"/shipments/{own}/delete").status_code == 403
    assert viewer.post("/shipments/new", data=as_form(shipment_payload())).status_code == 403


def test_other_tenants_shipment_is_404(client_as, app, create_shipment):
    pk = _issued(create_shipment, "owner@contoh.test")
    client = client_as("owner@demo.test")
    for path in (
        f"/shipments/{pk}",
        f"/shipments/{pk}/detail",
        f"/shipments/{pk}/resi.pdf",
        f"/shipments/{pk}/edit",
        f"/shipment-status/{pk}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/shipments/{pk}/delete").status_code == 404


def test_city_autocomplete_and_tariff_lookup(client_as):
    client = client_as("marketing@demo.test")
    cities = client.get("/shipments/cities?q=bandung").json["results"]
    assert {"id": "32.73", "text": "Kota Bandung, Jawa Barat"} in cities
    assert client.get("/shipments/tariff?origin=31.71&destination=32.73").json["price_per_kg"] > 0
    missing = client.get("/shipments/tariff?origin=51.71&destination=12.71")
    assert missing.json["price_per_kg"] is None and "tariff" in missing.json["message"].lower()
