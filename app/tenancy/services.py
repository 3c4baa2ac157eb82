"""What a request needs to know about its tenant: lookup, entitlements, the expiry lock.

Billing changes entitlements only through these functions.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.tenancy.models import Tenant, TenantModule, utcnow
from app.tenancy.scoping import SKIP_OPTION

DEFAULT_PERIOD_DAYS = 30
EXPIRED_MESSAGE = _l("Your subscription period has ended. Please continue with payment to use the features again.")
RESERVED_SLUGS = frozenset({"www", "admin", "api", "mail", "app", "static", "billing", "support", "help"})


@dataclass(frozen=True)
class Entitlements:
    tenant_id: int
    modules: frozenset[str]
    read_only: bool
    shipment_quota: int | None
    user_quota: int | None


def tenant_by_slug(slug: str) -> Tenant | None:
    return db.session.execute(sa.select(Tenant).where(Tenant.slug == slug.lower())).scalar_one_or_none()


def enabled_modules(tenant_id: int) -> frozenset[str]:
    rows = db.session.execute(
        sa.select(TenantModule.module_code).where(TenantModule.tenant_id == tenant_id),
        execution_options={SKIP_OPTION: True},
    )
    return frozenset(rows.scalars())


def is_read_only(tenant: Tenant, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if tenant.subscription_state == "expired":
        return True
    return tenant.subscription_ends_at is not None and tenant.subscription_ends_at <= now  # [start, end)


def entitlements_for(tenant: Tenant, modules: frozenset[str]) -> Entitlements:
    """`modules`: enabled for the tenant, read by the caller (the access check reads them with the grants)."""
    return Entitlements(
        tenant_id=tenant.id,
        modules=modules,
        read_only=is_read_only(tenant),
        shipment_quota=tenant.shipment_quota,
        user_quota=tenant.user_quota,
    )


def set_modules(tenant: Tenant, module_codes: set[str]) -> None:
    """Make exactly `module_codes` enabled for the tenant."""
    current = enabled_modules(tenant.id)
    for code in current - module_codes:
        db.session.execute(
            sa.delete(TenantModule).where(TenantModule.tenant_id == tenant.id, TenantModule.module_code == code),
            execution_options={SKIP_OPTION: True},
        )
    for code in sorted(module_codes - current):
        db.session.add(TenantModule(tenant_id=tenant.id, module_code=code))
    db.session.flush()


def set_subscription(
    tenant: Tenant,
    *,
    state: str,
    ends_at: datetime | None,
    shipment_quota: int | None,
    user_quota: int | None,
    status: str | None = None,
    period_days: int | None = None,
) -> None:
    """`status` (active / inactive / overdue) is the client's subscription status the vendor sees;
    `ends_at` the naive-UTC instant the paid time ends (WIB midnight after the period's last day) and
    `period_days` the plan's period, from which `quota_period` counts."""
    if status is not None:
        tenant.status = status
    tenant.subscription_state = state
    tenant.subscription_ends_at = ends_at
    if period_days is not None:
        tenant.subscription_period_days = period_days
    tenant.shipment_quota = shipment_quota
    tenant.user_quota = user_quota
    db.session.flush()


def quota_period(tenant: Tenant, now: datetime) -> tuple[datetime, datetime]:
    """The naive-UTC [start, end) of the subscription period `now` falls in: periods of the plan's days,
    back to back, counted from the end of the paid time (a renewal paid early does not start the next
    period before the current one is over). Both the first and the last WIB day are in the period."""
    length = timedelta(days=tenant.subscription_period_days or DEFAULT_PERIOD_DAYS)
    ends_at = tenant.subscription_ends_at
    if ends_at is None:  # no subscription end (demo data): the last period's length up to now
        return now - length, now + timedelta(microseconds=1)
    end = ends_at - ((ends_at - now) // length) * length  # the first period boundary at or after now
    if end <= now:
        end += length
    return end - length, end


class QuotaExceeded(Exception):
    """A plan quota is used up; `str(exc)` is the message for the user."""


def active_user_count(tenant_id: int) -> int:
    from app.security.models import TenantUser

    return db.session.execute(
        sa.select(sa.func.count(TenantUser.id)).where(TenantUser.tenant_id == tenant_id, TenantUser.active.is_(True))
    ).scalar_one()


def check_user_quota(tenant: Tenant) -> None:
    """Raise QuotaExceeded when the tenant may not get another active user account."""
    if tenant.user_quota is not None and active_user_count(tenant.id) >= tenant.user_quota:
        from flask_babel import gettext

        raise QuotaExceeded(
            gettext(
                "Your plan allows %(quota)s user accounts and they are all in use. "
                "Upgrade your plan to add more users.",
                quota=tenant.user_quota,
            )
        )


def client_choices(limit: int | None = None) -> list[tuple[int, str]]:
    """(id, "Name (slug)") for every picker that chooses a client: the slug tells same-named clients apart."""
    statement = sa.select(Tenant.id, Tenant.name, Tenant.slug).order_by(Tenant.name, Tenant.slug)
    if limit:
        statement = statement.limit(limit)
    return [(id_, f"{name} ({slug})") for id_, name, slug in db.session.execute(statement).all()]
