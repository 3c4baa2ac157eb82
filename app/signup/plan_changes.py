"""Plan changes from the Langganan page, by the tenant's Super Admin: the rules.

Upgrade (to a plan with a higher price; Free -> a paid plan is one) takes effect when paid. It costs the
price difference for the rest of the current period:

    (new price - current price) x remaining days / period days (30), rounded half up to whole Rupiah,

the remaining days running from today (WIB) to the period's last day, both included, at most a whole
period (so it never costs more than the difference for a whole period); the invoice adds
PPN like every subscription invoice. It is the invoice the vendor sees, paid through the configured
gateway like a checkout. Once paid, the plan and its quotas switch at once and the period end stays; a
renewal invoice already issued for the next period is issued again for the new plan.

Downgrade (to a lower price; a paid plan -> Free is one) is scheduled for the end of the current period:
the renewal invoice bills the smaller plan, and the plan switches when the period is over. It is refused,
naming the quota, while usage (shipments this period, user accounts) is above the smaller plan's quotas.
The switch checks again: if usage is then above, the current plan stays (and so does its price) and the
tenant is told why. A scheduled downgrade can be cancelled until its renewal invoice is paid.

At most one change is pending: a new request replaces it (an unpaid upgrade's invoice is then cancelled
by a credit note). The billing mechanics are in app/billing/lifecycle.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.billing import lifecycle
from app.billing.clients import subscription_of
from app.billing.models import Plan
from app.billing.payment_models import PlanChange
from app.core.validation import FieldError
from app.extensions import db
from app.signup.account import over_quota
from app.signup.activation import offered_plans
from app.tenancy.models import Tenant


@dataclass(frozen=True)
class Option:
    """Another plan as the Langganan page offers it."""

    plan: Plan
    kind: str  # upgrade / downgrade
    charge: Decimal | None  # upgrade: what the rest of the period costs, before tax
    takes_effect: date
    blocked_by: str | None = None  # downgrade: why the current usage does not fit it (quota_problem)


def is_upgrade(current: Plan, plan: Plan) -> bool:
    return Decimal(plan.price) > Decimal(current.price)


def options(tenant: Tenant, today: date) -> list[Option]:
    subscription = subscription_of(tenant)
    if subscription is None:
        return []
    current = subscription.plan
    days = lifecycle.remaining_days(subscription.period_end, today, current.period_days)
    next_period = subscription.period_end + timedelta(days=1)
    return [
        Option(plan, "upgrade", lifecycle.prorated_charge(current.price, plan.price, days, current.period_days), today)
        if is_upgrade(current, plan)
        else Option(plan, "downgrade", None, next_period, quota_problem(tenant, plan))
        for plan in offered_plans()
        if plan.id != current.id
    ]


def quota_problem(tenant: Tenant, plan: Plan, now: datetime | None = None) -> str | None:
    """Why `plan` cannot hold the tenant's current usage, or None."""
    problems = over_quota(tenant, plan, now)
    if not problems:
        return None
    return "; ".join(
        _(
            "%(what)s: %(used)s in use, the %(plan)s plan allows %(quota)s",
            what=meter.label,
            used=meter.used,
            plan=plan.name,
            quota=meter.quota,
        )
        for meter in problems
    )


def request_change(
    tenant: Tenant, plan_code: str, *, actor_id: int | None, today: date, now: datetime | None = None
) -> PlanChange:
    """An upgrade (with its invoice, to be paid next) or a scheduled downgrade; a repeated request returns
    the pending change."""
    plan = next((p for p in offered_plans() if p.code == plan_code), None)
    if plan is None:
        raise FieldError("plan", _l("Choose a plan."))
    subscription = lifecycle.locked_subscription(tenant)
    if subscription is None or subscription.status != "active" or subscription.period_end < today:
        raise FieldError("plan", _l("Your subscription is not active. Pay the open invoice first."))
    if plan.id == subscription.plan_id:
        raise FieldError("plan", _l("You are already on the %(plan)s plan.", plan=plan.name))
    pending = lifecycle.pending_change(tenant.id)
    if pending is not None and pending.to_plan_id == plan.id:
        return pending
    upgrade = is_upgrade(subscription.plan, plan)
    problem = None if upgrade else quota_problem(tenant, plan, now)
    if problem:
        raise FieldError(
            "plan",
            _l(
                "You cannot move to %(plan)s while your usage is above its quotas. %(reasons)s.",
                plan=plan.name,
                reasons=problem,
            ),
        )
    if pending is not None:
        _replace(pending, today, actor_id)
    if upgrade:
        return lifecycle.request_upgrade(subscription, plan, today, actor_id)
    return lifecycle.schedule_downgrade(subscription, plan, today, actor_id)


def _replace(pending: PlanChange, today: date, actor_id: int | None) -> None:
    if pending.kind == "downgrade":
        lifecycle.cancel_downgrade(pending, today, actor_id)
    else:
        lifecycle.withdraw(pending, _("replaced by another plan change."), today, actor_id)


def cancel_pending_downgrade(tenant: Tenant, *, actor_id: int | None, today: date) -> PlanChange:
    lifecycle.locked_subscription(tenant)
    pending = lifecycle.pending_change(tenant.id)
    if pending is None or pending.kind != "downgrade":
        raise FieldError("plan", _l("There is no scheduled plan change to cancel."))
    lifecycle.cancel_downgrade(pending, today, actor_id)
    return pending


def process_due(today: date, now: datetime | None = None, only: list[int] | None = None) -> int:
    """Changes whose period is over (idempotent: each is decided once): a downgrade switches the plan or,
    with usage above the smaller plan, is refused; an upgrade still unpaid is withdrawn."""
    query = sa.select(PlanChange).where(PlanChange.status == "pending", PlanChange.period_end < today)
    if only is not None:
        query = query.where(PlanChange.tenant_id.in_(only))
    changes = list(db.session.execute(query.order_by(PlanChange.id)).scalars())
    for change in changes:
        if change.kind == "upgrade":
            lifecycle.withdraw(change, _("the period it was priced for has ended."), today)
        elif problem := quota_problem(change.tenant, change.to_plan, now):
            lifecycle.refuse_downgrade(change, problem, today)
        else:
            lifecycle.apply_downgrade(change, today)
    return len(changes)
