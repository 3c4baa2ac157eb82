"""`next=` and other targets named by the request keep the browser on this site."""

from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import DEMO_PASSWORD, client_on, login, tenant_host

HOST = tenant_host("demo")

HOSTILE = [
    "http://evil.com/",
    "https://evil.com",
    "//evil.com",
    "//evil.com/%2F..",
    "///evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "https:evil.com",
    "http:/evil.com",
    "https:/\\evil.com",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://localhost@evil.com/",
    "http://demo.localhost@evil.com/",
    "http://evil.com\\.localhost/",
    "http://evil.com#.localhost",
    "http://evil.com?.localhost",
    "http://demo.localhost.evil.com/",
    "http://localhost:5000/",  # another port on the host: another program
    "/\t/evil.com",
    "/\n/evil.com",
    " //evil.com",
    "%2F%2Fevil.com",
    "/%2F/evil.com",
    "/%5Cevil.com",
    "%252F%252Fevil.com",
    "http://%65vil.com/",
]

SAME_SITE = ["/dashboard/", "/shipments/?q=a%20b", "http://demo.localhost/dashboard/", "http://localhost/login/"]


def _stays_here(location: str) -> bool:
    if location.startswith("/"):
        return not location.startswith(("//", "/\\"))
    parts = urlsplit(location)
    return parts.scheme in ("http", "https") and parts.netloc in ("localhost", "demo.localhost")


@pytest.mark.parametrize("target", HOSTILE)
def test_login_never_sends_the_browser_elsewhere(app, target):
    client = client_on(app, HOST)
    url = "/login/?next=" + quote(target, safe="")
    response = client.post(url, data={"username": "viewer@demo.test", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and _stays_here(response.headers["Location"]), response.headers["Location"]
    assert "evil" not in response.headers["Location"]
    # signed in already: the login page redirects at once
    again = client.get(url)
    assert again.status_code == 302 and "evil" not in again.headers["Location"]
    # a wrong password sends back to the login page, without the hostile target
    wrong = client_on(app, HOST).post(url, data={"username": "viewer@demo.test", "password": "Salah#Sandi1"})
    assert "evil" not in wrong.headers["Location"]


@pytest.mark.parametrize("target", SAME_SITE)
def test_login_follows_targets_on_this_site(app, target):
    client = client_on(app, HOST)
    response = client.post(
        "/login/?next=" + quote(target, safe=""), data={"username": "viewer@demo.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == target


def test_a_page_asked_for_before_signing_in_is_shown_after(app):
    client = client_on(app, HOST)
    asked = client.get("/dashboard/")
    assert asked.status_code == 302
    response = client.post(asked.headers["Location"], data={"username": "viewer@demo.test", "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "http://demo.localhost/dashboard/"


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "http://evil.com/"])
def test_the_status_form_goes_back_only_to_this_site(app, target):
    admin = login(app, "admin@demo.test")
    response = admin.post("/shipment-status/update", data={"ids": "0", "status": "", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/shipments/"
