"""Payment-gateway adapters (Midtrans Snap, Xendit Invoice, dev sandbox).

Usage::

    from app.billing.gateways import get_gateway, new_order_id

    gw = get_gateway(current_app.config["PAYMENT_GATEWAY"], current_app.config)
    session = gw.create_checkout(new_order_id(invoice.number, attempt), amount,
                                 customer_name, customer_email, description)
    # store session.order_id / session.gateway_reference, redirect to session.redirect_url

    # webhook view:
    try:
        update = gw.parse_notification(request.headers, request.get_data())
    except NotificationRejected as exc:
        abort(exc.status_code)
    except UnhandledStatus:
        return "", 200   # authentic but not modelled (refund, ...): log and ack
    # nothing in it is applied before the gateway's status API says the same:
    update = gw.confirm(update, reference=...)   # raises NotConfirmed; None = nothing to ask

Config keys read by :func:`get_gateway`:

* midtrans: ``MIDTRANS_SERVER_KEY``, ``MIDTRANS_IS_PRODUCTION`` (default False
  = sandbox hosts), ``MIDTRANS_SNAP_BASE_URL`` / ``MIDTRANS_API_BASE_URL``
  (override hosts), ``MIDTRANS_FINISH_URL`` (optional Snap finish redirect).
* xendit: ``XENDIT_SECRET_KEY``, ``XENDIT_CALLBACK_TOKEN``, ``XENDIT_API_BASE_URL``
  (default https://api.xendit.co), ``XENDIT_SUCCESS_REDIRECT_URL``,
  ``XENDIT_FAILURE_REDIRECT_URL``, ``XENDIT_INVOICE_DURATION`` (seconds).
* sandbox: ``SECRET_KEY``, ``SANDBOX_CHECKOUT_PREFIX`` (default
  ``/payments/sandbox``); refused when ``ENV``, ``APP_ENV`` or ``FLASK_ENV``
  is "production" or ``IS_PRODUCTION`` is truthy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    DEFAULT_TIMEOUT,
    PAYMENT_STATUSES,
    CheckoutSession,
    GatewayError,
    NotConfirmed,
    NotificationRejected,
    PaymentGateway,
    PaymentStatus,
    PaymentUpdate,
    UnhandledStatus,
    new_order_id,
)
from .midtrans import MidtransGateway
from .sandbox import SandboxGateway
from .xendit import XenditGateway

GATEWAYS: dict[str, type] = {
    "midtrans": MidtransGateway,
    "xendit": XenditGateway,
    "sandbox": SandboxGateway,
}


def get_gateway(name: str, config: Mapping[str, Any], **kwargs: Any) -> PaymentGateway:
    """Build the adapter ``name`` from a config mapping (e.g. ``app.config``).

    Extra keyword arguments (``timeout=``, ``session=``) go to the adapter
    (not accepted by the sandbox). Raises :class:`GatewayError` for an
    unknown name, missing credentials, or the sandbox in production.
    """
    key = (name or "").strip().lower()
    cls = GATEWAYS.get(key)
    if cls is None:
        raise GatewayError(f"unknown payment gateway {name!r}; expected one of {', '.join(sorted(GATEWAYS))}")
    return cls.from_config(config, **kwargs)


__all__ = [
    "DEFAULT_TIMEOUT",
    "GATEWAYS",
    "PAYMENT_STATUSES",
    "CheckoutSession",
    "GatewayError",
    "MidtransGateway",
    "NotConfirmed",
    "NotificationRejected",
    "PaymentGateway",
    "PaymentStatus",
    "PaymentUpdate",
    "SandboxGateway",
    "UnhandledStatus",
    "XenditGateway",
    "get_gateway",
    "new_order_id",
]
