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
