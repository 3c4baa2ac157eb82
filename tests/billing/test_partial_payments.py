"""A part payment is visible everywhere an invoice is shown: list, detail, PDF and e-mail (issue 26)."""

import subprocess
from decimal import Decimal

from app.billing.invoices import add_payment
from app.core.formatting import jakarta_today

ADMIN = "admin@vendor.test"
PARTIAL = tuple(f'<span class="label label-info">{label}</span>' for label in ("Dibayar sebagian", "Partially paid"))


def _part_paid(create_tenant, create_invoice, amount=100_000):
    """Rp 1.000.000 + PPN = Rp 1.110.000, of which `amount` is paid."""
    from app.tenancy.context import all_tenants

    tenant = create_tenant()
    invoice = create_invoice(tenant)
    with all_tenants():
        add_payment(
            invoice.id,
            method="transfer",
            paid_at=jakarta_today(),
            amount=Decimal(amount),
            reference="TRF-1",
            today=jakarta_today(),
            actor_id=None,
        )
    return invoice


def test_list_and_detail_show_partly_paid_with_paid_and_outstanding(db, create_tenant, create_invoice, client_as):
    invoice = _part_paid(create_tenant, create_invoice)
    staff = client_as(ADMIN)
    listed = staff.get(f"/billing/invoices/?status=partial&q={invoice.number}").get_data(as_text=True)
    assert f">{invoice.number}</a>" in listed and any(label in listed for label in PARTIAL)
    assert "Rp 100.000" in listed and "Rp 1.010.000" in listed
    unpaid = staff.get(f"/billing/invoices/?status=unpaid&q={invoice.number}").get_data(as_text=True)
    assert f">{invoice.number}</a>" not in unpaid
    detail = staff.get(f"/billing/invoices/{invoice.id}").get_data(as_text=True)
    assert 'id="invoice-paid">Rp 100.000<' in detail and 'id="invoice-outstanding">Rp 1.010.000<' in detail
    assert any(label in detail for label in PARTIAL)


def test_pdf_shows_payments_outstanding_and_how_to_pay(db, app, create_tenant, create_invoice, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "id")  # documents are in the product's language
    from app.billing.documents import render_invoice_pdf
    from app.tenancy.context import all_tenants

    invoice = _part_paid(create_tenant, create_invoice)
    with app.test_request_context(), all_tenants():  # as a job runs it
        pdf = render_invoice_pdf(invoice)
    (tmp_path / "invoice.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "invoice.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Pembayaran diterima" in text and "TRF-1" in text and "Rp 100.000" in text
    assert "Rp 1.010.000" in text
    assert app.config["VENDOR_BANK_ACCOUNT"] in text and app.config["VENDOR_BANK_HOLDER"] in text
    assert f"{invoice.tenant.slug}.{app.config['BASE_DOMAIN']}/langganan/" in text


def test_a_reminder_of_a_part_paid_invoice_asks_for_what_is_outstanding(
    db, app, create_tenant, create_invoice, monkeypatch
):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "id")
    from app.billing.documents import invoice_email
    from app.billing.invoices import is_reminder
    from app.tenancy.context import all_tenants

    fresh = create_invoice(create_tenant())
    with app.test_request_context(), all_tenants():
        assert not is_reminder(fresh)
        first = invoice_email(fresh)
    assert "Pengingat" not in first["subject"] and "Rp 1.110.000" in first["text"]

    invoice = _part_paid(create_tenant, create_invoice)
    with app.test_request_context(), all_tenants():
        assert is_reminder(invoice)
        mail = invoice_email(invoice, reminder=True)
    assert mail["subject"].startswith("Pengingat pembayaran")
    assert "Rp 1.010.000" in mail["text"] and "Rp 100.000" in mail["text"]
    assert "mengingatkan" in mail["text"]


def test_sending_a_part_paid_invoice_queues_a_reminder(db, create_tenant, create_invoice, client_as, monkeypatch):
    from app.billing.views import invoices as views

    queued = []
    real_enqueue = views.enqueue
    monkeypatch.setattr(views, "enqueue", lambda func, **kw: queued.append(kw) or real_enqueue(func, **kw))
    invoice = _part_paid(create_tenant, create_invoice)
    assert client_as(ADMIN).post(f"/billing/invoices/{invoice.id}/send").status_code == 302
    assert [(kw["invoice_id"], kw["reminder"]) for kw in queued] == [(invoice.id, True)]
