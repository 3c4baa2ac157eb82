"""The invoice e-mail goes through a real SMTP server (aiosmtpd on loopback), in Indonesian, PDF attached."""

import email
import queue
import socket
from datetime import date, timedelta
from decimal import Decimal
from email import policy

import pytest

from tests.conftest import DEMO_PASSWORD, app_config, login

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


class Inbox:
    """aiosmtpd handler: keeps every message it receives, with the SMTP envelope."""

    def __init__(self):
        self.received = queue.Queue()

    async def handle_DATA(self, server, session, envelope):
        self.received.put((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp_server():
    inbox = Inbox()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture()
def mail_app(app, database_url, test_files, smtp_server):
    """A second app on the same (already seeded) database, mailing through the test SMTP server in Indonesian."""
    from app import create_app

    controller, _inbox = smtp_server
    config = app_config(
        database_url,
        None,
        test_files,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME="",
        BABEL_DEFAULT_LOCALE="id",
    )
    mailing = create_app(config)
    mailing.extensions["rq_queues"] = {}  # jobs run in-process on a thread
    return mailing


def _new_invoice(mail_app):
    from app.billing.invoices import InvoiceDraft, create_invoice
    from app.extensions import db
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug

    with mail_app.app_context(), all_tenants():
        tenant = tenant_by_slug("demo")
        today = date.today()
        draft = InvoiceDraft(
            tenant_id=tenant.id,
            lines=[("Langganan SiLogistik Pro", 1, Decimal(500_000)), ("Modul Label", 2, Decimal(75_000))],
            due_date=today + timedelta(days=14),
            issue_date=today,
        )
        invoice = create_invoice(draft, today=today, actor_id=None)
        db.session.commit()
        return invoice.id, invoice.number, tenant.email


def _translated(mail_app, msgid: str, **values) -> str:
    from flask_babel import force_locale, gettext

    with mail_app.test_request_context(), force_locale("id"):
        return gettext(msgid, **values)


def test_invoice_email_arrives_over_smtp_in_indonesian_with_the_pdf(mail_app, smtp_server):
    _controller, inbox = smtp_server
    invoice_id, number, client_email = _new_invoice(mail_app)
    assert client_email

    staff = login(mail_app, "admin@vendor.test", DEMO_PASSWORD)
    response = staff.post(f"/billing/invoices/{invoice_id}/send")
    assert response.status_code == 302

    rcpt_tos, raw = inbox.received.get(timeout=60)
    message = email.message_from_bytes(raw, policy=policy.default)
    assert rcpt_tos == [client_email]
    assert message["To"] == client_email

    vendor_name = mail_app.config.get("VENDOR_NAME", "PT SiLogistik Teknologi Nusantara")
    expected_subject = _translated(mail_app, "Invoice %(number)s from %(vendor)s", number=number, vendor=vendor_name)
    assert expected_subject != f"Invoice {number} from {vendor_name}"  # the catalogue does translate it
    assert message["Subject"] == expected_subject
    assert message["Subject"].startswith(f"Tagihan {number}")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Yth." in body and "Hormat kami" in body and number in body

    attachments = list(message.iter_attachments())
    assert [part.get_content_type() for part in attachments] == ["application/pdf"]
    assert attachments[0].get_filename() == number.replace("/", "-") + ".pdf"
    assert attachments[0].get_content().startswith(b"%PDF")

    staff_state = _wait_for_sent(staff, invoice_id)
    assert staff_state["state"] == "sent" and staff_state["at"]
    assert inbox.received.empty()  # sent once


def _wait_for_sent(client, invoice_id, timeout=30.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/billing/invoices/{invoice_id}/email-state").json
        if state["state"] != "queued" or time.monotonic() > deadline:
            return state
        time.sleep(0.2)
