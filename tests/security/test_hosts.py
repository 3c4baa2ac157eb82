"""Only BASE_DOMAIN and <slug>.<BASE_DOMAIN> are served; /health answers on any host."""

import pytest

from tests.conftest import DEMO_PASSWORD, client_on

UNKNOWN = [
    "http://evil.com",
    "http://127.0.0.1",
    "http://a.demo.localhost",
    "http://localhost.evil.com",
    "http://evil.com:5000",
]


@pytest.mark.parametrize("host", UNKNOWN)
@pytest.mark.parametrize("path", ["/", "/login/", "/dashboard/", "/daftar/", "/no-such-page"])
def test_an_unknown_host_is_refused_and_never_echoed(app, host, path):
    response = client_on(app, host).get(path)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert host.split("//")[1] not in response.get_data(as_text=True)


def test_signing_in_on_an_unknown_host_is_refused(app):
    response = client_on(app, "http://evil.com").post(
        "/login/", data={"username": "admin@vendor.test", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 400 and "Location" not in response.headers


@pytest.mark.parametrize(
    "host", ["http://localhost", "http://localhost:5000", "http://demo.localhost", "http://demo.localhost:5000"]
)
def test_the_base_domain_and_tenant_subdomains_are_served(app, host):
    response = client_on(app, host).get("/login/")
    assert response.status_code == 200
    signed_in = client_on(app, host).post("/login/", data={"username": "viewer@demo.test", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.parametrize("host", ["http://10.1.2.3", "http://evil.com", "http://localhost"])
def test_health_answers_on_any_host(app, host):
    response = client_on(app, host).get("/health")
    assert response.status_code == 200 and response.json["database"] == "ok"
