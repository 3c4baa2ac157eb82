"""Midtrans Snap adapter.

* Checkout: ``POST {snap_base}/snap/v1/transactions`` (Basic auth: server key as
  user, empty password). 201 -> ``{"token", "redirect_url"}``; errors come as
  4xx/5xx with ``{"error_messages": [...]}``.
* Notification: JSON POST whose ``signature_key`` is
  ``sha512(order_id + status_code + gross_amount + server_key)`` over the raw
  strings as sent (``gross_amount`` like ``"150000.00"``).
  Missing ``signature_key`` (or an unreadable body) -> 401, mismatch -> 403.
* Status: ``GET {api_base}/v2/{order_id}/status``. Midtrans answers HTTP 200
  even for errors and puts the real code in the body's ``status_code``
  (e.g. ``"404"`` for an unknown order); ``"407"`` is an expired transaction,
  which is a valid state, not an error.

Status mapping (``transaction_status`` -> ours): settlement -> paid;
capture + fraud_status accept -> paid, capture + challenge (or no
fraud_status) -> pending, capture + deny -> failed; pending / authorize ->
pending; deny / cancel / failure -> failed; expire -> expired. Refund and
chargeback states raise :class:`UnhandledStatus`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import requests

from .base import (
    DEFAULT_TIMEOUT,
    CheckoutSession,
    GatewayError,
    NotConfirmed,
    NotificationRejected,
    PaymentUpdate,
    UnhandledStatus,
    confirm_by_status,
    http_json,
    to_int_amount,
    validate_amount,
)

SNAP_SANDBOX_URL = "https://app.sandbox.midtrans.com"
SNAP_PRODUCTION_URL = "https://app.midtrans.com"
API_SANDBOX_URL = "https://api.sandbox.midtrans.com"
API_PRODUCTION_URL = "https://api.midtrans.com"

#: Midtrans timestamps (transaction_time, settlement_time) are WIB, no DST.
WIB = timezone(timedelta(hours=7), "WIB")

_SIMPLE_STATUS = {
    "settlement": "paid",
    "pending": "pending",
    "authorize": "pending",
    "deny": "failed",
    "cancel": "failed",
    "failure": "failed",
    "expire": "expired",
}

#: The status_code a genuine notification carries with each transaction_status (Midtrans' "status
#: codes" table: 200 success, 201 pending, 202 denied / expired; an expire from the expire API is 407).
#: The signature covers status_code but not transaction_status, so the two must agree.
STATUS_CODES_OF = {
    "settlement": {"200"},
    "capture": {"200"},
    "authorize": {"200"},
    "pending": {"201"},
    "deny": {"202"},
    "failure": {"202"},
    "cancel": {"200", "202"},
    "expire": {"202", "407"},
}

_ITEM_NAME_MAX = 50  # Midtrans rejects longer item_details.name


def signature_for(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """Midtrans notification signature (hex sha512)."""
    data = f"{order_id}{status_code}{gross_amount}{server_key}".encode()
    return hashlib.sha512(data).hexdigest()


def map_status(transaction_status: str | None, fraud_status: str | None = None) -> str | None:
    """Midtrans transaction_status (+ fraud_status) -> our status, or None if unmapped."""
    ts = (transaction_status or "").lower()
    if ts == "capture":
        fs = (fraud_status or "").lower()
        if fs == "accept":
            return "paid"
        if fs == "deny":
            return "failed"
        return "pending"  # challenge, or no verdict yet
    return _SIMPLE_STATUS.get(ts)


def _parse_time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=WIB)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def _snap_error(body: Any) -> str | None:
    if isinstance(body, Mapping):
        msgs = body.get("error_messages")
        if isinstance(msgs, list) and msgs:
            return "; ".join(str(m) for m in msgs)
        if body.get("status_message"):
            return str(body["status_message"])
    return None


class MidtransGateway:
    name = "midtrans"

    def __init__(
        self,
        server_key: str,
        *,
        is_production: bool = False,
        snap_base_url: str | None = None,
        api_base_url: str | None = None,
        finish_url: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        if not server_key:
            raise GatewayError("MIDTRANS_SERVER_KEY is not set", gateway=self.name)
        self.server_key = server_key
        self.is_production = bool(is_production)
        self.snap_base_url = (snap_base_url or (SNAP_PRODUCTION_URL if is_production else SNAP_SANDBOX_URL)).rstrip("/")
        self.api_base_url = (api_base_url or (API_PRODUCTION_URL if is_production else API_SANDBOX_URL)).rstrip("/")
        self.finish_url = finish_url
        self.timeout = timeout
        self.session = session

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **kwargs: Any) -> MidtransGateway:
        return cls(
            config.get("MIDTRANS_SERVER_KEY", ""),
            is_production=_truthy(config.get("MIDTRANS_IS_PRODUCTION", False)),
            snap_base_url=config.get("MIDTRANS_SNAP_BASE_URL"),
            api_base_url=config.get("MIDTRANS_API_BASE_URL"),
            finish_url=config.get("MIDTRANS_FINISH_URL"),
            **kwargs,
        )

    # -- checkout ---------------------------------------------------------

    def create_checkout(
        self, order_id: str, amount: int, customer_name: str, customer_email: str, description: str
    ) -> CheckoutSession:
        amount = validate_amount(amount)
        body: dict[str, Any] = {
            "transaction_details": {"order_id": order_id, "gross_amount": amount},
            "customer_details": {"first_name": customer_name, "email": customer_email},
            "item_details": [
                {
                    "id": order_id[:50],
                    "price": amount,
                    "quantity": 1,
                    "name": (description or order_id)[:_ITEM_NAME_MAX],
                }
            ],
        }
        if self.finish_url:
            body["callbacks"] = {"finish": self.finish_url}
        data = self._call("POST", f"{self.snap_base_url}/snap/v1/transactions", json_body=body)
        token, url = data.get("token"), data.get("redirect_url")
        if not token or not url:
            raise GatewayError("Snap response lacks token/redirect_url", gateway=self.name, payload=data)
        return CheckoutSession(order_id=order_id, redirect_url=url, gateway_reference=token, raw=data)

    # -- notification -----------------------------------------------------

    def parse_notification(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentUpdate:
        try:
            payload = json.loads(raw_body)
            # Second parse keeps numbers exactly as written, for the signature.
            verbatim = json.loads(raw_body, parse_float=str, parse_int=str)
        except (ValueError, TypeError):
            raise NotificationRejected(401, "body is not JSON; no signature to verify") from None
        if not isinstance(payload, dict):
            raise NotificationRejected(401, "body is not a JSON object")
        given = verbatim.get("signature_key")
        if not given or not isinstance(given, str):
            raise NotificationRejected(401, "signature_key missing")
        parts = [verbatim.get(k) for k in ("order_id", "status_code", "gross_amount")]
        if not all(isinstance(p, str) and p for p in parts):
            raise NotificationRejected(403, "signed fields missing")
        expected = signature_for(parts[0], parts[1], parts[2], self.server_key)
        if not hmac.compare_digest(expected.encode(), given.strip().lower().encode()):
            raise NotificationRejected(403, "signature_key mismatch")
        tstatus = str(payload.get("transaction_status") or "").lower()
        allowed = STATUS_CODES_OF.get(tstatus)
        if allowed is not None and parts[1] not in allowed:
            raise NotConfirmed(
                f"signed status_code {parts[1]} does not go with transaction_status {tstatus!r}",
                gateway=self.name,
                order_id=parts[0],
                gateway_status=tstatus[:20],
            )
        return self._to_update(payload)

    def confirm(self, update: PaymentUpdate, *, reference: str | None = None) -> PaymentUpdate:
        """The status API's answer when it reports the notified state (fraud_status included)."""
        return confirm_by_status(self, update, reference=reference)

    # -- status -----------------------------------------------------------

    def fetch_status(self, order_id: str, *, reference: str | None = None) -> PaymentUpdate:
        ident = quote(reference or order_id, safe="")
        data = self._call("GET", f"{self.api_base_url}/v2/{ident}/status")
        code = str(data.get("status_code", ""))
        if code.isdigit() and int(code) >= 400 and int(code) != 407:
            raise GatewayError(
                str(data.get("status_message") or "status lookup failed"),
                gateway=self.name,
                status_code=int(code),
                payload=data,
            )
        return self._to_update(data)

    # -- internals --------------------------------------------------------

    def _call(self, method: str, url: str, json_body: Any = None) -> Mapping[str, Any]:
        data = http_json(
            method,
            url,
            gateway=self.name,
            auth=(self.server_key, ""),
            json_body=json_body,
            timeout=self.timeout,
            session=self.session,
            error_message=_snap_error,
        )
        if not isinstance(data, Mapping):
            raise GatewayError("unexpected response shape", gateway=self.name, payload=data)
        return data

    def _to_update(self, data: Mapping[str, Any]) -> PaymentUpdate:
        order_id = data.get("order_id")
        if not order_id:
            raise GatewayError("order_id missing", gateway=self.name, payload=data)
        tstatus = data.get("transaction_status")
        status = map_status(tstatus, data.get("fraud_status"))
        if status is None:
            raise UnhandledStatus(
                f"unmapped transaction_status {tstatus!r}",
                gateway=self.name,
                order_id=str(order_id),
                gateway_status=tstatus,
                payload=dict(data),
            )
        paid_at = None
        if status == "paid":
            paid_at = _parse_time(data.get("settlement_time")) or _parse_time(data.get("transaction_time"))
        return PaymentUpdate(
            order_id=str(order_id),
            status=status,  # type: ignore[arg-type]
            amount=to_int_amount(data.get("gross_amount"), gateway=self.name),
            gateway_reference=data.get("transaction_id"),
            paid_at=paid_at,
            raw=dict(data),
        )


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
