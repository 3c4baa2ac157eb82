"""Xendit Invoice v2 adapter against a local fake Xendit."""

import base64
import json
from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import Headers

from app.billing.gateways import (
    GatewayError,
    NotificationRejected,
    UnhandledStatus,
    XenditGateway,
    get_gateway,
)
from app.billing.gateways.xendit import API_BASE_URL
from tests.billing.gateways.fakes import FakeXendit, to_body, xendit_invoice_callback

KEY = "xnd_development_TEST"
TOKEN = "cb-verification-token-TEST"
ORDER = "INV-2026-XI-0001-1a3f9c2"


@pytest.fixture
def fake():
    with FakeXendit(secret_key=KEY) as server:
        yield server


@pytest.fixture
def gw(fake):
    return XenditGateway(
        KEY,
        TOKEN,
        base_url=fake.base_url,
        success_redirect_url="https://app.silogistik.id/billing/ok",
        failure_redirect_url="https://app.silogistik.id/billing/fail",
    )


def _cb(gw, payload, token=TOKEN, header="x-callback-token"):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers[header] = token
    return gw.parse_notification(headers, to_body(payload))


# ---------------------------------------------------------------- checkout


def test_create_checkout_request_shape(gw, fake):
    session = gw.create_checkout(
        ORDER, 150000, "Budi Santoso", "budi@example.com", "Langganan SiLogistik Pro - November 2026"
    )
    req = fake.last
    assert (req.method, req.path) == ("POST", "/v2/invoices")
    assert req.headers["authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert req.headers["content-type"] == "application/json"
    body = req.json
    assert body["external_id"] == ORDER
    assert body["amount"] == 150000 and type(body["amount"]) is int
    assert body["payer_email"] == "budi@example.com"
    assert body["description"] == "Langganan SiLogistik Pro - November 2026"
    assert body["success_redirect_url"] == "https://app.silogistik.id/billing/ok"
    assert body["failure_redirect_url"] == "https://app.silogistik.id/billing/fail"
    assert body["currency"] == "IDR"
    assert body["customer"] == {"given_names": "Budi Santoso", "email": "budi@example.com"}
    inv = fake.invoice_for(ORDER)
    assert session.gateway_reference == inv["id"]
    assert session.redirect_url == inv["invoice_url"]
    assert session.raw["status"] == "PENDING"


def test_create_checkout_minimal_config(fake):
    gw = get_gateway(
        "xendit",
        {
            "XENDIT_SECRET_KEY": KEY,
            "XENDIT_CALLBACK_TOKEN": TOKEN,
            "XENDIT_API_BASE_URL": fake.base_url,
            "XENDIT_INVOICE_DURATION": "86400",
        },
    )
    gw.create_checkout(ORDER, 75000, "", "a@example.com", "d")
    body = fake.last.json
    assert "success_redirect_url" not in body and "failure_redirect_url" not in body
    assert body["invoice_duration"] == 86400
    assert body["customer"] == {"email": "a@example.com"}


def test_default_base_url():
    gw = XenditGateway("k", "t")
    assert gw.base_url == API_BASE_URL == "https://api.xendit.co"


@pytest.mark.parametrize("amount", [150000.0, "150000", 0, None])
def test_create_checkout_rejects_non_int_amount(gw, fake, amount):
    with pytest.raises(ValueError):
        gw.create_checkout(ORDER, amount, "A", "a@example.com", "d")
    assert fake.requests == []


def test_wrong_secret_key_is_gateway_error(fake):
    gw = XenditGateway("xnd_development_WRONG", TOKEN, base_url=fake.base_url)
    with pytest.raises(GatewayError, match="INVALID_API_KEY") as ei:
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    assert ei.value.status_code == 401


def test_validation_error_carries_xendit_message(gw, fake):
    fake.fail_next(400, {"error_code": "API_VALIDATION_ERROR", "message": '"payer_email" must be a valid email'})
    with pytest.raises(GatewayError, match="API_VALIDATION_ERROR.*payer_email") as ei:
        gw.create_checkout(ORDER, 150000, "A", "not-an-email", "d")
    assert ei.value.status_code == 400 and not ei.value.retryable
    assert ei.value.payload["error_code"] == "API_VALIDATION_ERROR"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_are_retryable(gw, fake, status):
    fake.fail_next(status, {"error_code": "SERVER_ERROR", "message": "boom"})
    with pytest.raises(GatewayError, match="boom") as ei:
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    assert ei.value.status_code == status and ei.value.retryable


def test_success_without_invoice_url_is_error(gw, fake):
    fake.fail_next(200, {"id": "abc", "status": "PENDING"})
    with pytest.raises(GatewayError, match="invoice_url"):
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")


# ---------------------------------------------------------------- callback


@pytest.mark.parametrize(
    "xstatus,expected",
    [
        ("PAID", "paid"),
        ("SETTLED", "paid"),
        ("PENDING", "pending"),
        ("EXPIRED", "expired"),
    ],
)
def test_callback_status_mapping(gw, xstatus, expected):
    payload = xendit_invoice_callback(ORDER, xstatus, 150000, invoice_id="62f00ac409accd62c85673c4")
    update = _cb(gw, payload)
    assert update.status == expected
    assert update.order_id == ORDER
    assert update.gateway_reference == "62f00ac409accd62c85673c4"
    assert update.amount == 150000 and type(update.amount) is int
    assert (update.paid_at is not None) == (expected == "paid")


def test_callback_amount_prefers_paid_amount(gw):
    update = _cb(gw, xendit_invoice_callback(ORDER, "PAID", 150000, paid_amount=149000))
    assert update.amount == 149000


def test_callback_amount_falls_back_to_amount(gw):
    payload = xendit_invoice_callback(ORDER, "PAID", 150000)
    del payload["paid_amount"]
    assert _cb(gw, payload).amount == 150000


def test_callback_float_amount_from_json(gw):
    raw = (
        json.dumps(xendit_invoice_callback(ORDER, "PAID", 150000))
        .replace('"paid_amount": 150000', '"paid_amount": 150000.0')
        .encode()
    )
    assert b'"paid_amount": 150000.0' in raw
    assert gw.parse_notification({"x-callback-token": TOKEN}, raw).amount == 150000


def test_callback_paid_at_is_utc(gw):
    update = _cb(gw, xendit_invoice_callback(ORDER, "PAID", paid_at="2026-11-03T03:17:05.534Z"))
    assert update.paid_at == datetime(2026, 11, 3, 3, 17, 5, 534000, tzinfo=UTC)


def test_callback_missing_token_is_401(gw):
    with pytest.raises(NotificationRejected) as ei:
        _cb(gw, xendit_invoice_callback(ORDER), token=None)
    assert ei.value.status_code == 401


@pytest.mark.parametrize("token", ["wrong", TOKEN + "x", TOKEN[:-1], " " + TOKEN])
def test_callback_wrong_token_is_403(gw, token):
    with pytest.raises(NotificationRejected) as ei:
        _cb(gw, xendit_invoice_callback(ORDER), token=token)
    assert ei.value.status_code == 403


def test_callback_token_header_case_insensitive(gw):
    assert _cb(gw, xendit_invoice_callback(ORDER), header="X-CALLBACK-TOKEN").status == "paid"
    headers = Headers([("X-Callback-Token", TOKEN)])
    assert gw.parse_notification(headers, to_body(xendit_invoice_callback(ORDER))).status == "paid"


def test_callback_token_checked_before_body(gw):
    with pytest.raises(NotificationRejected):
        gw.parse_notification({"x-callback-token": "wrong"}, b"garbage")
    with pytest.raises(GatewayError, match="not JSON"):
        gw.parse_notification({"x-callback-token": TOKEN}, b"garbage")


def test_callback_unknown_status_is_unhandled(gw):
    with pytest.raises(UnhandledStatus) as ei:
        _cb(gw, xendit_invoice_callback(ORDER, "REFUNDED"))
    assert ei.value.order_id == ORDER and ei.value.gateway_status == "REFUNDED"


# ------------------------------------------------------------------ status


def test_fetch_status_by_reference(gw, fake):
    session = gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    fake.set_invoice_status(session.gateway_reference, "PAID")
    update = gw.fetch_status(ORDER, reference=session.gateway_reference)
    req = fake.last
    assert (req.method, req.path) == ("GET", f"/v2/invoices/{session.gateway_reference}")
    assert req.basic_auth == (KEY, "")
    assert update.status == "paid" and update.amount == 150000 and update.paid_at


def test_fetch_status_by_external_id(gw, fake):
    gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    gw.create_checkout("INV-OTHER-1aaaaaa", 5000, "A", "a@example.com", "d")
    update = gw.fetch_status(ORDER)
    assert fake.last.path == "/v2/invoices"
    assert fake.last.query == {"external_id": [ORDER]}
    assert update.status == "pending" and update.order_id == ORDER
    fake.set_invoice_status(fake.invoice_for(ORDER)["id"], "EXPIRED")
    assert gw.fetch_status(ORDER).status == "expired"


def test_fetch_status_by_external_id_not_found(gw):
    with pytest.raises(GatewayError, match="no invoice") as ei:
        gw.fetch_status("INV-NOPE-1000000")
    assert ei.value.status_code == 404


def test_fetch_status_unknown_reference(gw):
    with pytest.raises(GatewayError, match="INVOICE_NOT_FOUND_ERROR") as ei:
        gw.fetch_status(ORDER, reference="000000000000000000000000")
    assert ei.value.status_code == 404


def test_fetch_status_500_is_error(gw, fake):
    fake.fail_next(500, "Internal Server Error")
    with pytest.raises(GatewayError) as ei:
        gw.fetch_status(ORDER, reference="abc")
    assert ei.value.status_code == 500 and ei.value.retryable
