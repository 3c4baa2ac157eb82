"""FAB's user, extended with the tenant it belongs to (None for vendor staff)."""

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User as FabUser

from app.core.mixins import FeedsTenantFigures
from app.tenancy.models import TenantMember


class TenantUser(TenantMember, FeedsTenantFigures, FabUser):
    __tablename__ = "ab_user"

    phone = sa.Column(sa.String(30))
    # Moved by logout and by any password change: sessions and API tokens carry the value they were
    # issued with and stop working once it moves (app/security/sessions.py).
    session_epoch = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")

    tenant = sa.orm.relationship("Tenant", foreign_keys=lambda: [TenantUser.tenant_id])

    @property
    def is_vendor_staff(self) -> bool:
        return self.tenant_id is None
