"""The customer book in Chromium: an Admin adds a customer, then picks it on the new-shipment form and the
sender fills in; the book as each role sees it at 1366 and 390 px. Screenshots go to SHOTS (looked at by hand)."""

import os
from pathlib import Path

import pytest

from tests.browser.test_shipment_journey import choose_city
from tests.browser.test_team_journey import DESKTOP, PHONE, _scrolls_sideways, _sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CUSTOMER_SHOTS", "/tmp/shots/customers"))
ROLES = ("Super Admin", "Admin", "Marketing", "Viewer")


def _tenant_with_roles(app) -> tuple[str, dict]:
    from app.extensions import db
    from tests.support.factories import create_customer, create_tenant, create_user

    with app.app_context():
        tenant = create_tenant(plan="business")
        emails = {"Super Admin": tenant.email}
        for role in ROLES[1:]:
            emails[role] = create_user(tenant, role=role, first_name=role.split()[0], last_name="Uji").email
        db.session.commit()
        create_customer(tenant, name="Toko Lama", city="31.71")  # looked after by nobody: not Marketing's
        db.session.commit()
        return tenant.slug, emails


def _signed_in(browser, base, email, errors):
    page = _sign_in(browser, base, email, DESKTOP)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return page


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_adds_a_customer_and_picks_it_as_the_sender(app, browser, live_server):
    slug, emails = _tenant_with_roles(app)
    base = f"http://{slug}.localhost:{live_server}"
    errors = []
    admin = _signed_in(browser, base, emails["Admin"], errors)
    admin.goto(f"{base}/customers/")
    admin.click("#btn-add-customer")
    admin.fill("#name", "Toko Sentosa")
    admin.fill("#phone", "0812 7777 8888")
    admin.fill("#address", "Jl. Braga No. 5")
    choose_city(admin, "city", "Bandung", "Kota Bandung")
    admin.select_option("#marketing_id", label="Marketing Uji")
    admin.click("#btn-customer-save")
    admin.wait_for_selector("#customer-table")
    row = admin.inner_text("#customer-table")
    assert "Toko Sentosa" in row and "0812-7777-8888" in row and "Kota Bandung" in row and "Marketing Uji" in row

    admin.goto(f"{base}/shipments/new")
    assert admin.is_visible("#group-save-customer")
    admin.click("#customer_id + .select2-container .select2-selection")
    admin.locator(".select2-container--open .select2-search__field").type("Sentosa", delay=20)
    option = admin.locator(".select2-results__option", has_text="Toko Sentosa").first
    option.wait_for()
    option.click()
    assert admin.input_value("#sender_name") == "Toko Sentosa"
    assert admin.input_value("#sender_phone") == "0812-7777-8888"
    assert admin.input_value("#sender_address") == "Jl. Braga No. 5"
    assert "Kota Bandung" in admin.inner_text("#select2-sender_city-container")
    assert admin.inner_text("#marketing_id option:checked") == "Marketing Uji"
    assert not admin.is_visible("#group-save-customer")  # the sender is in the book already
    _shot(admin, "shipment-form-picked-1366")
    admin.set_viewport_size(PHONE)
    _shot(admin, "shipment-form-picked-390")

    for role in ROLES:
        page = admin if role == "Admin" else _signed_in(browser, base, emails[role], errors)
        for name, viewport in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            page.goto(f"{base}/customers/")
            text = page.inner_text("#customer-table")
            assert "Toko Sentosa" in text
            assert ("Toko Lama" in text) == (role != "Marketing")
            assert page.is_visible("#btn-add-customer") == (role in ("Super Admin", "Admin"))
            assert not _scrolls_sideways(page)
            _shot(page, f"list-{role.lower().replace(' ', '-')}-{name}")
        page.click("#customer-table a:has-text('Toko Sentosa')")
        page.wait_for_selector("#customer-detail")
        _shot(page, f"detail-{role.lower().replace(' ', '-')}-390")
        assert errors == [], errors
