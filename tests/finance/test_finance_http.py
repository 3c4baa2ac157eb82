"""The finance screens as each role meets them (spec §8/§9), and a tenant without the module."""

import io

import pytest
import sqlalchemy as sa

from tests.conftest import login, tenant_host
from tests.support.factories import PASSWORD, owner_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
PAGES = (
    "/finance/entries/",
    "/finance/payments/",
    "/finance/requests/",
    "/finance/approvals/",
    "/finance/receivables/",
    "/finance/report/",
)


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("owner@demo.test", PAGES),
        ("admin@demo.test", PAGES),
        ("viewer@demo.test", PAGES),
        ("kurir@demo.test", ("/finance/requests/",)),
        ("marketing@demo.test", ()),
    ],
)
def test_each_role_opens_the_finance_pages_it_may(client_as, email, allowed):
    client = client_as(email)
    for page in PAGES:
        assert client.get(page).status_code == (200 if page in allowed else 403), (email, page)


def test_a_tenant_without_the_finance_module_gets_403(db, create_tenant):
    tenant = create_tenant(plan="free")
    client = login(_app(), owner_of(tenant).email, PASSWORD, tenant_host(tenant.slug))
    assert client.get("/finance/entries/").status_code == 403
    assert b"/finance/entries" not in client.get("/").data


def _app():
    from flask import current_app

    return current_app._get_current_object()


def test_admin_records_an_entry_and_the_list_totals_it(db, create_tenant):
    tenant = create_tenant(plan="pro")
    from tests.support.factories import create_user

    admin = create_user(tenant, "Admin")
    client = login(_app(), admin.email, PASSWORD, tenant_host(tenant.slug))
    response = client.post(
        "/finance/entries/new",
        data={
            "kind": "income",
            "entry_date": "2026-12-01",
            "amount": "1.250.000",
            "method": "qris",
            "category": "pengiriman",
            "description": "Ongkir loket",
            "proof": (io.BytesIO(PNG), "nota.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get("/finance/entries/").get_data(as_text=True)
    assert page.count("Rp 1.250.000") >= 3  # the row, the rows' total, the balance
    refused = client.post(
        "/finance/entries/new",
        data={
            "kind": "income",
            "entry_date": "2026-12-01",
            "amount": "12,5",
            "method": "qris",
            "category": "pengiriman",
        },
    )
    assert refused.status_code == 422 and 'id="error-amount"' in refused.get_data(as_text=True)


def test_kurir_files_a_request_the_owner_rejects_it_and_the_kurir_reads_why(db, create_tenant):
    from app.logistics.finance.models import ExpenseRequest
    from app.tenancy.context import all_tenants
    from tests.support.factories import create_user

    tenant = create_tenant(plan="pro")
    kurir = create_user(tenant, "Kurir")
    courier = login(_app(), kurir.email, PASSWORD, tenant_host(tenant.slug))
    response = courier.post(
        "/finance/requests/new",
        data={
            "entry_date": "2026-12-07",
            "amount": "50000",
            "method": "tunai",
            "category": "bahan_bakar",
            "description": "BBM",
            "proof": (io.BytesIO(PNG), "struk.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with all_tenants():
        item = db.session.execute(sa.select(ExpenseRequest).where(ExpenseRequest.tenant_id == tenant.id)).scalar_one()
    assert courier.get(f"/finance/requests/{item.id}/proof").data == PNG
    owner = login(_app(), owner_of(tenant).email, PASSWORD, tenant_host(tenant.slug))
    assert owner.post(f"/finance/approvals/{item.id}/reject", data={"reason": "Struk buram"}).status_code == 302
    assert courier.post(f"/finance/approvals/{item.id}/approve").status_code == 403
    assert "Struk buram" in courier.get(f"/finance/requests/{item.id}").get_data(as_text=True)


def test_owner_marks_shipments_paid_and_prints_an_invoice(db, create_tenant, create_shipment):
    tenant = create_tenant(plan="pro")
    shipment = create_shipment(tenant)
    owner = login(_app(), owner_of(tenant).email, PASSWORD, tenant_host(tenant.slug))
    response = owner.post(
        "/finance/payments/mark", data={"shipment": [str(shipment.id)], "paid_on": "2026-12-07", "method": "transfer"}
    )
    assert response.status_code == 302
    page = owner.get("/finance/payments/?state=paid").get_data(as_text=True)
    assert shipment.tracking_number in page
    pdf = owner.get(f"/finance/payments/{shipment.id}/invoice.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    refused = owner.post("/finance/payments/mark", data={"paid_on": "2026-12-07", "method": "transfer"})
    assert refused.status_code == 422
