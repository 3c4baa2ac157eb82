"""Tariffs (ongkir): price per kg from an origin city to a destination city."""

import sqlalchemy as sa
from flask_appbuilder import Model

from app.core.mixins import Audited
from app.logistics.tariffs.cities import city_label
from app.tenancy.models import TenantMixin


class Tariff(TenantMixin, Audited, Model):
    __tablename__ = "tariff"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "origin", "destination", name="uq_tariff_route"),)

    id = sa.Column(sa.Integer, primary_key=True)
    origin = sa.Column(sa.String(5), nullable=False)  # Kemendagri code, e.g. "32.73"
    destination = sa.Column(sa.String(5), nullable=False)
    price_per_kg = sa.Column(sa.Integer, nullable=False)  # Rupiah
    est_days = sa.Column(sa.Integer)

    @property
    def origin_label(self) -> str:
        return city_label(self.origin)

    @property
    def destination_label(self) -> str:
        return city_label(self.destination)

    def __repr__(self) -> str:
        return f"{self.origin_label} -> {self.destination_label}"
