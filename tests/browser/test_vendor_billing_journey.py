"""In Chromium, as admin@vendor.test: find a client by search, switch a module off for it, create an
invoice with two items, download its PDF (fetched in the page: %PDF) and send it by e-mail until the
page shows it as sent. No console errors."""

import re
import threading
import uuid
from datetime import date

import pytest
from werkzeug.serving import make_server

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

STAFF = "admin@vendor.test"


@pytest.fixture(scope="module")
def billing_server(app, database_url, test_files):
    """Indonesian, jobs in threads (no Redis) so the PDF and e-mail jobs finish without a worker."""
    from app import create_app
    from tests.conftest import app_config

    served = create_app(app_config(database_url, None, test_files, BABEL_DEFAULT_LOCALE="id"))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield served, server.server_port
    server.shutdown()


def _new_client(app, name):
    """A client of our own (with the shipments module on), so switching modules off touches no shared tenant."""
    from app.billing import clients
    from app.extensions import db
    from app.tenancy.context import all_tenants
    from app.tenancy.services import enabled_modules

    with app.app_context(), all_tenants():
        profile = clients.ClientProfile(name=name, client_type="umkm", email=f"{uuid.uuid4().hex[:10]}@klien.test")
        tenant, _user, _password = clients.create_client(profile, plan_code="free", today=date.today(), actor_id=None)
        db.session.commit()
        assert "shipments" in enabled_modules(tenant.id)
        return tenant.id


def _modules_of(app, tenant_id):
    from app.tenancy.context import all_tenants
    from app.tenancy.services import enabled_modules

    with app.app_context(), all_tenants():
        return set(enabled_modules(tenant_id))


def test_vendor_admin_bills_a_client_end_to_end(page, billing_server):
    served, port = billing_server
    base = f"http://localhost:{port}"
    name = f"UD Sumber Rejeki {uuid.uuid4().hex[:6]}"
    tenant_id = _new_client(served, name)

    sign_in(page, base, STAFF)

    page.goto(f"{base}/billing/clients/")
    page.fill("input[name=q]", name)
    page.click("form.form-inline button[type=submit]")
    page.wait_for_url("**/billing/clients/?q=*")
    rows = page.locator("#client-list tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link", name=name).click()
    page.wait_for_url(f"**/billing/clients/{tenant_id}")

    with page.expect_navigation():  # back to the same URL: waiting for it would not wait for the new page
        page.click("#modules button[data-module=shipments]")
    page.wait_for_url(f"**/billing/clients/{tenant_id}**")
    assert page.inner_text("#modules button[data-module=shipments]").strip() == "Aktifkan"
    assert "shipments" not in _modules_of(served, tenant_id)

    page.goto(f"{base}/billing/invoices/new")
    page.select_option("#tenant_id", str(tenant_id))
    page.fill("#due_date", date.today().replace(year=date.today().year + 1, month=1, day=15).isoformat())
    items = [("Langganan Pro Maret", "1", "500000"), ("Modul Label Tambahan", "3", "75000")]
    for row, (description, quantity, price) in zip(page.locator("#lines tbody tr").all(), items, strict=True):
        row.locator("input[name=description]").fill(description)
        row.locator("input[name=quantity]").fill(quantity)
        row.locator("input[name=unit_price]").fill(price)
    page.click("#invoice-form button[type=submit]")
    page.wait_for_url(re.compile(r"/billing/invoices/\d+$"))
    lines = page.inner_text("#invoice-lines")
    assert "Langganan Pro Maret" in lines and "Modul Label Tambahan" in lines

    page.click("#pdf-button")
    page.wait_for_selector("#pdf-download", timeout=60000)
    head = page.evaluate(
        """async () => {
            const response = await fetch(document.getElementById('pdf-download').href, {credentials: 'same-origin'});
            const bytes = new Uint8Array(await response.arrayBuffer());
            return [response.status, response.headers.get('content-type'), String.fromCharCode(...bytes.slice(0, 4))];
        }"""
    )
    assert head == [200, "application/pdf", "%PDF"]

    page.click("#send-button")
    page.wait_for_selector("#email-state[data-state=sent]", timeout=60000)
    assert "Email terkirim" in page.inner_text("#email-state")

    # The sent invoice turns out wrong: it is cancelled by a credit note, after a confirmation.
    page.fill("#credit-note-form input[name=reason]", "Salah paket")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#credit-note-form button[type=submit]")
    page.wait_for_selector("#credit-note-details")
    assert "Salah paket" in page.inner_text("#credit-note-details")
    assert page.locator("#send-button").count() == 0 and page.locator("#payment-form").count() == 0
    page.click("#credit-note-pdf-button")
    page.wait_for_selector("#pdf-download", timeout=60000)
    disposition = page.evaluate(
        """async () => (await fetch(document.getElementById('pdf-download').href, {credentials: 'same-origin'}))
            .headers.get('content-disposition')"""
    )
    assert "CN-" in disposition
    assert page.console_errors == []
