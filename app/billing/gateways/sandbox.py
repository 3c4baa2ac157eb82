"""Development-only gateway: no network, payments are simulated in-app.

* ``create_checkout`` returns ``{prefix}/{order_id}`` (default prefix
  ``/payments/sandbox``); the app serves a page there with "pay"/"fail"
  buttons that call :meth:`SandboxGateway.build_notification` and feed the
  result to the normal webhook handling.
* Notification body: JSON ``{"order_id", "status", "amount", "reference",
  "paid_at"}``, header ``X-Sandbox-Signature`` = hex HMAC-SHA256 of the raw
  body keyed with the app's ``SECRET_KEY``. Missing header -> 401, mismatch
  -> 403.
* ``fetch_status`` answers from an in-process registry (per worker, lost on
  restart) - good enough for local development and tests.

Building it when the config says production (``ENV``/``APP_ENV``/``FLASK_ENV``
== "production", or ``IS_PRODUCTION`` truthy) raises :class:`GatewayError`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .base import (
    PAYMENT_STATUSES,
    CheckoutSession,
    GatewayError,
    NotificationRejected,
    PaymentUpdate,
    get_header,
    to_int_amount,
    validate_amount,
)

SIGNATURE_HEADER = "X-Sandbox-Signature"
DEFAULT_PREFIX = "/payments/sandbox"
PRODUCTION_ENVS = frozenset({"production", "prod"})

_registry: dict[str, dict[str, Any]] = {}
_registry_lock = threading.Lock()


def sign(body: bytes, secret_key: str | bytes) -> str:
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def is_production(config: Mapping[str, Any]) -> bool:
    """True if any usual marker says production.

    The brief names ``ENV``; the app's config.py exposes ``APP_ENV`` and
    ``IS_PRODUCTION`` (Flask 3 has no ``ENV``), so all of them are checked.
    """
    for key in ("ENV", "APP_ENV", "FLASK_ENV"):
        if str(config.get(key) or "").strip().lower() in PRODUCTION_ENVS:
            return True
    flag = config.get("IS_PRODUCTION")
    if isinstance(flag, str):
        return flag.strip().lower() in {"1", "true", "yes", "on"}
    return bool(flag)


class SandboxGateway:
    name = "sandbox"

    def __init__(self, secret_key: str | bytes, *, checkout_prefix: str = DEFAULT_PREFIX) -> None:
        if not secret_key:
            raise GatewayError("SECRET_KEY is required for the sandbox gateway", gateway=self.name)
        self.secret_key = secret_key
        stripped = checkout_prefix.strip("/")
        self.checkout_prefix = "/" + stripped if stripped else ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **kwargs: Any) -> SandboxGateway:
        if is_production(config):
            raise GatewayError("the sandbox gateway is disabled in production", gateway=cls.name)
        return cls(
            config.get("SECRET_KEY", ""),
            checkout_prefix=config.get("SANDBOX_CHECKOUT_PREFIX") or DEFAULT_PREFIX,
            **kwargs,
        )

    def create_checkout(
        self, order_id: str, amount: int, customer_name: str, customer_email: str, description: str
    ) -> CheckoutSession:
        amount = validate_amount(amount)
        reference = "sbx_" + secrets.token_hex(8)
        record = {
            "order_id": order_id,
            "status": "pending",
            "amount": amount,
            "reference": reference,
            "paid_at": None,
            "customer_name": customer_name,
            "customer_email": customer_email,
            "description": description,
        }
        with _registry_lock:
            _registry[order_id] = record
        return CheckoutSession(
            order_id=order_id,
            redirect_url=f"{self.checkout_prefix}/{order_id}",
            gateway_reference=reference,
            raw=dict(record),
        )

    def build_notification(
        self, order_id: str, status: str, amount: int | None = None, *, paid_at: datetime | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Signed ``(headers, raw_body)`` as the sandbox "gateway" would send."""
        if status not in PAYMENT_STATUSES:
            raise ValueError(f"invalid status {status!r}")
        with _registry_lock:
            record = dict(_registry.get(order_id) or {})
        if amount is None:
            if "amount" not in record:
                raise GatewayError(f"unknown sandbox order {order_id!r}; pass amount", gateway=self.name)
            amount = record["amount"]
        if status == "paid" and paid_at is None:
            paid_at = datetime.now(UTC)
        body = json.dumps(
            {
                "order_id": order_id,
                "status": status,
                "amount": validate_amount(amount),
                "reference": record.get("reference") or "sbx_" + secrets.token_hex(8),
                "paid_at": paid_at.isoformat() if paid_at else None,
            },
            separators=(",", ":"),
        ).encode("utf-8")
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, self.secret_key)}
        return headers, body

    def parse_notification(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentUpdate:
        given = get_header(headers, SIGNATURE_HEADER)
        if not given:
            raise NotificationRejected(401, f"{SIGNATURE_HEADER} missing")
        expected = sign(raw_body or b"", self.secret_key)
        if not hmac.compare_digest(expected.encode(), given.strip().lower().encode()):
            raise NotificationRejected(403, f"{SIGNATURE_HEADER} mismatch")
        try:
            data = json.loads(raw_body)
        except (ValueError, TypeError):
            raise GatewayError("sandbox body is not JSON", gateway=self.name) from None
        if not isinstance(data, Mapping) or data.get("status") not in PAYMENT_STATUSES or not data.get("order_id"):
            raise GatewayError("malformed sandbox notification", gateway=self.name, payload=data)
        update = self._to_update(data)
        with _registry_lock:
            rec = _registry.setdefault(update.order_id, {"order_id": update.order_id})
            rec.update(
                status=update.status,
                amount=update.amount,
                reference=update.gateway_reference,
                paid_at=data.get("paid_at"),
            )
        return update

    def confirm(self, update: PaymentUpdate, *, reference: str | None = None) -> None:
        """Nothing to ask: the signature covers the whole body (and the "gateway" is this app)."""
        return None

    def fetch_status(self, order_id: str, *, reference: str | None = None) -> PaymentUpdate:
        with _registry_lock:
            record = dict(_registry.get(order_id) or {})
        if not record or "amount" not in record:
            raise GatewayError(f"unknown sandbox order {order_id!r}", gateway=self.name, status_code=404)
        return self._to_update(record)

    def _to_update(self, data: Mapping[str, Any]) -> PaymentUpdate:
        paid_at = data.get("paid_at")
        if isinstance(paid_at, str):
            try:
                paid_at = datetime.fromisoformat(paid_at)
            except ValueError:
                paid_at = None
        return PaymentUpdate(
            order_id=str(data["order_id"]),
            status=data["status"],
            amount=to_int_amount(data.get("amount"), gateway=self.name),
            gateway_reference=data.get("reference"),
            paid_at=paid_at if isinstance(paid_at, datetime) else None,
            raw=dict(data),
        )


def _reset_registry() -> None:
    """Test helper: forget every simulated order."""
    with _registry_lock:
        _registry.clear()
