"""Shared gateway plumbing: order ids, factory, value types, HTTP errors."""

import re
import time

import pytest
from werkzeug.datastructures import Headers

from app.billing.gateways import (
    CheckoutSession,
    GatewayError,
    MidtransGateway,
    NotificationRejected,
    PaymentGateway,
    PaymentUpdate,
    SandboxGateway,
    XenditGateway,
    get_gateway,
    new_order_id,
)
from app.billing.gateways.base import get_header, to_int_amount
from tests.billing.gateways.fakes import FakeServer

ORDER_ID_RE = re.compile(r"^[A-Za-z0-9._~-]{1,50}$")


def test_new_order_id_sanitises_invoice_number():
    oid = new_order_id("INV/2026/XI/0001", 1)
    assert re.fullmatch(r"INV-2026-XI-0001-1[0-9a-f]{6}", oid), oid


def test_new_order_id_unique_across_attempts_and_calls():
    ids = {new_order_id("INV/2026/XI/0001", a) for a in range(1, 6) for _ in range(20)}
    assert len(ids) == 100


@pytest.mark.parametrize(
    "number",
    [
        "INV/2026/XI/" + "9" * 80,
        "  faktur #12 (revisi) ",
        "",
        "////",
        "Ünïcödé-№5",
    ],
)
def test_new_order_id_always_valid_and_short(number):
    oid = new_order_id(number, 12)
    assert ORDER_ID_RE.match(oid), oid
    assert len(oid) <= 50


@pytest.mark.parametrize("attempt", [-1, "1", 1.0, True])
def test_new_order_id_rejects_bad_attempt(attempt):
    with pytest.raises(ValueError):
        new_order_id("INV-1", attempt)


def test_factory_builds_each_gateway():
    cfg = {
        "ENV": "development",
        "SECRET_KEY": "dev-secret",
        "MIDTRANS_SERVER_KEY": "SB-Mid-server-x",
        "XENDIT_SECRET_KEY": "xnd_development_x",
        "XENDIT_CALLBACK_TOKEN": "cb-token",
    }
    mt = get_gateway("midtrans", cfg)
    xd = get_gateway("Xendit", cfg)
    sb = get_gateway("sandbox", cfg)
    assert isinstance(mt, MidtransGateway) and isinstance(xd, XenditGateway)
    assert isinstance(sb, SandboxGateway)
    for gw in (mt, xd, sb):
        assert isinstance(gw, PaymentGateway)


def test_factory_unknown_gateway():
    with pytest.raises(GatewayError, match="unknown payment gateway"):
        get_gateway("paypal", {})


@pytest.mark.parametrize(
    "name,cfg",
    [
        ("midtrans", {}),
        ("xendit", {"XENDIT_SECRET_KEY": "k"}),  # callback token missing
        ("xendit", {"XENDIT_CALLBACK_TOKEN": "t"}),  # secret key missing
        ("sandbox", {"ENV": "development"}),  # SECRET_KEY missing
    ],
)
def test_factory_requires_credentials(name, cfg):
    with pytest.raises(GatewayError):
        get_gateway(name, cfg)


@pytest.mark.parametrize("env", ["production", "Production", "prod"])
def test_sandbox_refused_in_production(env):
    with pytest.raises(GatewayError, match="production"):
        get_gateway("sandbox", {"ENV": env, "SECRET_KEY": "s"})


def test_value_types_validate():
    with pytest.raises(ValueError):
        PaymentUpdate("o", "refunded", 1, None, None)
    with pytest.raises(TypeError):
        PaymentUpdate("o", "paid", 1.5, None, None)
    with pytest.raises(ValueError):
        NotificationRejected(400, "nope")
    exc = NotificationRejected(403, "bad signature")
    assert exc.status_code == 403 and exc.reason == "bad signature"
    cs = CheckoutSession("o", "https://x", "ref", raw={"a": 1})
    assert cs == CheckoutSession("o", "https://x", "ref")  # raw not compared


def test_to_int_amount():
    assert to_int_amount("150000.00", gateway="t") == 150000
    assert to_int_amount(150000.0, gateway="t") == 150000
    assert to_int_amount(150000, gateway="t") == 150000
    for bad in ("150000.50", "abc", None, True, "NaN"):
        with pytest.raises(GatewayError):
            to_int_amount(bad, gateway="t")


def test_get_header_case_insensitive():
    assert get_header({"X-Callback-Token": "a"}, "x-callback-token") == "a"
    assert get_header(Headers([("x-callback-token", "b")]), "X-CALLBACK-TOKEN") == "b"
    assert get_header({}, "x") is None


def test_unreachable_gateway_is_retryable_error():
    fake = FakeServer().start()
    url = fake.base_url
    fake.stop()  # nothing listens on that port any more
    gw = MidtransGateway("k", snap_base_url=url, api_base_url=url, timeout=(1, 1))
    with pytest.raises(GatewayError) as ei:
        gw.fetch_status("INV-1-1abcdef")
    assert ei.value.retryable and ei.value.status_code is None


class _SlowServer(FakeServer):
    def handle(self, req):
        time.sleep(1.0)
        return 200, {}


def test_read_timeout_is_retryable_error():
    with _SlowServer() as slow:
        gw = XenditGateway("k", "t", base_url=slow.base_url, timeout=(1, 0.2))
        with pytest.raises(GatewayError, match="timeout") as ei:
            gw.fetch_status("INV-1-1abcdef", reference="abc")
        assert ei.value.retryable
