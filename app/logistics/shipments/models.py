"""Shipments, their items and their status history."""

import sqlalchemy as sa
from flask_appbuilder import Model

from app.core.mixins import Audited, FeedsTenantFigures
from app.logistics.shipments.statuses import status_label, type_label
from app.logistics.tariffs.cities import city_label, city_name
from app.tenancy.models import TenantMixin, utcnow

USER_FK = "ab_user.id"


class ShipmentLabels:
    """What a shipment's number and cities read as, for the ORM row and the list's plain row alike."""

    __slots__ = ()

    @property
    def is_draft(self) -> bool:
        return self.tracking_number is None

    @property
    def origin_label(self) -> str:
        return city_label(self.sender_city)

    @property
    def destination_label(self) -> str:
        return city_label(self.receiver_city)

    @property
    def origin_name(self) -> str:
        return city_name(self.sender_city)

    @property
    def destination_name(self) -> str:
        return city_name(self.receiver_city)


def item_names_text(names) -> str:
    """What Shipment.item_names holds for items of these names."""
    return " ".join(names)


class Shipment(ShipmentLabels, TenantMixin, Audited, FeedsTenantFigures, Model):
    """A draft (no tracking number, "Archive" tab) or an issued shipment ("Active" tab)."""

    __tablename__ = "shipment"
    __audit_exclude__ = frozenset({"item_names"})  # a copy of the items' names: the items are logged
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "tracking_number", name="uq_shipment_tracking"),
        # (tenant_id, created_at, id): scanned backwards for "newest first", forwards for "oldest first".
        sa.Index("ix_shipment_tenant_created", "tenant_id", "created_at", "id"),
        # Filtered lists stay index-ordered: status / courier / marketing, then newest first.
        sa.Index("ix_shipment_tenant_status_created", "tenant_id", "status", "created_at", "id"),
        sa.Index("ix_shipment_courier_created", "courier_id", "created_at", "id"),
        sa.Index("ix_shipment_marketing_created", "marketing_id", "created_at", "id"),
        # A customer's shipments, newest first (its page, the list filtered by customer, Marketing's row rule).
        sa.Index("ix_shipment_customer_created", "customer_id", "created_at", "id"),
        # The plan quota counts a tenant's shipments issued in the current period.
        sa.Index("ix_shipment_tenant_issued", "tenant_id", "issued_at"),
        # PostgreSQL only (migrations 0007, 0020): ix_shipment_search_trgm, a trigram GIN index over the
        # search text, see listing.SEARCH_TEXT_SQL.
        # SQLite would give a deleted shipment's id to the next one (migration 0011).
        {"sqlite_autoincrement": True},
    )

    id = sa.Column(sa.Integer, primary_key=True)
    tracking_number = sa.Column(sa.String(32))
    sender_name = sa.Column(sa.String(150), nullable=False)
    sender_phone = sa.Column(sa.String(20), nullable=False)
    sender_address = sa.Column(sa.Text, nullable=False)
    sender_city = sa.Column(sa.String(5), nullable=False)
    receiver_name = sa.Column(sa.String(150), nullable=False)
    receiver_phone = sa.Column(sa.String(20), nullable=False)
    receiver_address = sa.Column(sa.Text, nullable=False)
    receiver_city = sa.Column(sa.String(5), nullable=False)
    shipment_type = sa.Column(sa.String(10), nullable=False, default="pickup")
    status = sa.Column(sa.String(20), nullable=False)
    courier_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"), index=True)
    marketing_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"), index=True)
    customer_id = sa.Column(sa.Integer, sa.ForeignKey("customer.id", ondelete="SET NULL"))  # the sender in the book
    total_weight = sa.Column(sa.Numeric(12, 2), nullable=False, default=0)
    chargeable_weight = sa.Column(sa.Numeric(12, 2), nullable=False, default=0)
    price_per_kg = sa.Column(sa.Integer, nullable=False, default=0)
    shipping_cost = sa.Column(sa.BigInteger, nullable=False, default=0)
    discount_type = sa.Column(sa.String(10), nullable=False, default="none")
    discount_value = sa.Column(sa.Numeric(16, 2), nullable=False, default=0)
    discount_amount = sa.Column(sa.BigInteger, nullable=False, default=0)
    total_cost = sa.Column(sa.BigInteger, nullable=False, default=0)
    # The items' names (item_names_text), kept with the shipment so that the list's one search text, and
    # its trigram index, can hold them: written with the items.
    item_names = sa.Column(sa.Text, nullable=False, default="")
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    issued_at = sa.Column(sa.DateTime)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))

    courier = sa.orm.relationship("TenantUser", foreign_keys=[courier_id])
    marketing = sa.orm.relationship("TenantUser", foreign_keys=[marketing_id])
    items = sa.orm.relationship(
        "ShipmentItem",
        order_by="ShipmentItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="shipment",
    )
    events = sa.orm.relationship(
        "ShipmentStatusEvent",
        order_by="[ShipmentStatusEvent.occurred_at.desc(), ShipmentStatusEvent.id.desc()]",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="shipment",
    )

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def type_label(self) -> str:
        return type_label(self.shipment_type)

    def __repr__(self) -> str:
        return self.tracking_number or f"Draft #{self.id or ''} {self.sender_name} -> {self.receiver_name}"


class ShipmentItem(TenantMixin, FeedsTenantFigures, Model):
    __tablename__ = "shipment_item"

    id = sa.Column(sa.Integer, primary_key=True)
    shipment_id = sa.Column(sa.Integer, sa.ForeignKey("shipment.id", ondelete="CASCADE"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    name = sa.Column(sa.String(255), nullable=False)
    weight = sa.Column(sa.Numeric(12, 2), nullable=False)  # actual, per unit, kg
    quantity = sa.Column(sa.Integer, nullable=False)
    length = sa.Column(sa.Numeric(10, 2), nullable=False)  # cm
    width = sa.Column(sa.Numeric(10, 2), nullable=False)
    height = sa.Column(sa.Numeric(10, 2), nullable=False)
    volumetric_weight = sa.Column(sa.Numeric(14, 2), nullable=False)  # per unit
    line_total = sa.Column(sa.Numeric(14, 2), nullable=False)

    shipment = sa.orm.relationship(Shipment, back_populates="items")

    def __repr__(self) -> str:
        return self.name


class ShipmentStatusEvent(TenantMixin, Audited, FeedsTenantFigures, Model):
    __tablename__ = "shipment_status_event"
    __table_args__ = (sa.Index("ix_shipment_status_event_shipment", "shipment_id", "occurred_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    shipment_id = sa.Column(sa.Integer, sa.ForeignKey("shipment.id", ondelete="CASCADE"), nullable=False)
    status = sa.Column(sa.String(20), nullable=False)
    occurred_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    note = sa.Column(sa.Text)
    user_id = sa.Column(sa.Integer, sa.ForeignKey(USER_FK, ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    shipment = sa.orm.relationship(Shipment, back_populates="events")
    user = sa.orm.relationship("TenantUser", foreign_keys=[user_id])

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def __repr__(self) -> str:
        return f"{self.status_label}"
