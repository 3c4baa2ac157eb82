"""The tenant (which is also the vendor's client) and what it is entitled to."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import declared_attr

from app.core.mixins import Audited

CLIENT_TYPES = ("logistik", "koperasi", "bumdes", "umkm")
TENANT_STATUSES = ("active", "inactive", "overdue")
SUBSCRIPTION_STATES = ("active", "expired")
# What a page shows for each code (never the code itself): billing, helpdesk and notifications read these.
CLIENT_TYPE_LABELS = {
    "logistik": _l("Logistics"),
    "koperasi": _l("Cooperative"),
    "bumdes": _l("Bumdes"),
    "umkm": _l("UMKM"),
}
TENANT_STATUS_LABELS = {"active": _l("Active"), "inactive": _l("Inactive"), "overdue": _l("Overdue")}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Tenant(Audited, Model):
    __tablename__ = "tenant"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(150), nullable=False)
    slug = sa.Column(sa.String(63), nullable=False, unique=True)
    client_type = sa.Column(sa.String(20), nullable=False, default="logistik")
    status = sa.Column(sa.String(20), nullable=False, default="active", index=True)
    # Staff cleared the derived "Jatuh Tempo" by hand until this WIB day (app/billing/clients.py).
    overdue_waived_until = sa.Column(sa.Date)
    contact_name = sa.Column(sa.String(150))
    email = sa.Column(sa.String(320))
    phone = sa.Column(sa.String(30))
    address = sa.Column(sa.Text)
    npwp = sa.Column(sa.String(32))
    joined_on = sa.Column(sa.Date, nullable=False, default=lambda: utcnow().date())
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    # Entitlements: written by billing through tenancy.services, read by the access check.
    subscription_state = sa.Column(sa.String(20), nullable=False, default="active")
    subscription_ends_at = sa.Column(sa.DateTime)  # naive UTC: WIB midnight after the period's last day
    subscription_period_days = sa.Column(sa.Integer)  # the plan's period; quota periods count back from the end
    shipment_quota = sa.Column(sa.Integer)  # None = unlimited
    user_quota = sa.Column(sa.Integer)  # None = unlimited
    # Moves with every write to the tenant's shipments and users (app/tenancy/freshness.py).
    data_version = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")

    @property
    def audit_tenant_id(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return self.name


class TenantScoped:
    """A mapped class whose rows the central scoping hook filters by tenant.

    Used directly only where NULL means "the vendor's own row" (activity log, vendor jobs).
    """

    __tenant_nullable__ = True

    @declared_attr
    def tenant_id(cls):
        return sa.Column(
            sa.Integer, sa.ForeignKey("tenant.id", ondelete="CASCADE"), nullable=cls.__tenant_nullable__, index=True
        )


class TenantMember:
    """A mapped class whose rows belong to one tenant or (tenant_id NULL) to the vendor without being
    tenant-owned: the users. In a tenant's scope the scoping hook hides other tenants' rows and leaves the
    vendor's (a ticket's reply names its vendor author); the tenant views' pickers narrow to the tenant's own
    (app/core/views.py)."""

    @declared_attr
    def tenant_id(cls):
        return sa.Column(sa.Integer, sa.ForeignKey("tenant.id", ondelete="CASCADE"), nullable=True, index=True)


class TenantMixin(TenantScoped):
    """Every tenant-owned table: a non-null, indexed tenant_id."""

    __tenant_nullable__ = False

    @declared_attr
    def tenant(cls):
        return sa.orm.relationship(Tenant)


class TenantModule(TenantMixin, Model):
    """A product module switched on for a tenant; a missing row means switched off."""

    __tablename__ = "tenant_module"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "module_code"),)

    id = sa.Column(sa.Integer, primary_key=True)
    module_code = sa.Column(sa.String(50), nullable=False)
    enabled_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
