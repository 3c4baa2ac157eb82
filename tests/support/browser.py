"""A Chromium page signing in as a user does: the sign-in form, then the home page of that host."""

from tests.conftest import DEMO_PASSWORD


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base}/")
