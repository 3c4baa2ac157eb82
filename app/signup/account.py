"""The tenant's own view of its subscription: plan, period, usage against quotas, open invoices, paying."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.billing import lifecycle, payments
from app.billing.clients import subscription_of
from app.billing.invoice_rules import STATUS_LABELS
from app.billing.models import Invoice, Plan
from app.billing.payment_models import PaymentOrder
from app.core.formatting import jakarta_today
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.shipments.services import issued_in_period
from app.tenancy import services as tenancy
from app.tenancy.models import Tenant, utcnow

WARN_AT = 0.8
INVOICES_SHOWN = 24


@dataclass(frozen=True)
class Meter:
    label: str
    used: int
    quota: int | None

    @property
    def ratio(self) -> float:
        return 0.0 if not self.quota else min(self.used / self.quota, 1.0)

    @property
    def level(self) -> str:
        """ok / warn (80%) / full (100%): the banners' colours."""
        if self.quota is None:
            return "ok"
        return "full" if self.used >= self.quota else "warn" if self.ratio >= WARN_AT else "ok"


def _usage(tenant: Tenant, now: datetime | None) -> list[tuple]:
    """(label, used, quota attribute) for each quota a plan sets."""
    now = now or utcnow()
    return [
        (_l("Shipments this period"), issued_in_period(tenant, now), "shipment_quota"),
        (_l("User accounts"), tenancy.active_user_count(tenant.id), "user_quota"),
    ]


def meters(tenant: Tenant, now: datetime | None = None) -> list[Meter]:
    return [Meter(label, used, getattr(tenant, quota)) for label, used, quota in _usage(tenant, now)]


def over_quota(tenant: Tenant, plan: Plan, now: datetime | None = None) -> list[Meter]:
    """The tenant's usage that `plan` would not allow (more than its quota)."""
    usage = [Meter(label, used, getattr(plan, quota)) for label, used, quota in _usage(tenant, now)]
    return [meter for meter in usage if meter.quota is not None and meter.used > meter.quota]


def overview(tenant: Tenant) -> dict:
    invoices = db.session.execute(
        sa.select(Invoice)
        .where(Invoice.tenant_id == tenant.id)
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
        .limit(INVOICES_SHOWN)
    ).scalars()
    return {
        "subscription": subscription_of(tenant),
        "read_only": tenancy.is_read_only(tenant),
        "meters": meters(tenant),
        "invoices": list(invoices),
        "pending": lifecycle.pending_change(tenant.id),
        "statuses": STATUS_LABELS,
        "today": jakarta_today(),
    }


def pay_invoice(invoice: Invoice) -> PaymentOrder:
    """A checkout at the configured gateway; the caller enqueues `create_checkout` for it."""
    if invoice.cancelled:
        raise FieldError("invoice", _l("This invoice was cancelled."))
    if invoice.outstanding <= 0:
        raise FieldError("invoice", _l("This invoice is already paid."))
    return payments.new_order(invoice, payments.configured_gateway())


def renewal_invoice(tenant: Tenant, today: date) -> Invoice:
    """The invoice to pay to renew (expired: always one, issued on demand)."""
    invoice = lifecycle.open_subscription_invoice(tenant, today)
    if invoice is None:
        raise FieldError("invoice", _l("There is nothing to renew yet: your subscription is running."))
    return invoice


def order_state(tenant: Tenant, order_id: str) -> dict | None:
    order = db.session.execute(
        sa.select(PaymentOrder).where(PaymentOrder.order_id == order_id, PaymentOrder.tenant_id == tenant.id)
    ).scalar_one_or_none()
    if order is None:
        return None
    if order.status == "paid":
        return {"state": "paid"}
    if order.status in ("failed", "expired"):
        return {"state": "failed"}
    return {"state": "checkout", "next": order.redirect_url} if order.redirect_url else {"state": "preparing"}
