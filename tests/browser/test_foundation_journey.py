"""Sign in on the tenant's subdomain, see the company and the Indonesian menu, switch to English, sign out."""

import pytest

from tests.support.browser import sign_in
from tests.support.users import own_user

pytestmark = pytest.mark.browser


@pytest.fixture()
def owner(app):
    """A Super Admin of its own: signing out ends every session of the user (the demo logins are shared)."""
    with own_user(app, "demo", "Super Admin", "journey") as email:
        yield email


def test_owner_signs_in_switches_language_and_signs_out(page, live_server, owner):
    base = f"http://demo.localhost:{live_server}"
    sign_in(page, base, owner)

    assert page.inner_text("#brand-name") == "PT Demo Kirim Cepat"
    navbar = page.inner_text(".navbar")
    assert "Pengaturan" in navbar and "Keluar" not in navbar  # logout sits in the user menu
    assert "Settings" not in navbar

    with page.expect_navigation():
        page.click("#lang-en")
    assert "Settings" in page.inner_text(".navbar")

    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#logout-link")
    assert "/login/" in page.url
    assert page.console_errors == []


def test_the_whole_tenant_menu_fits_one_line_at_1366_px(browser, live_server):
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 800})
    page = context.new_page()
    sign_in(page, f"http://demo.localhost:{live_server}", "owner@demo.test")
    assert page.eval_on_selector(".navbar", "bar => bar.getBoundingClientRect().height") < 60
    context.close()


def test_the_shipment_list_on_a_phone_is_cards_without_sideways_scrolling(browser, live_server):
    base = f"http://demo.localhost:{live_server}"
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base, "admin@demo.test")
    page.goto(f"{base}/shipments/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator("#shipment-table tbody tr").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    for part in (".col-tracking", ".label", ".btn-view"):  # number, status and actions all on the card
        part_box = card.locator(part).first.bounding_box()
        assert part_box["x"] >= 0 and part_box["x"] + part_box["width"] <= 390, part
    context.close()
