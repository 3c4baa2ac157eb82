"""Midtrans Snap adapter against a local fake Midtrans."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from app.billing.gateways import (
    GatewayError,
    MidtransGateway,
    NotificationRejected,
    UnhandledStatus,
    get_gateway,
)
from app.billing.gateways.midtrans import (
    API_PRODUCTION_URL,
    API_SANDBOX_URL,
    SNAP_PRODUCTION_URL,
    SNAP_SANDBOX_URL,
)
from tests.billing.gateways.fakes import (
    FakeMidtrans,
    midtrans_notification,
    midtrans_signature,
    to_body,
)

KEY = "SB-Mid-server-TEST"
ORDER = "INV-2026-XI-0001-1a3f9c2"


@pytest.fixture
def fake():
    with FakeMidtrans(server_key=KEY) as server:
        yield server


@pytest.fixture
def gw(fake):
    return MidtransGateway(KEY, snap_base_url=fake.base_url, api_base_url=fake.base_url)


def _notify(gw, payload, headers=None):
    return gw.parse_notification(headers or {"Content-Type": "application/json"}, to_body(payload))


# ---------------------------------------------------------------- checkout


def test_create_checkout_request_shape(gw, fake):
    session = gw.create_checkout(
        ORDER, 150000, "Budi Santoso", "budi@example.com", "Langganan SiLogistik Pro - November 2026"
    )
    req = fake.last
    assert (req.method, req.path) == ("POST", "/snap/v1/transactions")
    expected_auth = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert req.headers["authorization"] == expected_auth
    assert req.headers["content-type"] == "application/json"
    assert req.headers["accept"] == "application/json"
    body = req.json
    assert body["transaction_details"] == {"order_id": ORDER, "gross_amount": 150000}
    assert type(body["transaction_details"]["gross_amount"]) is int
    assert body["customer_details"] == {"first_name": "Budi Santoso", "email": "budi@example.com"}
    [item] = body["item_details"]
    assert item["price"] == 150000 and type(item["price"]) is int and item["quantity"] == 1
    assert item["name"] == "Langganan SiLogistik Pro - November 2026"
    assert "callbacks" not in body
    assert session.order_id == ORDER
    assert session.gateway_reference == fake.transactions[ORDER]["token"]
    assert session.redirect_url.endswith("/snap/v4/redirection/" + session.gateway_reference)


def test_create_checkout_long_description_and_finish_url(fake):
    gw = MidtransGateway(
        KEY,
        snap_base_url=fake.base_url,
        api_base_url=fake.base_url,
        finish_url="https://app.silogistik.id/billing/finish",
    )
    gw.create_checkout(ORDER, 99000, "A", "a@example.com", "x" * 200)
    body = fake.last.json
    assert len(body["item_details"][0]["name"]) == 50
    assert body["callbacks"] == {"finish": "https://app.silogistik.id/billing/finish"}


@pytest.mark.parametrize("amount", [150000.0, "150000", 0, -5, True])
def test_create_checkout_rejects_non_int_amount(gw, fake, amount):
    with pytest.raises(ValueError):
        gw.create_checkout(ORDER, amount, "A", "a@example.com", "d")
    assert fake.requests == []


def test_wrong_server_key_is_gateway_error(fake):
    gw = MidtransGateway("SB-Mid-server-WRONG", snap_base_url=fake.base_url, api_base_url=fake.base_url)
    with pytest.raises(GatewayError, match="Access denied") as ei:
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    assert ei.value.status_code == 401 and not ei.value.retryable


def test_duplicate_order_id_is_gateway_error(gw):
    gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    with pytest.raises(GatewayError, match="sudah digunakan") as ei:
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    assert ei.value.status_code == 400


def test_gateway_500_is_retryable_error(gw, fake):
    fake.fail_next(500, {"error_messages": ["Sorry, we encountered internal server error. We will fix this soon."]})
    with pytest.raises(GatewayError, match="internal server error") as ei:
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    assert ei.value.status_code == 500 and ei.value.retryable


def test_gateway_502_html_body_is_error(gw, fake):
    fake.fail_next(502, "<html>Bad Gateway</html>")
    with pytest.raises(GatewayError, match="Bad Gateway") as ei:
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")
    assert ei.value.status_code == 502


def test_non_json_success_is_error(gw, fake):
    fake.fail_next(201, "ok")
    with pytest.raises(GatewayError, match="not JSON"):
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")


def test_snap_success_without_token_is_error(gw, fake):
    fake.fail_next(201, {"redirect_url": "https://x"})
    with pytest.raises(GatewayError, match="token"):
        gw.create_checkout(ORDER, 150000, "A", "a@example.com", "d")


def test_default_hosts():
    sandbox = get_gateway("midtrans", {"MIDTRANS_SERVER_KEY": "k"})
    assert (sandbox.snap_base_url, sandbox.api_base_url) == (SNAP_SANDBOX_URL, API_SANDBOX_URL)
    prod = get_gateway("midtrans", {"MIDTRANS_SERVER_KEY": "k", "MIDTRANS_IS_PRODUCTION": "true"})
    assert (prod.snap_base_url, prod.api_base_url) == (SNAP_PRODUCTION_URL, API_PRODUCTION_URL)
    assert SNAP_SANDBOX_URL == "https://app.sandbox.midtrans.com"
    assert API_PRODUCTION_URL == "https://api.midtrans.com"


# ------------------------------------------------------------ notification


@pytest.mark.parametrize(
    "tstatus,fraud,expected",
    [
        ("settlement", "accept", "paid"),
        ("settlement", None, "paid"),
        ("capture", "accept", "paid"),
        ("capture", "challenge", "pending"),
        ("capture", "deny", "failed"),
        ("capture", None, "pending"),
        ("pending", "accept", "pending"),
        ("authorize", "accept", "pending"),
        ("deny", "deny", "failed"),
        ("cancel", "accept", "failed"),
        ("failure", None, "failed"),
        ("expire", "accept", "expired"),
    ],
)
def test_notification_status_mapping(gw, tstatus, fraud, expected):
    ptype = "credit_card" if tstatus in ("capture", "authorize") else "bank_transfer"
    payload = midtrans_notification(ORDER, tstatus, server_key=KEY, fraud_status=fraud, payment_type=ptype)
    update = _notify(gw, payload)
    assert update.status == expected
    assert update.order_id == ORDER
    assert update.amount == 150000 and type(update.amount) is int
    assert update.gateway_reference == payload["transaction_id"]
    assert (update.paid_at is not None) == (expected == "paid")
    assert update.raw["transaction_status"] == tstatus


def test_notification_paid_at_is_wib_settlement_time(gw):
    update = _notify(
        gw, midtrans_notification(ORDER, "settlement", server_key=KEY, settlement_time="2026-11-03 10:17:05")
    )
    assert update.paid_at == datetime(2026, 11, 3, 3, 17, 5, tzinfo=UTC)
    assert update.paid_at.utcoffset() == timedelta(hours=7)


def test_signature_uses_raw_gross_amount_string(gw):
    payload = midtrans_notification(ORDER, "settlement", server_key=KEY, gross_amount="150000.00")
    assert payload["signature_key"] == midtrans_signature(ORDER, "200", "150000.00", KEY)
    assert _notify(gw, payload).amount == 150000
    # a signature over a re-formatted amount ("150000") must not verify
    payload["signature_key"] = midtrans_signature(ORDER, "200", "150000", KEY)
    with pytest.raises(NotificationRejected) as ei:
        _notify(gw, payload)
    assert ei.value.status_code == 403


def test_signature_verified_on_numbers_as_written(gw):
    # if a sender ever writes numbers unquoted, the signature still covers the text
    sig = midtrans_signature(ORDER, "200", "150000.00", KEY)
    raw = (
        '{"order_id":"' + ORDER + '","status_code":200,"gross_amount":150000.00,'
        '"transaction_status":"settlement","transaction_id":"t-1",'
        '"signature_key":"' + sig + '"}'
    ).encode()
    update = gw.parse_notification({}, raw)
    assert update.status == "paid" and update.amount == 150000


def test_notification_missing_signature_is_401(gw):
    payload = midtrans_notification(ORDER, "settlement", server_key=KEY)
    del payload["signature_key"]
    with pytest.raises(NotificationRejected) as ei:
        _notify(gw, payload)
    assert ei.value.status_code == 401


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1,2]", b"order_id=1&status_code=200"])
def test_notification_unreadable_body_is_401(gw, raw):
    with pytest.raises(NotificationRejected) as ei:
        gw.parse_notification({}, raw)
    assert ei.value.status_code == 401


def test_notification_bad_signature_is_403(gw):
    payload = midtrans_notification(ORDER, "settlement", server_key=KEY, signature_key="0" * 128)
    with pytest.raises(NotificationRejected) as ei:
        _notify(gw, payload)
    assert ei.value.status_code == 403


def test_notification_signed_with_other_key_is_403(gw):
    payload = midtrans_notification(ORDER, "settlement", server_key="SB-Mid-server-OTHER")
    with pytest.raises(NotificationRejected) as ei:
        _notify(gw, payload)
    assert ei.value.status_code == 403


@pytest.mark.parametrize(
    "field,value",
    [
        ("gross_amount", "1000.00"),
        ("order_id", "INV-2026-XI-0002-1000000"),
        ("status_code", "201"),
    ],
)
def test_notification_tampered_signed_field_is_403(gw, field, value):
    payload = midtrans_notification(ORDER, "settlement", server_key=KEY)
    payload[field] = value
    with pytest.raises(NotificationRejected) as ei:
        _notify(gw, payload)
    assert ei.value.status_code == 403


def test_notification_refund_is_unhandled_status(gw):
    payload = midtrans_notification(ORDER, "refund", server_key=KEY)
    with pytest.raises(UnhandledStatus) as ei:
        _notify(gw, payload)
    assert ei.value.order_id == ORDER and ei.value.gateway_status == "refund"


# ------------------------------------------------------------------ status


def test_fetch_status_paid(gw, fake):
    gw.create_checkout(ORDER, 250000, "A", "a@example.com", "d")
    fake.set_transaction(ORDER, "settlement")
    update = gw.fetch_status(ORDER)
    req = fake.last
    assert (req.method, req.path) == ("GET", f"/v2/{ORDER}/status")
    assert req.basic_auth == (KEY, "")
    assert update.status == "paid" and update.amount == 250000
    assert update.gateway_reference == fake.transactions[ORDER]["transaction_id"]


def test_fetch_status_by_reference_uses_transaction_id(gw, fake):
    fake.set_transaction(ORDER, "pending")
    fake.transactions["513f1f01"] = fake.transactions[ORDER]
    update = gw.fetch_status(ORDER, reference="513f1f01")
    assert fake.last.path == "/v2/513f1f01/status"
    assert update.status == "pending" and update.order_id == ORDER


def test_fetch_status_expired_407_is_a_status_not_an_error(gw, fake):
    fake.set_transaction(ORDER, "expire")
    assert fake.transactions[ORDER]["status"]["status_code"] == "407"
    assert gw.fetch_status(ORDER).status == "expired"


def test_fetch_status_unknown_order_is_error(gw, fake):
    # Midtrans answers HTTP 200 with status_code "404" in the body
    with pytest.raises(GatewayError, match="doesn't exist") as ei:
        gw.fetch_status("INV-NOPE-1000000")
    assert ei.value.status_code == 404


def test_fetch_status_500_is_error(gw, fake):
    fake.fail_next(500, {"status_code": "500", "status_message": "Internal Server Error"})
    with pytest.raises(GatewayError) as ei:
        gw.fetch_status(ORDER)
    assert ei.value.status_code == 500 and ei.value.retryable


def test_fetch_status_response_with_bad_amount_is_error(gw, fake):
    fake.set_transaction(ORDER, "settlement", gross_amount="150000.50")
    with pytest.raises(GatewayError, match="non-integral"):
        gw.fetch_status(ORDER)
