"""Credit notes through HTTP as vendor staff: cancelling from the invoice page, refusals with a message and
nothing written, the cancelled status everywhere (detail, list filter, e-mail, payments), and the PDF."""

import io

from pypdf import PdfReader

from app.billing.models import CreditNote, Invoice, Payment
from tests.billing.test_views import DUE, _count
from tests.support.jobs import wait_for_job

ADMIN = "admin@vendor.test"


def _new_invoice(client, tenant_id, description="Biaya implementasi"):
    response = client.post(
        "/billing/invoices/new",
        data={
            "tenant_id": tenant_id,
            "due_date": DUE,
            "description": [description, "Pelatihan"],
            "quantity": ["1", "2"],
            "unit_price": ["100000", "50000"],
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _credit_notes(app, pk):
    return _count(app, CreditNote, CreditNote.invoice_id == pk)


def test_cancel_an_invoice_from_its_page(app, client_as, tenant):
    client = client_as(ADMIN)
    pk = _new_invoice(client, tenant("demo").id)
    assert 'id="credit-note-form"' in client.get(f"/billing/invoices/{pk}").get_data(as_text=True)
    response = client.post(f"/billing/invoices/{pk}/credit-note", data={"reason": "Paket salah"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Credit note CN/" in page and "the invoice is cancelled" in page
    assert ">Cancelled</span>" in page and "Paket salah" in page and 'id="credit-note-pdf-button"' in page
    for gone in ('id="credit-note-form"', 'id="payment-form"', 'id="send-button"'):
        assert gone not in page
    assert _credit_notes(app, pk) == 1


def test_bad_credit_requests_say_why_and_write_nothing(app, client_as, tenant):
    client = client_as(ADMIN)
    pk = _new_invoice(client, tenant("contoh").id)
    for data, message in (({"reason": ""}, "Give the reason"), ({"reason": "x" * 600}, "at most 500 characters")):
        response = client.post(f"/billing/invoices/{pk}/credit-note", data=data, follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _credit_notes(app, pk) == 0
    assert client.post("/billing/invoices/999999/credit-note", data={"reason": "x"}).status_code == 404

    client.post(f"/billing/payments/invoice/{pk}", data={"method": "cash", "paid_at": "2026-01-02", "amount": "1000"})
    refused = client.post(f"/billing/invoices/{pk}/credit-note", data={"reason": "Batal"}, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "already has payments of Rp 1.000" in page and "cannot be cancelled by a credit note" in page
    assert _credit_notes(app, pk) == 0


def test_a_cancelled_invoice_is_not_credited_again_paid_or_sent(app, client_as, tenant):
    client = client_as(ADMIN)
    pk = _new_invoice(client, tenant("demo").id)
    client.post(f"/billing/invoices/{pk}/credit-note", data={"reason": "Dobel"})
    again = client.post(f"/billing/invoices/{pk}/credit-note", data={"reason": "Dobel"}, follow_redirects=True)
    assert "was cancelled by credit note CN/" in again.get_data(as_text=True) and _credit_notes(app, pk) == 1
    paid = client.post(
        f"/billing/payments/invoice/{pk}",
        data={"method": "cash", "paid_at": "2026-01-02", "amount": "1000"},
        follow_redirects=True,
    )
    assert "was cancelled by credit note" in paid.get_data(as_text=True)
    assert _count(app, Payment, Payment.invoice_id == pk) == 0
    sent = client.post(f"/billing/invoices/{pk}/send", follow_redirects=True)
    assert "A cancelled invoice is not sent" in sent.get_data(as_text=True)
    assert client.get(f"/billing/invoices/{pk}/email-state").json["state"] is None


def test_roles_without_invoice_write_cannot_cancel(app, client_as, tenant):
    pk = _new_invoice(client_as(ADMIN), tenant("demo").id)
    for email in ("viewer@vendor.test", "support@vendor.test", "owner@demo.test"):
        assert client_as(email).post(f"/billing/invoices/{pk}/credit-note", data={"reason": "x"}).status_code in (
            403,
            404,
        )
    assert _credit_notes(app, pk) == 0
    finance = client_as("finance@vendor.test")
    assert finance.post(f"/billing/invoices/{pk}/credit-note", data={"reason": "Salah klien"}).status_code == 302
    assert _credit_notes(app, pk) == 1


def _listed(client, query: str) -> str:
    """The rows of the invoice list (not the search box, which echoes the query)."""
    return client.get(f"/billing/invoices/?{query}").get_data(as_text=True).split('id="invoice-list"', 1)[1]


def test_invoice_list_filters_cancelled(app, client_as, tenant):
    client = client_as(ADMIN)
    cancelled, open_ = _new_invoice(client, tenant("contoh").id), _new_invoice(client, tenant("contoh").id)
    client.post(f"/billing/invoices/{cancelled}/credit-note", data={"reason": "Batal"})
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        numbers = {pk: db.session.get(Invoice, pk).number for pk in (cancelled, open_)}
    listed = _listed(client, f"status=cancelled&q={numbers[cancelled]}")
    assert f">{numbers[cancelled]}</a>" in listed and ">Cancelled</span>" in listed
    for status in ("unpaid", "paid", "overdue"):
        assert numbers[cancelled] not in _listed(client, f"status={status}&q={numbers[cancelled]}")
    assert f">{numbers[open_]}</a>" in _listed(client, f"status=unpaid&q={numbers[open_]}")
    assert numbers[open_] not in _listed(client, f"status=cancelled&q={numbers[open_]}")


def test_credit_note_pdf_names_both_documents_on_the_letterhead(app, client_as, tenant):
    client = client_as(ADMIN)
    pk = _new_invoice(client, tenant("demo").id, description="Modul POS salah pesan")
    assert client.post(f"/billing/invoices/{pk}/credit-note/pdf").status_code == 404  # nothing to print yet
    client.post(f"/billing/invoices/{pk}/credit-note", data={"reason": "Klien tidak memesan POS"})
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        invoice = db.session.get(Invoice, pk)
        invoice_number, note_number = invoice.number, invoice.credit_note.number
    response = client.post(f"/billing/invoices/{pk}/credit-note/pdf")
    run_id = response.headers["Location"].split("pdf_job=")[1]
    assert wait_for_job(client, run_id)["state"] == "done"
    download = client.get(f"/jobs/{run_id}/download")
    assert download.data.startswith(b"%PDF") and note_number.replace("/", "-") in download.headers.get(
        "Content-Disposition", ""
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.data)).pages)
    for expected in (note_number, invoice_number, "PT Demo Kirim Cepat", "Modul POS salah pesan", "Pelatihan"):
        assert expected in text
    assert "Klien tidak memesan POS" in text and "CREDIT NOTE" in text and "PT SiLogistik" in text


def test_there_is_no_route_that_edits_an_invoice(app):
    """An issued invoice never changes: its only write routes create one, print, send, pay or cancel it."""
    writes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/billing/invoices/") and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert writes == {
        "/billing/invoices/new",
        "/billing/invoices/<int:pk>/pdf",
        "/billing/invoices/<int:pk>/send",
        "/billing/invoices/<int:pk>/credit-note",
        "/billing/invoices/<int:pk>/credit-note/pdf",
    }


def test_detail_page_scripts_hold_translations_as_json_strings(client_as, tenant):
    client = client_as(ADMIN)
    page = client.get(f"/billing/invoices/{_new_invoice(client, tenant('demo').id)}?pdf_job=x").get_data(as_text=True)
    assert 'pdf.textContent = "The PDF could not be made.";' in page
    assert 'link.textContent = "PDF ready: download";' in page
    modules = client.get("/billing/modules/").get_data(as_text=True)
    assert 'data-confirm="Delete this module?"' in modules  # asked by base.html's script (the CSP allows no onsubmit=)
