"""Subscription lifecycle: periods paid for, renewal invoices, reminders, expiry (the read-only lock),
and the billing side of plan changes (the tenant-facing rules are in app/signup/plan_changes.py).

`only` limits a run to some tenants.

Days are counted in WIB (Asia/Jakarta); a period is exactly the plan's `period_days` days, from its first
day to its `period_end` day, both included (the next period starts the day after `period_end`). Every
periodic job here is idempotent: renewal invoices are unique per period end, reminders are remembered
per period end and kind, expiry is a state change.

Plan changes. An upgrade is charged for the rest of the current period with `prorated_charge` and switches
the plan when its invoice is paid (the period end stays). A downgrade waits for the period's end: the
renewal invoice bills the smaller plan, and the switch itself happens when the period is over. Invoices
that no longer fit (a renewal billing another plan, an upgrade that was withdrawn) are cancelled by a
credit note, never edited.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.billing import invoices
from app.billing.clients import apply_subscription, client_event, first_period_end, subscription_of
from app.billing.credit_notes import issue_credit_note
from app.billing.invoice_rules import DEFAULT_TAX_RULE
from app.billing.models import Invoice, Plan, Subscription
from app.billing.payment_models import PlanChange, SubscriptionInvoice, SubscriptionReminder
from app.core.formatting import jakarta_today, wib_date
from app.core.validation import FieldError
from app.extensions import db
from app.jobs.queue import enqueue
from app.jobs.schedule import periodic
from app.jobs.tasks import send_email
from app.notifications.services import notify_tenant
from app.tenancy import services as tenancy
from app.tenancy.models import Tenant, utcnow

RENEWAL_LEAD_DAYS = 7
REMINDER_DAYS = {7: "h-7", 3: "h-3", 0: "h0", -3: "h+3"}
PRORATION_DAYS = 30
UPGRADE_DUE_DAYS = 3


def _is_free(plan: Plan) -> bool:
    return Decimal(plan.price) <= 0


def subscription_invoice(
    tenant: Tenant,
    plan: Plan,
    *,
    kind: str,
    today: date,
    due: date,
    for_period_end: date | None = None,
    line: tuple[str, int, Decimal] | None = None,
) -> Invoice:
    """The invoice for one period of `plan` (or `line`), linked so that paying it activates, extends or
    upgrades the subscription."""
    line = line or (f"SiLogistik {plan.name} ({plan.period_days} days)", 1, Decimal(plan.price))
    invoice = _issue(tenant.id, line, today=today, due=due)
    db.session.add(
        SubscriptionInvoice(
            tenant_id=tenant.id, invoice_id=invoice.id, plan_id=plan.id, kind=kind, for_period_end=for_period_end
        )
    )
    db.session.flush()
    return invoice


def _issue(tenant_id: int, line: tuple[str, int, Decimal], *, today: date, due: date) -> Invoice:
    draft = invoices.InvoiceDraft(tenant_id=tenant_id, lines=[line], due_date=due, tax_rule=DEFAULT_TAX_RULE)
    return invoices.create_invoice(draft, today=today, actor_id=None)


def extend_subscription(tenant: Tenant, plan: Plan, today: date) -> Subscription:
    """A paid period: continues the current one on the current plan (a scheduled downgrade switches when
    the period ends), or starts today on `plan` when it has ended or never began."""
    subscription = subscription_of(tenant)
    if subscription is None:
        subscription = Subscription(tenant_id=tenant.id, started_on=today, period_end=today)
        db.session.add(subscription)
    restart = subscription.status != "active" or subscription.period_end < today
    if restart:
        subscription.plan = plan
        subscription.started_on = today
        subscription.period_end = first_period_end(today, plan)
    else:
        subscription.period_end = subscription.period_end + timedelta(days=plan.period_days)
    subscription.status = "active"
    db.session.flush()
    switch_plan(subscription, subscription.plan)
    client_event(
        tenant,
        "subscription_paid",
        actor_id=None,
        summary=f"{subscription.plan.name} active until {subscription.period_end.isoformat()}",
    )
    return subscription


def switch_plan(subscription: Subscription, plan: Plan) -> None:
    """Put the subscription on `plan`: its quotas at once, its modules switched on."""
    subscription.plan = plan
    db.session.flush()
    tenant = subscription.tenant
    apply_subscription(tenant, subscription)
    tenancy.set_modules(tenant, set(tenancy.enabled_modules(tenant.id)) | {m.code for m in plan.modules if m.active})


def settle(link: SubscriptionInvoice, today: date) -> str:
    """What paying a subscription invoice in full does; returns what changed."""
    tenant = link.invoice.tenant
    if link.kind == "upgrade":
        return apply_upgrade(tenant, link.invoice_id, today)
    subscription = extend_subscription(tenant, link.plan, today)
    stale = pending_change(tenant.id)
    if stale is not None and stale.kind == "upgrade" and stale.period_end < subscription.period_end:
        withdraw(stale, _("The renewal was paid first; request the upgrade again to have it priced anew."), today)
    return f"Subscription {subscription.plan.name} active until {subscription.period_end.isoformat()}."


def _subscriptions(statuses: tuple[str, ...], only: list[int] | None) -> list[Subscription]:
    query = sa.select(Subscription).where(Subscription.status.in_(statuses)).order_by(Subscription.id)
    if only is not None:
        query = query.where(Subscription.tenant_id.in_(only))
    return list(db.session.execute(query).scalars())


def renewal_link(tenant_id: int, period_end: date) -> SubscriptionInvoice | None:
    """The renewal invoice for the period after `period_end`, once issued."""
    return db.session.execute(
        sa.select(SubscriptionInvoice).where(
            SubscriptionInvoice.tenant_id == tenant_id, SubscriptionInvoice.for_period_end == period_end
        )
    ).scalar_one_or_none()


def create_renewal_invoices(today: date, only: list[int] | None = None) -> int:
    """Seven days before a paid period ends, the invoice for the next one (once per period end), for the
    plan the next period will be on."""
    created = 0
    for subscription in _subscriptions(("active",), only):
        days_left = (subscription.period_end - today).days
        plan = scheduled_plan(subscription)
        if days_left > RENEWAL_LEAD_DAYS or days_left < 0 or _is_free(plan):
            continue
        if renewal_link(subscription.tenant_id, subscription.period_end) is not None:
            continue
        subscription_invoice(
            subscription.tenant,
            plan,
            kind="renewal",
            today=today,
            due=subscription.period_end,
            for_period_end=subscription.period_end,
        )
        created += 1
    return created


def open_subscription_invoice(tenant: Tenant, today: date) -> Invoice | None:
    """The invoice that brings an expired (or ending) paid subscription back: the open signup or renewal
    invoice, or, when none was ever issued or it was cancelled, a renewal for the current period end issued
    now (the period restarts on the day it is paid). Idempotent: one renewal per period end, the
    subscription row locked meanwhile. None when there is nothing to renew (a running Free plan, a period
    far from its end, or its renewal already paid)."""
    subscription = locked_subscription(tenant)
    if subscription is None:
        return None
    links = db.session.execute(
        sa.select(SubscriptionInvoice)
        .where(SubscriptionInvoice.tenant_id == tenant.id, SubscriptionInvoice.kind.in_(("signup", "renewal")))
        .order_by(SubscriptionInvoice.id.desc())
    ).scalars()
    for link in links:
        invoice = link.invoice
        if not invoice.cancelled and Decimal(invoice.outstanding) > 0:
            return invoice
    running = subscription.status == "active" and subscription.period_end >= today
    plan = scheduled_plan(subscription) if running else subscription.plan
    if _is_free(plan) or (running and (subscription.period_end - today).days > RENEWAL_LEAD_DAYS):
        return None
    link = renewal_link(tenant.id, subscription.period_end)
    if link is not None:
        if not link.invoice.cancelled:
            return None  # paid: the period is extended already
        db.session.delete(link)  # cancelled by a credit note: issued again
        db.session.flush()
    return subscription_invoice(
        tenant,
        plan,
        kind="renewal",
        today=today,
        due=max(subscription.period_end, today),
        for_period_end=subscription.period_end,
    )


def send_reminders(today: date, only: list[int] | None = None) -> int:
    """E-mail and bell at H-7, H-3, H0 and H+3 of each period end; each once."""
    sent = 0
    for subscription in _subscriptions(("active", "inactive"), only):
        kind = REMINDER_DAYS.get((subscription.period_end - today).days)
        if kind is None or _is_free(scheduled_plan(subscription)):
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
    _tell(subscription.tenant, title, body)


def _tell(tenant: Tenant, title: str, body: str) -> None:
    """Bell and e-mail to the tenant."""
    notify_tenant(tenant.id, title=title, body=body, link="/langganan/")
    db.session.flush()
    if tenant.email:
        enqueue(send_email, tenant_id=tenant.id, user_id=None, to=tenant.email, subject=title, text=body)


def expire_subscriptions(today: date, only: list[int] | None = None) -> int:
    """Periods that ended: paid plans become read-only (nothing is deleted); Free simply renews. A period
    whose downgrade to Free is due is left to the plan-change job, which switches it."""
    expired = 0
    for subscription in _subscriptions(("active", "overdue"), only):
        if subscription.period_end >= today:
            continue
        if _is_free(subscription.plan):
            extend_subscription(subscription.tenant, subscription.plan, today)
            continue
        if _is_free(scheduled_plan(subscription)):
            continue
        subscription.status = "inactive"
        apply_subscription(subscription.tenant, subscription)
        client_event(
            subscription.tenant,
            "subscription_expired",
            actor_id=None,
            summary=f"{subscription.plan.name} ended on {subscription.period_end.isoformat()}",
        )
        expired += 1
    db.session.flush()
    return expired


# --- plan changes -------------------------------------------------------------------------
def remaining_days(period_end: date, today: date, period_days: int = PRORATION_DAYS) -> int:
    """Days of the period still to use, today (WIB) and the last day included; at most a whole period
    (a renewal paid ahead is not charged twice)."""
    return min(max((period_end - today).days + 1, 0), period_days)


def prorated_charge(current_price, new_price, days: int, period_days: int = PRORATION_DAYS) -> Decimal:
    """The upgrade charge: (new price - current price) x remaining days / period days, rounded half up to
    whole Rupiah (before tax, which the invoice adds like on every subscription invoice); never more than
    the difference for a whole period."""
    difference = Decimal(new_price) - Decimal(current_price)
    days = min(max(days, 0), period_days)
    return (difference * days / period_days).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def pending_change(tenant_id: int) -> PlanChange | None:
    return db.session.execute(
        sa.select(PlanChange).where(PlanChange.tenant_id == tenant_id, PlanChange.status == "pending")
    ).scalar_one_or_none()


def scheduled_plan(subscription: Subscription) -> Plan:
    """The plan the period after the current one is on: a downgrade due at its end, or the current plan."""
    change = pending_change(subscription.tenant_id)
    if change is not None and change.kind == "downgrade" and change.period_end == subscription.period_end:
        return change.to_plan
    return subscription.plan


def locked_subscription(tenant: Tenant) -> Subscription | None:
    """The subscription row locked until the transaction ends: plan changes of one tenant run one by one."""
    return db.session.execute(
        sa.select(Subscription)
        .where(Subscription.tenant_id == tenant.id)
        .with_for_update(of=Subscription)  # not the joined plan
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _new_change(subscription: Subscription, kind: str, plan: Plan, actor_id: int | None) -> PlanChange:
    change = PlanChange(
        tenant_id=subscription.tenant_id,
        kind=kind,
        from_plan=subscription.plan,
        to_plan=plan,
        period_end=subscription.period_end,
        requested_by_id=actor_id,
    )
    db.session.add(change)
    db.session.flush()
    _audit(change, "plan_change_requested", actor_id)
    return change


def _audit(change: PlanChange, action: str, actor_id: int | None) -> None:
    record_event(
        db.session,
        action,
        tenant_id=change.tenant_id,
        actor_id=actor_id,
        summary=f"{change.kind.capitalize()} {change.from_plan.name} -> {change.to_plan.name}: {change.status}",
        entity=change,
        details={
            "period_end": change.period_end.isoformat(),
            "invoice": change.invoice.number if change.invoice else None,
            "note": change.note,
        },
    )


def _decide(change: PlanChange, status: str, actor_id: int | None, note: str | None = None) -> None:
    change.status, change.decided_at, change.note = status, utcnow(), note[:500] if note else None
    db.session.flush()
    _audit(change, f"plan_change_{status}", actor_id)


def request_upgrade(subscription: Subscription, plan: Plan, today: date, actor_id: int | None) -> PlanChange:
    """The upgrade and its invoice for the rest of the period; it switches the plan when paid."""
    period_days = subscription.plan.period_days
    days = remaining_days(subscription.period_end, today, period_days)
    charge = prorated_charge(subscription.plan.price, plan.price, days, period_days)
    change = _new_change(subscription, "upgrade", plan, actor_id)
    if charge <= 0:  # prices a few Rupiah apart: nothing to pay
        _upgrade_now(change, subscription, today, actor_id)
        return change
    line = (
        f"SiLogistik upgrade {subscription.plan.name} to {plan.name}: {days}/{period_days} days "
        f"({wib_date(today)} - {wib_date(subscription.period_end)})",
        1,
        charge,
    )
    due = min(today + timedelta(days=UPGRADE_DUE_DAYS), subscription.period_end)
    change.invoice = subscription_invoice(subscription.tenant, plan, kind="upgrade", today=today, due=due, line=line)
    db.session.flush()
    return change


def apply_upgrade(tenant: Tenant, invoice_id: int, today: date) -> str:
    """The upgrade's invoice is paid: the plan and its quotas switch now, the period end stays."""
    change = db.session.execute(sa.select(PlanChange).where(PlanChange.invoice_id == invoice_id)).scalar_one()
    subscription = subscription_of(tenant)
    if change.status != "pending" or subscription.plan_id != change.from_plan_id:
        _audit(change, "plan_upgrade_not_applied", None)
        return (
            f"Upgrade to {change.to_plan.name} not applied: the change is {change.status} and the plan is "
            f"{subscription.plan.name}; credit or refund the payment."
        )
    _upgrade_now(change, subscription, today, None)
    return f"Upgraded to {change.to_plan.name} until {subscription.period_end.isoformat()}."


