"""Shared types and helpers for payment-gateway adapters.

Nothing here touches Flask or the database: an adapter is built from a plain
config mapping (see :func:`app.billing.gateways.get_gateway`) and talks HTTP via
``requests``.

Contract for webhook handlers
-----------------------------
``parse_notification(headers, raw_body)`` authenticates *before* it trusts the
body and raises:

* :class:`NotificationRejected` with ``status_code`` 401 when the credential is
  missing (no signature / no callback token / body unreadable so no signature
  can be found) and 403 when a credential is present but wrong. The view should
  answer with that status code and NOT touch any order.
* :class:`UnhandledStatus` (a :class:`GatewayError`) when the notification is
  authentic but describes a state we do not model (refund, chargeback, ...).
  The view should log it and answer 200 so the gateway stops retrying.
* :class:`GatewayError` for an authentic but malformed payload.

* :class:`NotConfirmed` when the fields the credential covers contradict the
  rest (Midtrans: a ``status_code`` that does not go with ``transaction_status``).

The returned :class:`PaymentUpdate` carries the amount the gateway reports; the
caller must compare it with the order's amount before marking anything paid,
and must apply updates idempotently (gateways resend notifications). A
credential does not cover every field, so before an update changes an order the
caller asks ``confirm(update, reference=...)``: the status API's own answer when
it reports the same state and amount, else :class:`NotConfirmed` (``None`` from
an adapter whose signature covers the whole body: the sandbox).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol, runtime_checkable

import requests

PaymentStatus = Literal["paid", "pending", "failed", "expired"]
PAYMENT_STATUSES: frozenset[str] = frozenset({"paid", "pending", "failed", "expired"})

#: (connect, read) timeout in seconds for every gateway HTTP call.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 15.0)

#: Longest order id we generate (Midtrans allows 50, Xendit more).
MAX_ORDER_ID_LENGTH = 50


class GatewayError(Exception):
    """A gateway call failed or returned something we cannot use.

    ``status_code`` is the HTTP status (or the status code embedded in the
    body, for Midtrans Core API) when there was a response, else ``None``.
    ``retryable`` is True for network errors, timeouts and 5xx / 429.
    """

    def __init__(
        self,
        message: str,
        *,
        gateway: str | None = None,
        status_code: int | None = None,
        payload: Any = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.gateway = gateway
        self.status_code = status_code
        self.payload = payload
        self.retryable = retryable

    def __str__(self) -> str:  # pragma: no cover - trivial
        prefix = f"[{self.gateway}] " if self.gateway else ""
        code = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{prefix}{self.message}{code}"


class UnhandledStatus(GatewayError):
    """Authentic notification/status whose state we do not map (refund, ...)."""

    def __init__(
        self,
        message: str,
        *,
        gateway: str | None = None,
        order_id: str | None = None,
        gateway_status: str | None = None,
        payload: Any = None,
    ) -> None:
        super().__init__(message, gateway=gateway, payload=payload)
        self.order_id = order_id
        self.gateway_status = gateway_status


class NotConfirmed(GatewayError):
    """An authentic notification the gateway does not bear out: its fields disagree with what its
    signature covers, or the gateway's status API reports another state (or could not be asked).

    ``answer`` is what the status API said (its JSON, or the error), ``None`` when it was not asked.
    """

    def __init__(
        self,
        message: str,
        *,
        gateway: str | None = None,
        order_id: str | None = None,
        gateway_status: str | None = None,
        answer: Any = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message, gateway=gateway, payload=answer, retryable=retryable)
        self.order_id = order_id
        self.gateway_status = gateway_status
        self.answer = answer


class NotificationRejected(Exception):
    """Webhook failed authentication. Answer with ``status_code`` (401 or 403)."""

    def __init__(self, status_code: int, reason: str) -> None:
        if status_code not in (401, 403):
            raise ValueError("NotificationRejected.status_code must be 401 or 403")
        super().__init__(f"{status_code}: {reason}")
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class CheckoutSession:
    """Result of ``create_checkout``: send the customer to ``redirect_url``."""

    order_id: str
    redirect_url: str
    gateway_reference: str
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class PaymentUpdate:
    """Normalised payment state reported by a gateway (webhook or status poll)."""

    order_id: str
    status: PaymentStatus
    amount: int
    gateway_reference: str | None
    paid_at: datetime | None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.status not in PAYMENT_STATUSES:
            raise ValueError(f"invalid payment status {self.status!r}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("PaymentUpdate.amount must be an int")


@runtime_checkable
class PaymentGateway(Protocol):
    """What every adapter provides. Amounts are whole Rupiah (int)."""

    name: str

    def create_checkout(
        self, order_id: str, amount: int, customer_name: str, customer_email: str, description: str
    ) -> CheckoutSession: ...

    def parse_notification(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentUpdate: ...

    def fetch_status(self, order_id: str, *, reference: str | None = None) -> PaymentUpdate: ...

    def confirm(self, update: PaymentUpdate, *, reference: str | None = None) -> PaymentUpdate | None: ...


def confirm_by_status(adapter: Any, update: PaymentUpdate, *, reference: str | None = None) -> PaymentUpdate:
    """The gateway's own answer for ``update``'s order when its status API reports the same state and amount.

    A notification's credential does not cover every field (Midtrans signs only order id, status code
    and amount; Xendit's callback token is a shared secret), so nothing it says is applied unless the
    status API says it too. Raises :class:`NotConfirmed` (with what the API answered) otherwise.
    """
    try:
        current = adapter.fetch_status(update.order_id, reference=reference)
    except UnhandledStatus as exc:
        raise NotConfirmed(
            f"the status API reports {exc.gateway_status!r}",
            gateway=adapter.name,
            order_id=update.order_id,
            answer=exc.payload,
        ) from None
    except GatewayError as exc:
        raise NotConfirmed(
            f"the status API could not confirm it: {exc}",
            gateway=adapter.name,
            order_id=update.order_id,
            answer=exc.payload if exc.payload is not None else str(exc),
            retryable=exc.retryable,
        ) from None
    told = (update.order_id, update.status, update.amount)
    found = (current.order_id, current.status, current.amount)
    if found != told:
        raise NotConfirmed(
            f"the status API reports {current.status} {current.amount} for {current.order_id}, "
            f"the notification {update.status} {update.amount}",
            gateway=adapter.name,
            order_id=update.order_id,
            answer=dict(current.raw),
        )
    return current


# --------------------------------------------------------------------------
# helpers shared by the adapters
# --------------------------------------------------------------------------

_ORDER_ID_BAD = re.compile(r"[^A-Za-z0-9._~-]+")
_DASHES = re.compile(r"-{2,}")


def new_order_id(invoice_number: str, attempt: int) -> str:
    """Gateway order id for one payment attempt of an invoice.

    ``"INV/2026/XI/0001", 1`` -> ``"INV-2026-XI-0001-1a3f9c2"``: the invoice
    number sanitised to Midtrans' allowed set (letters, digits, ``- _ . ~``),
    then ``-`` + attempt number + 6 random hex chars. Both gateways refuse to
    reuse an order id, so every retry needs a new one; the attempt number keeps
    ids of one invoice distinct, the random part keeps them distinct even if a
    counter is reset. Never longer than 50 characters.
    """
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 0:
        raise ValueError("attempt must be a non-negative int")
    base = _ORDER_ID_BAD.sub("-", str(invoice_number or ""))
    base = _DASHES.sub("-", base).strip("-._~") or "ORDER"
    suffix = f"-{attempt}{secrets.token_hex(3)}"
    base = base[: MAX_ORDER_ID_LENGTH - len(suffix)].rstrip("-._~") or "O"
    return base + suffix


def validate_amount(amount: Any) -> int:
    """Amounts are positive whole Rupiah; floats/bools/strings are refused."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount must be an int (whole Rupiah), got {type(amount).__name__}")
    if amount <= 0:
        raise ValueError("amount must be positive")
    return amount


