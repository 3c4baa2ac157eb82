"""The client's context beside a ticket: from tenancy data, plus providers other areas register.

Billing (unpaid invoices, plan) and logistics (quota usage) are built separately and must not
be imported here: they call `register_client_context_provider(func)` where func(tenant) returns
a list of (label, value) rows, e.g. [("Unpaid invoices", "2 (Rp 1.500.000)")].
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.models import ActivityLog
from app.extensions import db
from app.helpdesk.models import OPEN_STATUSES, Ticket
from app.security.models import TenantUser
from app.tenancy.models import CLIENT_TYPE_LABELS, TENANT_STATUS_LABELS
from app.tenancy.services import enabled_modules, is_read_only

ContextProvider = Callable[[object], list[tuple[str, str]]]
_providers: list[ContextProvider] = []


def register_client_context_provider(provider: ContextProvider) -> None:
    """The hook for billing's plan / unpaid invoices and logistics' quota usage."""
    if provider not in _providers:
        _providers.append(provider)


def client_context(tenant) -> dict:
    users = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(TenantUser.last_login)).where(TenantUser.tenant_id == tenant.id)
    ).one()
    last_activity = db.session.execute(
        sa.select(sa.func.max(ActivityLog.created_at)).where(ActivityLog.tenant_id == tenant.id)
    ).scalar_one()
    open_tickets = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Ticket)
        .where(Ticket.tenant_id == tenant.id, Ticket.status.in_(OPEN_STATUSES))
    ).scalar_one()
    extra = [row for provider in _providers for row in provider(tenant)]
    return {
        "tenant": tenant,
        "client_type": CLIENT_TYPE_LABELS.get(tenant.client_type, "-"),
        "status": TENANT_STATUS_LABELS.get(tenant.status, tenant.status),
        "subscription": _("Read-only (expired)") if is_read_only(tenant) else _("Active"),
        "modules": sorted(enabled_modules(tenant.id)),
        "users": users[0],
        "user_quota": tenant.user_quota,
        "shipment_quota": tenant.shipment_quota,
        "last_login": users[1],
        "last_activity": last_activity,
        "open_tickets": open_tickets,
        "extra": extra,
        "invoices_available": bool(_providers),
    }
