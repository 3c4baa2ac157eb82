"""Development sandbox gateway."""

import json

import pytest

from app.billing.gateways import (
    GatewayError,
    NotificationRejected,
    SandboxGateway,
    get_gateway,
)
from app.billing.gateways import sandbox as sandbox_module
from tests.billing.gateways.fakes import sandbox_notification

SECRET = "dev-secret-key"
ORDER = "INV-2026-XI-0001-1a3f9c2"


@pytest.fixture(autouse=True)
def _clean_registry():
    sandbox_module._reset_registry()
    yield
    sandbox_module._reset_registry()


@pytest.fixture
def gw():
    return get_gateway("sandbox", {"ENV": "development", "SECRET_KEY": SECRET})


@pytest.mark.parametrize("env", [None, "", "development", "testing", "staging"])
def test_builds_outside_production(env):
    cfg = {"ENV": env, "APP_ENV": env, "IS_PRODUCTION": False, "SECRET_KEY": SECRET}
    assert isinstance(get_gateway("sandbox", cfg), SandboxGateway)


@pytest.mark.parametrize(
    "cfg",
    [
        {"ENV": "production"},
        {"APP_ENV": "production"},  # what the app's config.py sets
        {"FLASK_ENV": "Production"},
        {"IS_PRODUCTION": True},
        {"IS_PRODUCTION": "true"},
        {"APP_ENV": "development", "IS_PRODUCTION": True},
    ],
)
def test_refuses_production(cfg):
    with pytest.raises(GatewayError, match="production"):
        get_gateway("sandbox", {**cfg, "SECRET_KEY": SECRET})


def test_create_checkout_local_url(gw):
    session = gw.create_checkout(ORDER, 150000, "Budi", "budi@example.com", "Pro plan")
    assert session.redirect_url == f"/payments/sandbox/{ORDER}"
    assert session.order_id == ORDER and session.gateway_reference.startswith("sbx_")
    assert gw.fetch_status(ORDER).status == "pending"


def test_custom_prefix():
    gw = get_gateway("sandbox", {"SECRET_KEY": SECRET, "SANDBOX_CHECKOUT_PREFIX": "/dev/pay/"})
    assert gw.create_checkout(ORDER, 1, "A", "a@x.id", "d").redirect_url == f"/dev/pay/{ORDER}"


def test_create_checkout_rejects_float_amount(gw):
    with pytest.raises(ValueError):
        gw.create_checkout(ORDER, 1.5, "A", "a@x.id", "d")


@pytest.mark.parametrize("status", ["paid", "pending", "failed", "expired"])
def test_round_trip_every_status(gw, status):
    session = gw.create_checkout(ORDER, 150000, "A", "a@x.id", "d")
    headers, body = gw.build_notification(ORDER, status)
    update = gw.parse_notification(headers, body)
    assert update.status == status and update.amount == 150000
    assert update.gateway_reference == session.gateway_reference
    assert (update.paid_at is not None) == (status == "paid")
    assert gw.fetch_status(ORDER).status == status


def test_signature_is_hmac_sha256_of_body(gw):
    headers, body = sandbox_notification(SECRET, ORDER, "paid", 99000)
    update = gw.parse_notification(headers, body)
    assert (update.status, update.amount, update.order_id) == ("paid", 99000, ORDER)


def test_missing_signature_is_401(gw):
    _, body = gw.build_notification(ORDER, "paid", 1000)
    with pytest.raises(NotificationRejected) as ei:
        gw.parse_notification({"Content-Type": "application/json"}, body)
    assert ei.value.status_code == 401


def test_bad_signature_is_403(gw):
    headers, body = sandbox_notification("another-secret", ORDER, "paid", 1000)
    with pytest.raises(NotificationRejected) as ei:
        gw.parse_notification(headers, body)
    assert ei.value.status_code == 403


def test_tampered_body_is_403(gw):
    headers, body = gw.build_notification(ORDER, "failed", 1000)
    forged = json.dumps({**json.loads(body), "status": "paid"}).encode()
    with pytest.raises(NotificationRejected) as ei:
        gw.parse_notification(headers, forged)
    assert ei.value.status_code == 403


def test_fetch_status_unknown_order(gw):
    with pytest.raises(GatewayError):
        gw.fetch_status("INV-NOPE-1000000")


def test_build_notification_unknown_order_needs_amount(gw):
    with pytest.raises(GatewayError):
        gw.build_notification("INV-NOPE-1000000", "paid")
    with pytest.raises(ValueError):
        gw.build_notification(ORDER, "refunded", 1000)
