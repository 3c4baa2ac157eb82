"""Per-tenant settings: tracking-number format and counter, weight rules, company profile."""

import sqlalchemy as sa
from flask_appbuilder import Model

from app.core.mixins import Audited
from app.logistics.shipments.calculator import DEFAULT_DIVISOR, ROUNDING_EXACT
from app.tenancy.models import TenantMixin, utcnow

DEFAULT_PREFIX = "RESI"
DEFAULT_PADDING = 5


class TenantSettings(TenantMixin, Audited, Model):
    """One row per tenant. `next_sequence` is the atomic tracking-number counter."""

    __tablename__ = "tenant_settings"
    __table_args__ = (sa.UniqueConstraint("tenant_id", name="uq_tenant_settings_tenant"),)
    __audit_exclude__ = frozenset({"next_sequence", "updated_at"})

    id = sa.Column(sa.Integer, primary_key=True)
    tracking_prefix = sa.Column(sa.String(12), nullable=False, default=DEFAULT_PREFIX)
    tracking_padding = sa.Column(sa.Integer, nullable=False, default=DEFAULT_PADDING)
    next_sequence = sa.Column(sa.BigInteger, nullable=False, default=1)
    volume_divisor = sa.Column(sa.Integer, nullable=False, default=DEFAULT_DIVISOR)
    rounding_mode = sa.Column(sa.String(10), nullable=False, default=ROUNDING_EXACT)
    rounding_tolerance = sa.Column(sa.Numeric(4, 2), nullable=False, default=0.3)
    minimum_weight = sa.Column(sa.Numeric(12, 2), nullable=False, default=0)
    company_name = sa.Column(sa.String(150))
    company_address = sa.Column(sa.Text)
    company_website = sa.Column(sa.String(255))
    company_phone = sa.Column(sa.String(30))
    logo_path = sa.Column(sa.String(255))
    # Default label design and size (app/logistics/documents/labels.py); every print may choose others.
    label_template = sa.Column(sa.String(10), nullable=False, default="standard", server_default="standard")
    label_size = sa.Column(sa.String(10), nullable=False, default="thermal", server_default="thermal")
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Settings {self.tracking_prefix}"
