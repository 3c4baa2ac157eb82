"""Xendit Invoice (v2) adapter.

* Checkout: ``POST {base}/v2/invoices`` (Basic auth: secret key as user, empty
  password) with ``external_id`` (our order id), ``amount``, ``payer_email``,
  ``description``, ``success_redirect_url`` ... -> 200 with the invoice object
  (``id``, ``invoice_url``, ``status`` "PENDING", ``external_id``, ...). Errors
  come as ``{"error_code": ..., "message": ...}``.
* Callback: Xendit POSTs the invoice object to our URL with header
  ``x-callback-token`` = the "callback verification token" from the dashboard.
  Missing header -> 401, wrong value -> 403 (constant-time compare).
* Status: ``GET {base}/v2/invoices/{id}`` when the Xendit invoice id is known,
  else ``GET {base}/v2/invoices?external_id=...`` (returns a list).

Status mapping: PAID / SETTLED -> paid, PENDING -> pending, EXPIRED -> expired.
Amount: ``paid_amount`` when present, else ``amount``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

from .base import (
    DEFAULT_TIMEOUT,
    CheckoutSession,
    GatewayError,
    NotificationRejected,
    PaymentUpdate,
    UnhandledStatus,
    confirm_by_status,
    get_header,
    http_json,
    to_int_amount,
    validate_amount,
)

API_BASE_URL = "https://api.xendit.co"
CALLBACK_TOKEN_HEADER = "x-callback-token"

_STATUS = {"PAID": "paid", "SETTLED": "paid", "PENDING": "pending", "EXPIRED": "expired"}


def map_status(status: str | None) -> str | None:
    return _STATUS.get((status or "").upper())


def _parse_time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _xendit_error(body: Any) -> str | None:
    if isinstance(body, Mapping) and (body.get("message") or body.get("error_code")):
        code = body.get("error_code")
        msg = body.get("message") or ""
        return f"{code}: {msg}" if code else str(msg)
    return None


class XenditGateway:
    name = "xendit"

    def __init__(
        self,
        secret_key: str,
        callback_token: str,
        *,
        base_url: str | None = None,
        success_redirect_url: str | None = None,
        failure_redirect_url: str | None = None,
        invoice_duration: int | None = None,
        currency: str = "IDR",
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        if not secret_key:
            raise GatewayError("XENDIT_SECRET_KEY is not set", gateway=self.name)
        if not callback_token:
            raise GatewayError("XENDIT_CALLBACK_TOKEN is not set", gateway=self.name)
        self.secret_key = secret_key
        self.callback_token = callback_token
        self.base_url = (base_url or API_BASE_URL).rstrip("/")
        self.success_redirect_url = success_redirect_url
        self.failure_redirect_url = failure_redirect_url
        self.invoice_duration = invoice_duration
        self.currency = currency
        self.timeout = timeout
        self.session = session

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **kwargs: Any) -> XenditGateway:
        duration = config.get("XENDIT_INVOICE_DURATION")
        return cls(
            config.get("XENDIT_SECRET_KEY", ""),
            config.get("XENDIT_CALLBACK_TOKEN", ""),
            base_url=config.get("XENDIT_API_BASE_URL"),
            success_redirect_url=config.get("XENDIT_SUCCESS_REDIRECT_URL"),
            failure_redirect_url=config.get("XENDIT_FAILURE_REDIRECT_URL"),
            invoice_duration=int(duration) if duration else None,
            **kwargs,
        )

    # -- checkout ---------------------------------------------------------

    def create_checkout(
        self, order_id: str, amount: int, customer_name: str, customer_email: str, description: str
    ) -> CheckoutSession:
        amount = validate_amount(amount)
        body: dict[str, Any] = {
            "external_id": order_id,
            "amount": amount,
            "payer_email": customer_email,
            "description": description,
            "currency": self.currency,
        }
        if customer_name or customer_email:
            body["customer"] = {k: v for k, v in (("given_names", customer_name), ("email", customer_email)) if v}
        if self.success_redirect_url:
            body["success_redirect_url"] = self.success_redirect_url
        if self.failure_redirect_url:
            body["failure_redirect_url"] = self.failure_redirect_url
        if self.invoice_duration:
            body["invoice_duration"] = self.invoice_duration
        data = self._call("POST", f"{self.base_url}/v2/invoices", json_body=body)
        if not isinstance(data, Mapping) or not data.get("id") or not data.get("invoice_url"):
            raise GatewayError("invoice response lacks id/invoice_url", gateway=self.name, payload=data)
        return CheckoutSession(
            order_id=order_id, redirect_url=data["invoice_url"], gateway_reference=data["id"], raw=dict(data)
        )

    # -- callback ---------------------------------------------------------

    def parse_notification(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentUpdate:
        token = get_header(headers, CALLBACK_TOKEN_HEADER)
        if not token:
            raise NotificationRejected(401, "x-callback-token missing")
        if not hmac.compare_digest(token.encode("utf-8"), self.callback_token.encode("utf-8")):
            raise NotificationRejected(403, "x-callback-token mismatch")
        try:
            payload = json.loads(raw_body)
        except (ValueError, TypeError):
            raise GatewayError("callback body is not JSON", gateway=self.name) from None
        if not isinstance(payload, Mapping):
            raise GatewayError("callback body is not a JSON object", gateway=self.name, payload=payload)
        return self._to_update(payload)

    def confirm(self, update: PaymentUpdate, *, reference: str | None = None) -> PaymentUpdate:
        """The invoice as ``GET /v2/invoices/{id}`` reports it, when it agrees: the callback token is only
        a shared secret, so a leaked token must not be enough to mark anything paid."""
        return confirm_by_status(self, update, reference=reference)

    # -- status -----------------------------------------------------------

    def fetch_status(self, order_id: str, *, reference: str | None = None) -> PaymentUpdate:
        if reference:
            data = self._call("GET", f"{self.base_url}/v2/invoices/{quote(reference, safe='')}")
        else:
            found = self._call("GET", f"{self.base_url}/v2/invoices", params={"external_id": order_id})
            if isinstance(found, Mapping):  # tolerate a single object
                found = [found]
            matches = [inv for inv in (found or []) if isinstance(inv, Mapping) and inv.get("external_id") == order_id]
            if not matches:
                raise GatewayError(
                    f"no invoice with external_id {order_id!r}", gateway=self.name, status_code=404, payload=found
                )
            # a paid one wins; otherwise the most recently created
            paid = [inv for inv in matches if map_status(inv.get("status")) == "paid"]
            data = (paid or sorted(matches, key=lambda i: str(i.get("created", ""))))[-1]
        if not isinstance(data, Mapping):
            raise GatewayError("unexpected response shape", gateway=self.name, payload=data)
        return self._to_update(data)

    # -- internals --------------------------------------------------------

    def _call(self, method: str, url: str, json_body: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        return http_json(
            method,
            url,
            gateway=self.name,
            auth=(self.secret_key, ""),
            json_body=json_body,
            params=params,
            timeout=self.timeout,
            session=self.session,
            error_message=_xendit_error,
        )

    def _to_update(self, data: Mapping[str, Any]) -> PaymentUpdate:
        external_id = data.get("external_id")
        if not external_id:
            raise GatewayError("external_id missing", gateway=self.name, payload=dict(data))
        raw_status = data.get("status")
        status = map_status(raw_status)
        if status is None:
            raise UnhandledStatus(
                f"unmapped invoice status {raw_status!r}",
                gateway=self.name,
                order_id=str(external_id),
                gateway_status=raw_status,
                payload=dict(data),
            )
        paid_amount = data.get("paid_amount")
        amount_src = paid_amount if paid_amount not in (None, "") else data.get("amount")
        return PaymentUpdate(
            order_id=str(external_id),
            status=status,  # type: ignore[arg-type]
            amount=to_int_amount(amount_src, gateway=self.name),
            gateway_reference=data.get("id"),
            paid_at=_parse_time(data.get("paid_at")) if status == "paid" else None,
            raw=dict(data),
        )
