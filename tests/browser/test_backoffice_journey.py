"""In Chromium: the vendor admin finds a client under Jatuh Tempo, records a part payment (the invoice then
reads "Dibayar sebagian" with what is left), sends a reminder whose e-mail asks for the outstanding amount,
and upgrades the client's plan with a reason; the Vendor Viewer walks the same pages without a single 403.
Every vendor role walks every back-office page at 1366 and 390 px: no 403, no page wider than the phone.
Screenshots in /tmp/shots/backoffice/."""

import os
import re
import time
import uuid
from datetime import timedelta

import pytest

from tests.browser.test_vendor_billing_journey import billing_server  # noqa: F401  (fixture)
from tests.conftest import DEMO_PASSWORD
from tests.signup.conftest import mails_to

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots/backoffice")


def _late_client(app, name):
    """A Pro client whose invoice of Rp 1.110.000 fell due three days ago: (client id, invoice id, e-mail)."""
    from app.billing import clients
    from app.billing.invoices import InvoiceDraft, create_invoice
    from app.core.formatting import jakarta_today
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        email = f"{uuid.uuid4().hex[:8]}@toko.test"
        profile = clients.ClientProfile(name=name, client_type="umkm", email=email)
        tenant, _user, _password = clients.create_client(profile, plan_code="pro", today=jakarta_today(), actor_id=None)
        issued = jakarta_today() - timedelta(days=17)
        draft = InvoiceDraft(tenant.id, [("Langganan", 1, 1_000_000)], due_date=issued + timedelta(days=14))
        draft.issue_date = issued
        invoice = create_invoice(draft, today=issued, actor_id=None)
        db.session.commit()
        return tenant.id, invoice.id, email


def _login(page, base, email):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base}/")


def _shoot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_admin_collects_a_part_payment_and_upgrades_and_a_viewer_walks_without_403(page, billing_server):  # noqa: F811
    served, port = billing_server
    base = f"http://localhost:{port}"
    name = f"Toko Bangunan Jaya {uuid.uuid4().hex[:6]}"
    tenant_id, invoice_id, email = _late_client(served, name)

    _login(page, base, "admin@vendor.test")
    page.goto(f"{base}/billing/clients/?status=overdue&q={name.replace(' ', '+')}")
    assert name in page.inner_text("#client-list")
    _shoot(page, "admin-clients-overdue")

    page.goto(f"{base}/billing/invoices/{invoice_id}")
    page.fill("#payment-form input[name=amount]", "100000")
    page.click("#payment-form button[type=submit]")
    page.wait_for_selector("#invoice-outstanding")
    assert page.inner_text("#invoice-paid") == "Rp 100.000"
    assert page.inner_text("#invoice-outstanding") == "Rp 1.010.000"
    assert "Dibayar sebagian" in page.inner_text("h2")
    _shoot(page, "admin-invoice-part-paid")

    page.click("#send-button")
    page.wait_for_selector("#email-state[data-state=sent]", timeout=60000)
    reminder = _mail_to(served, email)
    assert reminder["Subject"].startswith("Pengingat pembayaran")
    body = reminder.get_body(("plain",)).get_content()
    assert "Rp 1.010.000" in body and "Rp 100.000" in body  # what is left, after what was received

    page.goto(f"{base}/billing/invoices/?q={name.replace(' ', '+')}")
    assert "Rp 1.010.000" in page.inner_text("#invoice-list")
    _shoot(page, "admin-invoice-list")

    page.goto(f"{base}/billing/clients/{tenant_id}")
    _shoot(page, "admin-client-detail")
    page.select_option("#change-plan-form select[name=plan]", "business")
    page.fill("#change-plan-form input[name=reason]", "Cabang baru dibuka")
    page.click("#change-plan-form button[type=submit]")
    page.wait_for_url(f"{base}/billing/invoices/*")
    assert "upgrade" in page.inner_text("#invoice-lines").lower()
    _shoot(page, "admin-upgrade-invoice")

    page.goto(f"{base}/")
    _shoot(page, "admin-home")
    # The Viewer in a browser of its own: logging the admin out would end every session of the shared demo
    # admin, the other tests' signed-in clients included.
    page = page.context.browser.new_context(locale="id-ID").new_page()
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)

    _login(page, base, "viewer@vendor.test")
    for path, shot in (
        ("/", "viewer-home"),
        ("/billing/clients/?status=overdue", "viewer-clients"),
        (f"/billing/clients/{tenant_id}", "viewer-client-detail"),
        ("/billing/invoices/?status=partial", "viewer-invoices"),
        (f"/billing/invoices/{invoice_id}", "viewer-invoice-detail"),
    ):
        answer = page.goto(f"{base}{path}")
        assert answer.status == 200, path
        _shoot(page, shot)
    assert "change-plan-form" not in page.content()
    assert not [e for e in page.console_errors if "favicon" not in e]


def _mail_to(app, address, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = mails_to(app, address)
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address}")


# Detail pages reached from their list: the first link of each shape.
DETAIL_LINKS = (
    ("/billing/clients/", r"^/billing/clients/\d+$"),
    ("/billing/invoices/", r"^/billing/invoices/\d+$"),
    ("/vendor/tickets/", r"^/vendor/tickets/\d+$"),
    ("/vendor/notifications/", r"^/vendor/notifications/\d+$"),
    ("/vendor/staff/list/", r"^/vendor/staff/show/\d+$"),
    ("/vendor/roles/", r"^/vendor/roles/\d+$"),
)
NOT_WALKED = ("/logout", "/lang/", "/login", "/notifications/")  # the bell opens (and reads) a notification


def _links(page) -> list[str]:
    return page.eval_on_selector_all("a[href^='/']", "links => links.map(link => link.getAttribute('href'))")


def _pages_of(page, base) -> list[str]:
    """Every menu entry the role sees, and one detail page behind each list it may open."""
    page.goto(f"{base}/")
    menu = page.eval_on_selector_all(".navbar a[href^='/']", "links => links.map(link => link.getAttribute('href'))")
    pages = ["/", "/vendor/home/activity", *[href for href in menu if not href.startswith(NOT_WALKED)]]
    for listing, shape in DETAIL_LINKS:
        if listing in pages:
            page.goto(f"{base}{listing}")
            pages += [href for href in _links(page) if re.match(shape, href)][:1]
    return list(dict.fromkeys(pages))


@pytest.mark.parametrize(
    "email", ["admin@vendor.test", "support@vendor.test", "finance@vendor.test", "viewer@vendor.test"]
)
def test_every_vendor_role_walks_every_back_office_page_at_desktop_and_phone_width(browser, billing_server, email):  # noqa: F811
    _served, port = billing_server
    base = f"http://localhost:{port}"
    page = browser.new_context(locale="id-ID").new_page()  # a session of its own: the shared ones stay signed in
    _login(page, base, email)
    role = email.split("@")[0]
    problems = []
    for path in _pages_of(page, base):
        answer = page.goto(f"{base}{path}")
        if answer.status != 200:
            problems.append(f"{answer.status} {path}")
            continue
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        _shoot(page, f"walk-{role}-{name}")
        page.set_viewport_size({"width": 390, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 1:
            problems.append(f"{path} is {wide}px wider than a 390px phone")
        page.set_viewport_size({"width": 1366, "height": 900})
    page.context.close()
    assert problems == []
