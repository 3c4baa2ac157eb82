"""In Chromium: register, read the OTP from the captured e-mail, choose Pro, pay in the sandbox, land on
the new company's own address signed in, see the plan on the subscription page and upgrade it there."""

import threading

import pytest
from werkzeug.serving import make_server

from tests.signup.conftest import latest_code, new_identity

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def threaded_server(app, database_url, test_files):
    """Jobs in threads (no Redis), so OTP mail and checkout creation need no worker."""
    from app import create_app
    from tests.conftest import app_config

    served = create_app(app_config(database_url, None, test_files))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield served, server.server_port
    server.shutdown()


def test_register_pay_in_sandbox_and_land_on_the_new_tenant(page, threaded_server):
    served, port = threaded_server
    identity = new_identity("br")
    page.goto(f"http://localhost:{port}/daftar/")
    page.fill("#full_name", identity["full_name"])
    page.fill("#company_name", identity["company_name"])
    page.fill("#email", identity["email"])
    page.fill("#password", identity["password"])
    page.fill("#slug", identity["slug"])
    page.click("button[type=submit]")
    page.wait_for_url("**/daftar/otp")
    page.fill("#code", latest_code(served, identity["email"]))
    page.click("form:not([action]) button[type=submit]")
    page.wait_for_url("**/daftar/plan")
    page.click("button[value=pro]")
    page.wait_for_url("**/payments/sandbox/**", timeout=20000)
    page.click("#sandbox-pay")
    page.wait_for_url(f"http://{identity['slug']}.localhost:{port}/", timeout=20000)
    page.goto(f"http://{identity['slug']}.localhost:{port}/langganan/")
    assert page.inner_text("#plan-name") == "Pro"
    assert "expired-banner" not in page.content()
    # The Super Admin upgrades from the same page: prorated invoice, the same sandbox checkout.
    options = page.inner_text("#plan-options")
    assert "Business" in options and "Free" in options
    page.click("#plan-options button[value=business]")
    page.wait_for_url("**/payments/sandbox/**", timeout=20000)
    page.click("#sandbox-pay")
    page.wait_for_url(f"http://{identity['slug']}.localhost:{port}/langganan/", timeout=20000)
    assert page.inner_text("#plan-name") == "Business"


def test_a_late_slug_suggestion_is_not_joined_to_what_the_user_types(page, threaded_server):
    _, port = threaded_server
    held = []
    page.route("**/daftar/suggest*", lambda route: held.append(route))
    page.goto(f"http://localhost:{port}/daftar/")
    page.fill("#company_name", "PT Lambat Sekali")
    page.focus("#slug")  # the company field's change event asks for a suggestion; it is held back
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    held[0].fulfill(json={"slug": "pt-lambat-sekali"})  # it lands while the user is in the slug field
    page.wait_for_timeout(300)
    page.keyboard.type("lambat")
    assert page.input_value("#slug") == "lambat"