def to_int_amount(value: Any, *, gateway: str) -> int:
    """Gateway amount (``"150000.00"``, ``150000``, ``150000.0``) -> int.

    Refuses fractional Rupiah instead of silently rounding.
    """
    if isinstance(value, bool) or value is None:
        raise GatewayError(f"missing or invalid amount {value!r}", gateway=gateway)
    try:
        dec = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise GatewayError(f"invalid amount {value!r}", gateway=gateway) from None
    if not dec.is_finite() or dec != dec.to_integral_value():
        raise GatewayError(f"non-integral amount {value!r}", gateway=gateway)
    return int(dec)


def get_header(headers: Mapping[str, str] | Any, name: str) -> str | None:
    """Case-insensitive header lookup on a dict, werkzeug Headers, etc."""
    if headers is None:
        return None
    try:
        value = headers.get(name)
    except Exception:  # pragma: no cover - exotic mapping
        value = None
    if value is not None:
        return value
    lname = name.lower()
    items = headers.items() if hasattr(headers, "items") else headers
    for key, val in items:
        if str(key).lower() == lname:
            return val
    return None


def http_json(
    method: str,
    url: str,
    *,
    gateway: str,
    auth: tuple[str, str],
    json_body: Any = None,
    params: Mapping[str, Any] | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    session: requests.Session | None = None,
    error_message: Any = None,
) -> Any:
    """Do one JSON request; return the decoded body or raise GatewayError.

    ``error_message(body) -> str | None`` extracts the gateway's own error text.
    """
    sender = session or requests
    headers = {"Accept": "application/json"}
    if json_body is not None:
        headers["Content-Type"] = "application/json"
    try:
        resp = sender.request(
            method,
            url,
            auth=auth,
            json=json_body,
            params=params,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout as exc:
        raise GatewayError(f"timeout calling {gateway}: {exc}", gateway=gateway, retryable=True) from exc
    except requests.RequestException as exc:
        raise GatewayError(f"cannot reach {gateway}: {exc}", gateway=gateway, retryable=True) from exc

    try:
        body = resp.json()
    except ValueError:
        body = None

    if not 200 <= resp.status_code < 300:
        msg = None
        if body is not None and error_message is not None:
            try:
                msg = error_message(body)
            except Exception:  # pragma: no cover - defensive
                msg = None
        if not msg:
            msg = (resp.text or resp.reason or "error").strip()[:500]
        raise GatewayError(
            msg,
            gateway=gateway,
            status_code=resp.status_code,
            payload=body,
            retryable=resp.status_code >= 500 or resp.status_code == 429,
        )
    if body is None:
        raise GatewayError(
            "response is not JSON", gateway=gateway, status_code=resp.status_code, payload=resp.text[:500]
        )
    return body
