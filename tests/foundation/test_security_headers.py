"""Security headers: no other site can frame a page, the Content-Security-Policy names no outside host
and the pages pass it (every inline script carries the response's nonce), HSTS only in production."""

import pytest

from tests.conftest import VENDOR_HOST, app_config, tenant_host
from tests.support.csp import policy, script_problems

DEMO = tenant_host("demo")


def assert_protected(response):
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "'unsafe-inline'" not in csp["script-src"]
    sources = [source for values in csp.values() for source in values]
    assert not [s for s in sources if "://" in s or s in ("*", "http:", "https:")], "an outside host is allowed"
    assert "Strict-Transport-Security" not in response.headers  # development


@pytest.mark.parametrize(
    ("email", "path"),
    [("owner@demo.test", "/shipments/"), ("owner@demo.test", "/shipments/new"), ("admin@vendor.test", "/")],
)
def test_pages_carry_the_headers_and_pass_their_policy(client_as, email, path):
    response = client_as(email).get(path)
    assert response.status_code == 200
    assert_protected(response)
    assert script_problems(response) == []


@pytest.mark.parametrize("host", [VENDOR_HOST, DEMO])
def test_public_login_page_carries_the_headers(anon, host):
    response = anon(host).get("/login/")
    assert response.status_code == 200
    assert_protected(response)
    assert script_problems(response) == []


def test_api_answers_carry_the_headers(api_client):
    response = api_client("owner@demo.test").get("/api/v1/shipments/")
    assert response.status_code == 200
    assert_protected(response)


def test_hsts_in_production_only(app, database_url, redis_url, test_files):
    from app import create_app

    production = create_app(app_config(database_url, redis_url, test_files, APP_ENV="production"))
    secure = production.test_client().get("/login/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = production.test_client().get("/login/", base_url="http://localhost")
    assert plain.status_code == 200, "plain HTTP is not redirected by the app (the router does that)"
    development = app.test_client().get("/login/", base_url="https://localhost")
    assert "Strict-Transport-Security" not in development.headers
