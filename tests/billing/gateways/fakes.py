"""Local fake payment gateways + documented notification payloads.

Reusable by any test (import as ``tests.billing.gateways.fakes``):

    with FakeMidtrans(server_key="SB-Mid-server-test") as fake:
        gw = MidtransGateway("SB-Mid-server-test",
                             snap_base_url=fake.base_url, api_base_url=fake.base_url)
        gw.create_checkout(...)
        fake.requests[-1].json  # what the adapter sent

Each fake is a real HTTP server on 127.0.0.1 (random port, daemon thread) that
records every request and answers with the request/response shapes the
gateways document; ``fail_next(status, body)`` injects error responses.

Payload builders (``midtrans_notification``, ``xendit_invoice_callback``,
``sandbox_notification``) produce webhook bodies shaped like the gateways'
documented samples, with correct signatures / tokens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

WIB = timezone(timedelta(hours=7))

# --------------------------------------------------------------------------
# recording HTTP server
# --------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        value = self.headers.get("authorization", "")
        if not value.lower().startswith("basic "):
            return None
        user, _, pw = base64.b64decode(value[6:]).decode("utf-8").partition(":")
        return user, pw


class _QuietHandler(WSGIRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:  # keep test output clean
        pass


Reply = tuple[int, Any]


class FakeServer:
    """Threaded local HTTP server; subclasses implement ``handle``."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._forced: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FakeServer:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    # test controls
    def fail_next(self, status: int, body: Any = None, times: int = 1) -> None:
        """Answer the next ``times`` requests with ``status``/``body`` (dict, str or bytes)."""
        with self._lock:
            for _ in range(times):
                self._forced.append((status, body))

    @property
    def last(self) -> RecordedRequest:
        return self.requests[-1]

    # plumbing
    def handle(self, req: RecordedRequest) -> Reply:  # pragma: no cover - abstract
        return 404, {"message": "not found"}

    def _wsgi(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        rec = RecordedRequest(
            method=request.method,
            path=request.path,
            query=parse_qs(request.query_string.decode("latin-1"), keep_blank_values=True),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.get_data(),
        )
        with self._lock:
            self.requests.append(rec)
            forced = self._forced.popleft() if self._forced else None
        try:
            status, body = forced if forced is not None else self.handle(rec)
        except Exception as exc:  # surface fake bugs as 599 instead of hanging
            status, body = 599, {"fake_error": repr(exc)}
        if isinstance(body, (dict, list)):
            resp = Response(json.dumps(body), status=status, mimetype="application/json")
        else:
            resp = Response(body if body is not None else b"", status=status, mimetype="text/plain")
        return resp(environ, start_response)


def _new_id(nbytes: int = 12) -> str:
    return secrets.token_hex(nbytes)


def _now_wib() -> str:
    return datetime.now(WIB).strftime("%Y-%m-%d %H:%M:%S")


def _iso_utc(dt: datetime | None = None) -> str:
    dt = dt or datetime.now(UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------
# Midtrans
# --------------------------------------------------------------------------

#: status_code Midtrans puts next to each transaction_status
MIDTRANS_STATUS_CODES = {
    "settlement": "200",
    "capture": "200",
    "pending": "201",
    "authorize": "200",
    "deny": "202",
    "cancel": "200",
    "expire": "407",
    "failure": "202",
    "refund": "200",
    "partial_refund": "200",
    "chargeback": "200",
}


def midtrans_signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """sha512(order_id + status_code + gross_amount + server_key), hex."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def midtrans_notification(
    order_id: str,
    transaction_status: str,
    *,
    server_key: str,
    gross_amount: str = "150000.00",
    fraud_status: str | None = "accept",
    payment_type: str = "bank_transfer",
    status_code: str | None = None,
    transaction_id: str | None = None,
    transaction_time: str = "2026-11-03 10:15:42",
    settlement_time: str | None = "2026-11-03 10:17:05",
    signature_key: str | None = None,
) -> dict[str, Any]:
    """HTTP notification body as Midtrans documents it (bank transfer/VA sample).

    ``signature_key`` defaults to the correct signature for ``server_key``;
    pass another value to forge one, or drop the key from the dict to omit it.
    """
    code = status_code or MIDTRANS_STATUS_CODES.get(transaction_status, "200")
    payload: dict[str, Any] = {
        "va_numbers": [{"va_number": "12345678901", "bank": "bca"}],
        "transaction_time": transaction_time,
        "transaction_status": transaction_status,
        "transaction_id": transaction_id or str(uuid.uuid4()),
        "status_message": "midtrans payment notification",
        "status_code": code,
        "signature_key": signature_key
        if signature_key is not None
        else midtrans_signature(order_id, code, gross_amount, server_key),
        "payment_type": payment_type,
        "payment_amounts": [],
        "order_id": order_id,
        "merchant_id": "G123456789",
        "gross_amount": gross_amount,
        "currency": "IDR",
        "expiry_time": "2026-11-04 10:15:42",
    }
    if fraud_status is not None:
        payload["fraud_status"] = fraud_status
    if transaction_status == "settlement" and settlement_time:
        payload["settlement_time"] = settlement_time
    if payment_type == "credit_card":
        payload.pop("va_numbers")
        payload.update(
            {
                "masked_card": "48111111-1114",
                "bank": "bni",
                "card_type": "credit",
                "approval_code": "1599493766402",
                "channel_response_code": "00",
                "channel_response_message": "Approved",
                "eci": "05",
            }
        )
    return payload


def to_body(payload: Any) -> bytes:
    return json.dumps(payload).encode("utf-8")


class FakeMidtrans(FakeServer):
    """Snap ``POST /snap/v1/transactions`` and Core ``GET /v2/{id}/status``."""

    def __init__(self, server_key: str = "SB-Mid-server-TEST") -> None:
        super().__init__()
        self.server_key = server_key
        self.transactions: dict[str, dict[str, Any]] = {}

    def set_transaction(
        self,
        order_id: str,
        transaction_status: str,
        *,
        gross_amount: str | None = None,
        fraud_status: str | None = "accept",
        payment_type: str = "bank_transfer",
    ) -> dict[str, Any]:
        """Make the status API report ``transaction_status`` for ``order_id``."""
        tx = self.transactions.setdefault(order_id, {})
        amount = gross_amount or tx.get("gross_amount") or "150000.00"
        tx["gross_amount"] = amount
        tx["status"] = midtrans_notification(
            order_id,
            transaction_status,
            server_key=self.server_key,
            gross_amount=amount,
            fraud_status=fraud_status,
            payment_type=payment_type,
            transaction_id=tx.get("transaction_id"),
        )
        tx["transaction_id"] = tx["status"]["transaction_id"]
        tx["status"]["status_message"] = "Success, transaction is found"
        return tx["status"]

    def handle(self, req: RecordedRequest) -> Reply:
        if req.basic_auth != (self.server_key, ""):
            return 401, {
                "error_messages": [
                    "Access denied due to unauthorized transaction, please check client or server key",
                    "Visit https://snap-docs.midtrans.com/#request-headers for more details",
                ]
            }
        if req.method == "POST" and req.path == "/snap/v1/transactions":
            return self._create(req)
        parts = req.path.strip("/").split("/")
        if req.method == "GET" and len(parts) == 3 and parts[0] == "v2" and parts[2] == "status":
            tx = self.transactions.get(parts[1])
            if not tx or "status" not in tx:
                # Core API answers HTTP 200 with the error code in the body
                return 200, {
                    "status_code": "404",
                    "status_message": "Transaction doesn't exist.",
                    "id": str(uuid.uuid4()),
                }
            return 200, tx["status"]
        return 404, {"error_messages": ["not found"]}

    def _create(self, req: RecordedRequest) -> Reply:
        body = req.json or {}
        td = body.get("transaction_details") or {}
        order_id, gross = td.get("order_id"), td.get("gross_amount")
        errors = []
        if not order_id:
            errors.append("transaction_details.order_id is required")
        elif len(order_id) > 50:
            errors.append("transaction_details.order_id too long")
        if not isinstance(gross, int) or isinstance(gross, bool) or gross < 1:
            errors.append("transaction_details.gross_amount must be a positive integer")
        items = body.get("item_details")
        if items and isinstance(gross, int):
            total = sum(i.get("price", 0) * i.get("quantity", 0) for i in items)
            if total != gross:
                errors.append("transaction_details.gross_amount is not equal to the sum of item_details")
        if order_id in self.transactions:
            errors.append("transaction_details.order_id sudah digunakan")
        if errors:
            return 400, {"error_messages": errors}
        token = str(uuid.uuid4())
        self.transactions[order_id] = {"gross_amount": f"{gross}.00", "token": token}
        return 201, {"token": token, "redirect_url": f"https://app.sandbox.midtrans.com/snap/v4/redirection/{token}"}


# --------------------------------------------------------------------------
# Xendit
# --------------------------------------------------------------------------


def xendit_invoice_callback(
    external_id: str,
    status: str = "PAID",
    amount: int = 150000,
    *,
    invoice_id: str | None = None,
    paid_amount: int | None = None,
    paid_at: str = "2026-11-03T03:17:05.534Z",
    payment_method: str = "BANK_TRANSFER",
    payment_channel: str = "MANDIRI",
    payer_email: str = "budi@example.com",
    description: str = "Langganan SiLogistik",
) -> dict[str, Any]:
    """Invoice callback body as Xendit documents it (paid-invoice sample)."""
    payload: dict[str, Any] = {
        "id": invoice_id or _new_id(),
        "external_id": external_id,
        "user_id": "5781d19b2e2385880609791c",
        "is_high": False,
        "status": status,
        "merchant_name": "SiLogistik",
        "amount": amount,
        "payer_email": payer_email,
        "description": description,
        "created": "2026-11-03T03:15:42.123Z",
        "updated": "2026-11-03T03:17:05.843Z",
        "currency": "IDR",
    }
    if status in ("PAID", "SETTLED"):
        payload.update(
            {
                "paid_amount": amount if paid_amount is None else paid_amount,
                "paid_at": paid_at,
                "bank_code": payment_channel,
                "payment_method": payment_method,
                "payment_channel": payment_channel,
                "payment_destination": "8860861087714",
                "payment_id": "pyid-" + _new_id(8),
            }
        )
    return payload


class FakeXendit(FakeServer):
    """``POST /v2/invoices``, ``GET /v2/invoices/{id}``, ``GET /v2/invoices?external_id=``."""

    def __init__(self, secret_key: str = "xnd_development_TEST") -> None:
        super().__init__()
        self.secret_key = secret_key
        self.invoices: dict[str, dict[str, Any]] = {}

    def set_invoice_status(self, invoice_id: str, status: str, *, paid_amount: int | None = None) -> dict[str, Any]:
        inv = self.invoices[invoice_id]
        inv["status"] = status
        inv["updated"] = _iso_utc()
        if status in ("PAID", "SETTLED"):
            inv.update(
                paid_amount=inv["amount"] if paid_amount is None else paid_amount,
                paid_at=_iso_utc(),
                payment_method="BANK_TRANSFER",
                payment_channel="BCA",
                bank_code="BCA",
            )
        return inv

    def invoice_for(self, external_id: str) -> dict[str, Any]:
        return next(i for i in self.invoices.values() if i["external_id"] == external_id)

    def handle(self, req: RecordedRequest) -> Reply:
        if req.basic_auth != (self.secret_key, ""):
            return 401, {"error_code": "INVALID_API_KEY", "message": "API key is not authorized for this API service"}
        path = req.path.rstrip("/")
        if req.method == "POST" and path == "/v2/invoices":
            return self._create(req)
        if req.method == "GET" and path == "/v2/invoices":
            ext = (req.query.get("external_id") or [None])[0]
            return 200, [i for i in self.invoices.values() if ext is None or i["external_id"] == ext]
        if req.method == "GET" and path.startswith("/v2/invoices/"):
            inv = self.invoices.get(path.rsplit("/", 1)[1])
            if inv is None:
                return 404, {"error_code": "INVOICE_NOT_FOUND_ERROR", "message": "Could not find invoice"}
            return 200, inv
        return 404, {"error_code": "NOT_FOUND", "message": "not found"}

    def _create(self, req: RecordedRequest) -> Reply:
        body = req.json or {}
        amount = body.get("amount")
        if not body.get("external_id"):
            return 400, {"error_code": "API_VALIDATION_ERROR", "message": '"external_id" is required'}
        if not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount < 1:
            return 400, {"error_code": "API_VALIDATION_ERROR", "message": '"amount" must be a number'}
        inv_id = _new_id()
        now = datetime.now(UTC)
        inv = {
            "id": inv_id,
            "external_id": body["external_id"],
            "user_id": "5781d19b2e2385880609791c",
            "status": "PENDING",
            "merchant_name": "SiLogistik",
            "merchant_profile_picture_url": "https://xnd-companies.s3.amazonaws.com/prod/1/logo.png",
            "amount": amount,
            "payer_email": body.get("payer_email"),
            "description": body.get("description"),
            "expiry_date": _iso_utc(now + timedelta(days=1)),
            "invoice_url": f"https://checkout-staging.xendit.co/web/{inv_id}",
            "available_banks": [
                {
                    "bank_code": "BCA",
                    "collection_type": "POOL",
                    "transfer_amount": amount,
                    "bank_branch": "Virtual Account",
                    "account_holder_name": "SILOGISTIK",
                    "identity_amount": 0,
                }
            ],
            "available_retail_outlets": [],
            "available_ewallets": [],
            "available_qr_codes": [],
            "available_direct_debits": [],
            "available_paylaters": [],
            "should_exclude_credit_card": False,
            "should_send_email": False,
            "created": _iso_utc(now),
            "updated": _iso_utc(now),
            "currency": body.get("currency", "IDR"),
        }
        for key in ("success_redirect_url", "failure_redirect_url", "customer"):
            if key in body:
                inv[key] = body[key]
        self.invoices[inv_id] = inv
        return 200, inv


# --------------------------------------------------------------------------
# Sandbox
# --------------------------------------------------------------------------


def sandbox_notification(
    secret_key: str,
    order_id: str,
    status: str = "paid",
    amount: int = 150000,
    *,
    reference: str = "sbx_test",
    paid_at: str | None = "2026-11-03T03:17:05+00:00",
) -> tuple[dict[str, str], bytes]:
    """Signed sandbox notification ``(headers, raw_body)``."""
    import hmac

    body = json.dumps(
        {
            "order_id": order_id,
            "status": status,
            "amount": amount,
            "reference": reference,
            "paid_at": paid_at if status == "paid" else None,
        }
    ).encode("utf-8")
    sig = hmac.new(secret_key.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Sandbox-Signature": sig}, body
