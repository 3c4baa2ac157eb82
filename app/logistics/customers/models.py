"""The customer book (issue 23): the senders a company serves, each looked after by a marketing person."""

import sqlalchemy as sa
from flask_appbuilder import Model

from app.core.mixins import Audited, FeedsTenantFigures
from app.logistics.tariffs.cities import city_label
from app.tenancy.models import TenantMixin, utcnow


class Customer(TenantMixin, Audited, FeedsTenantFigures, Model):
    """A sender in the book. Its marketing person sees it and its shipments (the shipments' row rule reads
    this table: a change moves the tenant's data version, the key of the cached lists)."""

    __tablename__ = "customer"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "phone", name="uq_customer_tenant_phone"),
        sa.Index("ix_customer_tenant_name", "tenant_id", "name", "id"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(150), nullable=False)
    phone = sa.Column(sa.String(20), nullable=False)  # E.164, +62…
    address = sa.Column(sa.Text, nullable=False)
    city = sa.Column(sa.String(5), nullable=False)  # a city code, as shipments hold it
    marketing_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    marketing = sa.orm.relationship("TenantUser", foreign_keys=[marketing_id])

    @property
    def city_label(self) -> str:
        return city_label(self.city)

    def __repr__(self) -> str:
        return self.name