def _upgrade_now(change: PlanChange, subscription: Subscription, today: date, actor_id: int | None) -> None:
    """Plan and quotas switch, the period end stays; the next period's renewal bills the new plan."""
    switch_plan(subscription, change.to_plan)
    _decide(change, "applied", actor_id)
    reprice_renewal(subscription.tenant, subscription.period_end, change.to_plan, today, actor_id=actor_id)
    _tell(
        subscription.tenant,
        _("Your plan was upgraded"),
        _(
            "Your plan is now %(plan)s, until %(date)s.",
            plan=change.to_plan.name,
            date=wib_date(subscription.period_end),
        ),
    )


def schedule_downgrade(subscription: Subscription, plan: Plan, today: date, actor_id: int | None) -> PlanChange:
    """The downgrade at the end of the current period; a renewal invoice already issued is issued again
    for the smaller plan."""
    change = _new_change(subscription, "downgrade", plan, actor_id)
    reprice_renewal(subscription.tenant, subscription.period_end, plan, today, actor_id=actor_id)
    return change


def cancel_downgrade(change: PlanChange, today: date, actor_id: int | None) -> None:
    link = renewal_link(change.tenant_id, change.period_end)
    if link is not None and Decimal(link.invoice.paid_amount) > 0:
        raise FieldError(
            "plan",
            _l(
                "The renewal invoice %(number)s for %(plan)s is already paid; the change can no longer be cancelled.",
                number=link.invoice.number,
                plan=change.to_plan.name,
            ),
        )
    reprice_renewal(change.tenant, change.period_end, change.from_plan, today, actor_id=actor_id)
    _decide(change, "cancelled", actor_id)


