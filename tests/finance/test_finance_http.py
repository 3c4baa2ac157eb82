"""The finance screens as each role meets them (spec §8/§9), and a tenant without the module."""

import io

import pytest
import sqlalchemy as sa

from tests.conftest import login, tenant_host
from tests.support.factories import PASSWORD, create_user, owner_of

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
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert ('href="/finance/' in home) == bool(allowed), email  # the menu: Marketing sees nothing of finance


def test_the_kurir_files_its_expenses_from_its_delivery_page(client_as):
    page = client_as("kurir@demo.test").get("/courier/").get_data(as_text=True)
    assert 'href="/finance/requests/new"' in page and 'href="/finance/requests/"' in page
    assert 'id="courier-expenses"' not in client_as("marketing@demo.test").get("/courier/").get_data(as_text=True)


def test_a_tenant_without_the_finance_module_gets_403(db, create_tenant):
    tenant = create_tenant(plan="free")
    client = login(_app(), owner_of(tenant).email, PASSWORD, tenant_host(tenant.slug))
    assert client.get("/finance/entries/").status_code == 403
    assert b"/finance/entries" not in client.get("/").data


def _post_with_proof(client, url, **fields):
    """A finance form sent as the browser sends it, with a photo as its proof."""
    data = {**fields, "proof": (io.BytesIO(PNG), "bukti.png")}
    return client.post(url, data=data, content_type="multipart/form-data")


def _app():
    from flask import current_app

    return current_app._get_current_object()


def test_admin_records_an_entry_and_the_list_totals_it(db, create_tenant):
    tenant = create_tenant(plan="pro")
    admin = create_user(tenant, "Admin")
    client = login(_app(), admin.email, PASSWORD, tenant_host(tenant.slug))
    income = dict(kind="income", entry_date="2026-12-01", method="qris", category="pengiriman")
    response = _post_with_proof(client, "/finance/entries/new", amount="1.250.000", description="Ongkir", **income)
    assert response.status_code == 302
    page = client.get("/finance/entries/").get_data(as_text=True)
    assert page.count("Rp 1.250.000") >= 3  # the row, the rows' total, the balance
    refused = client.post("/finance/entries/new", data={**income, "amount": "12,5"})
    assert refused.status_code == 422 and 'id="error-amount"' in refused.get_data(as_text=True)


def test_kurir_files_a_request_the_owner_rejects_it_and_the_kurir_reads_why(db, create_tenant):
    from app.logistics.finance.models import ExpenseRequest
    from app.tenancy.context import all_tenants

    tenant = create_tenant(plan="pro")
    kurir = create_user(tenant, "Kurir")
    courier = login(_app(), kurir.email, PASSWORD, tenant_host(tenant.slug))
    response = _post_with_proof(
        courier,
        "/finance/requests/new",
        entry_date="2026-12-07",
        amount="50000",
        method="tunai",
        category="bahan_bakar",
        description="BBM",
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


def test_one_invoice_for_a_customers_unpaid_shipments_in_a_period(db, create_tenant, create_shipment):
    from pypdf import PdfReader

    from app.core.formatting import rupiah

    tenant = create_tenant(plan="pro")
    paid, first, second = (create_shipment(tenant, sender_name="Toko Sumber Rejeki") for _ in range(3))
    other = create_shipment(tenant, sender_name="Bu Ani")
    viewer = create_user(tenant, "Viewer")
    owner = login(_app(), owner_of(tenant).email, PASSWORD, tenant_host(tenant.slug))
    owner.post("/finance/payments/mark", data={"shipment": [str(paid.id)], "paid_on": "2026-12-07", "method": "qris"})
    client = login(_app(), viewer.email, PASSWORD, tenant_host(tenant.slug))
    listed = client.get("/finance/payments/?sender=sumber").get_data(as_text=True)
    assert 'id="btn-customer-invoice"' in listed
    pdf = client.get("/finance/payments/invoice.pdf?sender=sumber")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert first.tracking_number in text and second.tracking_number in text
    assert paid.tracking_number not in text and other.tracking_number not in text
    assert rupiah(first.total_cost + second.total_cost) in text
    refused = client.get("/finance/payments/invoice.pdf?sender=tidak-ada", follow_redirects=True)
    assert "no unpaid shipments in the period" in refused.get_data(as_text=True)
