"""The invoice PDF job makes a real PDF; the e-mail job sends it attached, once per click."""

import email
import io
import time
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from app.billing.models import Invoice
from app.tenancy.models import Tenant
from tests.support.jobs import run_jobs, wait_for_job

ADMIN = "admin@vendor.test"


def _invoice(app, slug="demo"):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        invoice = (
            db.session.execute(
                sa.select(Invoice)
                .join(Tenant, Tenant.id == Invoice.tenant_id)
                .where(Tenant.slug == slug)
                .order_by(Invoice.id)
            )
            .scalars()
            .first()
        )
        return invoice.id, invoice.number, [line.description for line in invoice.lines]


def test_pdf_job_produces_the_invoice_pdf(app, client_as):
    client = client_as(ADMIN)
    pk, number, lines = _invoice(app)
    response = client.post(f"/billing/invoices/{pk}/pdf")
    run_id = response.headers["Location"].split("pdf_job=")[1]
    assert wait_for_job(client, run_id)["state"] == "done"
    pdf = client.get(f"/jobs/{run_id}/download").data
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert number in text and "PT Demo Kirim Cepat" in text and all(line in text for line in lines)
    assert "Rp " in text and "rupiah" in text


def test_send_email_attaches_pdf_and_double_click_sends_once(app, client_as):
    client = client_as(ADMIN)
    pk, number, _lines = _invoice(app, "contoh")
    folder = Path(app.config["MAIL_CAPTURE_DIR"])
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    client.post(f"/billing/invoices/{pk}/send")
    client.post(f"/billing/invoices/{pk}/send")
    deadline = time.time() + 30
    while time.time() < deadline and client.get(f"/billing/invoices/{pk}/email-state").json["state"] == "queued":
        run_jobs(app)
        time.sleep(0.2)
    assert client.get(f"/billing/invoices/{pk}/email-state").json["state"] == "sent"
    new = [p for p in folder.glob("*.eml") if p not in before]
    mine = [email.message_from_bytes(p.read_bytes()) for p in new]
    mine = [m for m in mine if number in m["Subject"]]
    assert len(mine) == 1 and mine[0]["To"] == "owner@contoh.test"
    attachments = [part for part in mine[0].walk() if part.get_content_type() == "application/pdf"]
    assert attachments and attachments[0].get_payload(decode=True).startswith(b"%PDF")


def test_a_send_right_after_a_finished_one_is_refused_and_allowed_a_minute_later(db, create_tenant, create_invoice):
    """The double-click guard also holds when the first send finished before the second click arrived;
    sending again (Kirim Ulang) works once that moment has passed."""
    from datetime import timedelta

    from app.billing.invoices import claim_email_send, set_email_state
    from app.tenancy.context import all_tenants
    from app.tenancy.models import utcnow

    invoice = create_invoice(create_tenant())
    with all_tenants():
        assert claim_email_send(invoice, utcnow())
        assert not claim_email_send(invoice, utcnow() + timedelta(seconds=5))  # queued: in flight
        set_email_state(invoice, "sent", "first-run")
        sent_at = invoice.email_state_at
        assert not claim_email_send(invoice, sent_at + timedelta(seconds=5))
        assert claim_email_send(invoice, sent_at + timedelta(minutes=2))