def withdraw(change: PlanChange, note: str, today: date, actor_id: int | None = None) -> None:
    """An upgrade that will not be paid any more: its invoice is cancelled by a credit note. When the system
    withdraws it (no `actor_id`), the tenant is told why."""
    invoice = change.invoice
    if invoice is not None and not invoice.cancelled and Decimal(invoice.paid_amount) == 0:
        issue_credit_note(invoice.id, reason=f"Upgrade withdrawn: {note}", today=today, actor_id=actor_id)
    _decide(change, "withdrawn", actor_id, note)
    if actor_id is None:
        _tell(
            change.tenant,
            _("Your upgrade request was withdrawn"),
            _("The upgrade to %(plan)s was withdrawn: %(reason)s", plan=change.to_plan.name, reason=note),
        )


def apply_downgrade(change: PlanChange, today: date) -> None:
    """The period is over: the subscription moves to the smaller plan (a Free period starts today)."""
    subscription = subscription_of(change.tenant)
    switch_plan(subscription, change.to_plan)
    if _is_free(change.to_plan) and subscription.period_end < today:
        extend_subscription(change.tenant, change.to_plan, today)
    _decide(change, "applied", None)
    _tell(
        change.tenant,
        _("Your plan was changed"),
        _("Your plan is now %(plan)s.", plan=change.to_plan.name),
    )


