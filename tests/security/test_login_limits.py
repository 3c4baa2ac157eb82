"""Wrong passwords are limited per client address (as the trusted router reports it) and per account, on the
sign-in page and the API's token login; with Redis unreachable signing in still works."""

import pytest

from tests.conftest import DEMO_PASSWORD, app_config, client_on, tenant_host

HOST = tenant_host("demo")
ROUTER_SAW = "203.0.113.7"


@pytest.fixture()
def limited(app, database_url, test_files):
    """The app behind one proxy hop (the PaaS router), with small caps; `app` has seeded the database."""
    from app import create_app

    config = app_config(
        database_url,
        None,
        test_files,
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMITED=True,
        AUTH_RATE_LIMIT="1000 per minute",
        AUTH_FAILURES_PER_ADDRESS="5 per hour",
        AUTH_FAILURES_PER_ACCOUNT="3 per hour",
        PROXY_FIX_HOPS=1,
    )
    return create_app(config)


def _via_router(client_address: str, forged: str | None = None) -> dict:
    """X-Forwarded-For as the router passes it on: whatever the client sent, then the address it saw."""
    return {"X-Forwarded-For": f"{forged}, {client_address}" if forged else client_address}


def _web_login(app, username, password, headers):
    return client_on(app, HOST).post("/login/", data={"username": username, "password": password}, headers=headers)


def _api_login(app, username, password, headers):
    body = {"username": username, "password": password, "provider": "db"}
    return client_on(app, HOST).post("/api/v1/security/login", json=body, headers=headers)


@pytest.mark.parametrize("attempt", [_web_login, _api_login])
def test_forged_forwarded_for_values_do_not_lift_the_address_limit(limited, attempt):
    codes = [
        attempt(
            limited, f"nobody-{i}@demo.test", "Salah#Sandi1", _via_router(ROUTER_SAW, f"198.51.100.{i}")
        ).status_code
        for i in range(6)
    ]
    assert 429 not in codes[:5] and codes[5] == 429
    refused = attempt(limited, "owner@demo.test", DEMO_PASSWORD, _via_router(ROUTER_SAW, "192.0.2.200"))
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_the_api_answers_the_limit_in_json(limited):
    for i in range(5):
        _api_login(limited, f"nobody-{i}@demo.test", "Salah#Sandi1", _via_router(ROUTER_SAW))
    response = _api_login(limited, "owner@demo.test", "Salah#Sandi1", _via_router(ROUTER_SAW))
    assert response.status_code == 429 and response.json["message"].startswith("Too many attempts")


@pytest.mark.parametrize("attempt", [_web_login, _api_login])
def test_the_account_limit_holds_across_addresses(limited, attempt):
    for i in range(3):
        assert attempt(limited, "owner@demo.test", "Salah#Sandi1", _via_router(f"198.51.100.{i}")).status_code in (
            302,
            401,
        )
    # from yet another address, even the right password is refused while the account is capped
    assert attempt(limited, "OWNER@demo.test ", DEMO_PASSWORD, _via_router("198.51.100.99")).status_code == 429
    # another account from an address that failed is not affected
    assert attempt(limited, "admin@demo.test", DEMO_PASSWORD, _via_router("198.51.100.0")).status_code in (302, 200)


def test_signing_in_works_with_redis_unreachable(app, database_url, test_files):
    from app import create_app

    closed = "redis://127.0.0.1:6390/0"
    config = app_config(
        database_url,
        closed,
        test_files,
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMITED=True,
        RATELIMIT_STORAGE_URI=closed,
        AUTH_FAILURES_PER_ACCOUNT="2 per hour",
    )
    down = create_app(config)
    assert client_on(down, HOST).get("/login/").status_code == 200
    browser = client_on(down, HOST)
    response = browser.post("/login/", data={"username": "owner@demo.test", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/login/" not in response.headers["Location"]
    assert _api_login(down, "owner@demo.test", DEMO_PASSWORD, {}).status_code == 200
    # still limited, counted in the process meanwhile
    codes = [_web_login(down, "viewer@demo.test", "Salah#Sandi1", {}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
