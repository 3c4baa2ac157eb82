"""Plan changes the vendor makes for a client, from the client's page in the back-office.

The same rules as the client's own Langganan page (app/signup/plan_changes.py): an upgrade now, billed
pro rata by an invoice the client pays; a downgrade at the next renewal, refused while usage is above the
smaller plan's quotas. The vendor may also extend the paid period (a goodwill extension, a late bank
transfer). Every change needs a reason, kept in the client's history. It lives in signup, not billing,
because the quota check counts shipments (billing and logistics do not import each other).
"""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from app.billing import lifecycle
from app.billing.clients import apply_subscription, checked_reason, client_event
from app.billing.payment_models import PlanChange
from app.core.formatting import wib_date
from app.core.validation import FieldError
from app.extensions import db
from app.signup import plan_changes
from app.tenancy.models import Tenant

MAX_REASON = 500
MAX_EXTENSION_DAYS = 366


def _reason(raw: str) -> str:
    return checked_reason(raw, MAX_REASON)


def change_plan(tenant: Tenant, plan_code: str, reason: str, *, actor_id: int, today: date) -> PlanChange:
    """An upgrade (its prorated invoice issued) or a downgrade scheduled for the renewal, with the reason."""
    reason = _reason(reason)
    change = plan_changes.request_change(tenant, (plan_code or "")[:20], actor_id=actor_id, today=today)
    starts = None if change.kind == "upgrade" else change.period_end + timedelta(days=1)
    when = "now" if starts is None else f"from {wib_date(starts)}"
    client_event(
        tenant,
        "plan_change_by_vendor",
        actor_id=actor_id,
        summary=f"Plan {change.kind} {change.from_plan.name} -> {change.to_plan.name} ({when}): {reason}",
        details={
            "from": change.from_plan.name,
            "to": change.to_plan.name,
            "starts": starts.isoformat() if starts else None,
            "reason": reason,
        },
    )
    return change


def extend_period(tenant: Tenant, days_raw: str, reason: str, *, actor_id: int, today: date):
    """Move the end of the paid period `days` later; the client keeps its plan and quotas meanwhile."""
    text = (days_raw or "").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_EXTENSION_DAYS:
        raise FieldError("days", _l("Enter a number of days from 1 to 366."))
    reason = _reason(reason)
    subscription = lifecycle.locked_subscription(tenant)
    if subscription is None:
        raise FieldError("days", _l("This client has no subscription to extend."))
    old_end = subscription.period_end
    subscription.period_end = max(old_end, today - timedelta(days=1)) + timedelta(days=int(text))
    db.session.flush()
    apply_subscription(tenant, subscription)
    client_event(
        tenant,
        "period_extended_by_vendor",
        actor_id=actor_id,
        summary=f"Period extended {wib_date(old_end)} -> {wib_date(subscription.period_end)}: {reason}",
        details={"from": old_end.isoformat(), "to": subscription.period_end.isoformat(), "reason": reason},
    )
    return subscription