def refuse_downgrade(change: PlanChange, reason: str, today: date) -> None:
    """Usage is above the smaller plan at the switch: the current plan stays, and so does its price."""
    link = renewal_link(change.tenant_id, change.period_end)
    if link is not None and Decimal(link.invoice.paid_amount) > 0:
        difference = Decimal(change.from_plan.price) - Decimal(link.plan.price)
        line = (f"SiLogistik {change.from_plan.name} kept instead of {link.plan.name}", 1, difference)
        _issue(change.tenant_id, line, today=today, due=today + timedelta(days=UPGRADE_DUE_DAYS))
    else:
        reprice_renewal(change.tenant, change.period_end, change.from_plan, today, actor_id=None)
    _decide(change, "refused", None, reason)
    _tell(
        change.tenant,
        _("Your plan change was not applied"),
        _("Your plan stays %(plan)s: %(reason)s", plan=change.from_plan.name, reason=reason),
    )


def reprice_renewal(tenant: Tenant, period_end: date, plan: Plan, today: date, *, actor_id: int | None) -> None:
    """Make the renewal for the period after `period_end` bill `plan`. An unpaid renewal invoice for another
    plan is cancelled by a credit note; a new one is issued when renewals are due (from H-7)."""
    link = renewal_link(tenant.id, period_end)
    if link is not None:
        if link.plan_id == plan.id:
            return
        if not link.invoice.cancelled:
            issue_credit_note(
                link.invoice_id, reason=f"Renewal for {plan.name} instead", today=today, actor_id=actor_id
            )
        db.session.delete(link)
        db.session.flush()
    if _is_free(plan) or (period_end - today).days > RENEWAL_LEAD_DAYS:
        return
    subscription_invoice(
        tenant, plan, kind="renewal", today=today, due=max(period_end, today), for_period_end=period_end
    )


@periodic("5 17 * * *")  # 00:05 WIB
def renewal_invoices(ctx) -> None:
    create_renewal_invoices(jakarta_today())


@periodic("0 1 * * *")
def subscription_reminders(ctx) -> None:
    send_reminders(jakarta_today())


@periodic("*/15 * * * *")
def subscription_expiry(ctx) -> None:
    expire_subscriptions(jakarta_today())
