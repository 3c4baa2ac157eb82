"""Subscription lifecycle: periods paid for, renewal invoices, reminders, expiry (the read-only lock).

`only` limits a run to some tenants.

Days are counted in WIB (Asia/Jakarta). Every periodic job here is idempotent: renewal invoices are
unique per period end, reminders are remembered per period end and kind, expiry is a state change.
"""

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record_event
from app.billing import invoices
from app.billing.clients import apply_subscription, subscription_of
from app.billing.invoice_rules import DEFAULT_TAX_RULE
from app.billing.models import Invoice, Plan, Subscription
from app.billing.payment_models import SubscriptionInvoice, SubscriptionReminder
from app.core.formatting import jakarta_today, wib_date
from app.extensions import db
from app.jobs.queue import enqueue
from app.jobs.schedule import periodic
from app.jobs.tasks import send_email
from app.notifications.services import notify_tenant
from app.tenancy import services as tenancy
from app.tenancy.models import Tenant

RENEWAL_LEAD_DAYS = 7
REMINDER_DAYS = {7: "h-7", 3: "h-3", 0: "h0", -3: "h+3"}


def subscription_invoice(
    tenant: Tenant, plan: Plan, *, kind: str, today: date, due: date, for_period_end: date | None = None
) -> Invoice:
    """The invoice for one period of `plan`, linked so that paying it activates or extends the plan."""
    draft = invoices.InvoiceDraft(
        tenant_id=tenant.id,
        lines=[(f"SiLogistik {plan.name} ({plan.period_days} days)", 1, Decimal(plan.price))],
        due_date=due,
        tax_rule=DEFAULT_TAX_RULE,
    )
    invoice = invoices.create_invoice(draft, today=today, actor_id=None)
    db.session.add(
        SubscriptionInvoice(
            tenant_id=tenant.id, invoice_id=invoice.id, plan_id=plan.id, kind=kind, for_period_end=for_period_end
        )
    )
    db.session.flush()
    return invoice


def extend_subscription(tenant: Tenant, plan: Plan, today: date) -> Subscription:
    """A paid period: continues the current one, or starts today when it has ended or never began."""
    subscription = subscription_of(tenant)
    if subscription is None:
        subscription = Subscription(tenant_id=tenant.id, started_on=today, period_end=today)
        db.session.add(subscription)
    restart = subscription.status != "active" or subscription.period_end < today
    if restart:
        subscription.started_on = today
        subscription.period_end = today + timedelta(days=plan.period_days)
    else:
        subscription.period_end = subscription.period_end + timedelta(days=plan.period_days)
    subscription.plan, subscription.status = plan, "active"
    db.session.flush()
    apply_subscription(tenant, subscription)
    tenancy.set_modules(tenant, set(tenancy.enabled_modules(tenant.id)) | {m.code for m in plan.modules if m.active})
    record_event(
        db.session,
        "subscription_paid",
        tenant_id=tenant.id,
        actor_id=None,
        summary=f"{plan.name} active until {subscription.period_end.isoformat()}",
        entity=tenant,
    )
    return subscription


def _subscriptions(statuses: tuple[str, ...], only: list[int] | None) -> list[Subscription]:
    query = sa.select(Subscription).where(Subscription.status.in_(statuses)).order_by(Subscription.id)
    if only is not None:
        query = query.where(Subscription.tenant_id.in_(only))
    return list(db.session.execute(query).scalars())


def create_renewal_invoices(today: date, only: list[int] | None = None) -> int:
    """Seven days before a paid period ends, the invoice for the next one (once per period end)."""
    created = 0
    for subscription in _subscriptions(("active",), only):
        days_left = (subscription.period_end - today).days
        if days_left > RENEWAL_LEAD_DAYS or days_left < 0 or Decimal(subscription.plan.price) <= 0:
            continue
        exists = db.session.execute(
            sa.select(SubscriptionInvoice.id).where(
                SubscriptionInvoice.tenant_id == subscription.tenant_id,
                SubscriptionInvoice.for_period_end == subscription.period_end,
            )
        ).first()
        if exists:
            continue
        subscription_invoice(
            subscription.tenant,
            subscription.plan,
            kind="renewal",
            today=today,
            due=subscription.period_end,
            for_period_end=subscription.period_end,
        )
        created += 1
    return created


def send_reminders(today: date, only: list[int] | None = None) -> int:
    """E-mail and bell at H-7, H-3, H0 and H+3 of each period end; each once."""
    sent = 0
    for subscription in _subscriptions(("active", "inactive"), only):
        kind = REMINDER_DAYS.get((subscription.period_end - today).days)
        if kind is None or Decimal(subscription.plan.price) <= 0:
            continue
        if (kind == "h+3") != (subscription.status == "inactive"):
            continue  # before the end only running subscriptions; after it only the expired ones
        already = db.session.execute(
            sa.select(SubscriptionReminder.id).where(
                SubscriptionReminder.tenant_id == subscription.tenant_id,
                SubscriptionReminder.period_end == subscription.period_end,
                SubscriptionReminder.kind == kind,
            )
        ).first()
        if already:
            continue
        db.session.add(
            SubscriptionReminder(tenant_id=subscription.tenant_id, period_end=subscription.period_end, kind=kind)
        )
        _remind(subscription, kind)
        sent += 1
    return sent


def _remind(subscription: Subscription, kind: str) -> None:
    tenant = subscription.tenant
    ends = wib_date(subscription.period_end)
    if kind == "h+3":
        title = _("Your subscription has ended")
        body = _(
            "Your %(plan)s subscription ended on %(date)s. Pay the open invoice to unlock it.",
            plan=subscription.plan.name,
            date=ends,
        )
    else:
        title = _("Your subscription ends soon")
        body = _(
            "Your %(plan)s subscription ends on %(date)s. Pay the renewal invoice to keep using it.",
            plan=subscription.plan.name,
            date=ends,
        )
    notify_tenant(tenant.id, title=title, body=body, link="/")
    db.session.flush()
    if tenant.email:
        enqueue(send_email, tenant_id=tenant.id, user_id=None, to=tenant.email, subject=title, text=body)


def expire_subscriptions(today: date, only: list[int] | None = None) -> int:
    """Periods that ended: paid plans become read-only (nothing is deleted); Free simply renews."""
    expired = 0
    for subscription in _subscriptions(("active", "overdue"), only):
        if subscription.period_end >= today:
            continue
        if Decimal(subscription.plan.price) <= 0:
            extend_subscription(subscription.tenant, subscription.plan, today)
            continue
        subscription.status = "inactive"
        apply_subscription(subscription.tenant, subscription)
        record_event(
            db.session,
            "subscription_expired",
            tenant_id=subscription.tenant_id,
            actor_id=None,
            summary=f"{subscription.plan.name} ended on {subscription.period_end.isoformat()}",
            entity=subscription.tenant,
        )
        expired += 1
    db.session.flush()
    return expired


@periodic("5 17 * * *")  # 00:05 WIB
def renewal_invoices(ctx) -> None:
    create_renewal_invoices(jakarta_today())
    db.session.commit()


@periodic("0 1 * * *")
def subscription_reminders(ctx) -> None:
    send_reminders(jakarta_today())
    db.session.commit()


@periodic("*/15 * * * *")
def subscription_expiry(ctx) -> None:
    expire_subscriptions(jakarta_today())
    db.session.commit()
