"""Notifications: vendor broadcasts to clients and system events, one bell for both.

A notification reaches a whole tenant (recipient row with tenant_id, no user) or one person
(recipient row with user_id; tenant_id NULL for vendor staff). Read state is per user.
"""

import sqlalchemy as sa
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import relationship

from app.tenancy.models import TenantScoped, utcnow

TYPES = {
    "pembaruan_produk": _l("Product Update"),
    "pengingat_pembayaran": _l("Payment Reminder"),
    "pengumuman": _l("Announcement"),
    "sistem": _l("System"),
}
BROADCAST_TYPES = ("pembaruan_produk", "pengingat_pembayaran", "pengumuman")
TARGETS = {"all": _l("All clients"), "chosen": _l("Chosen clients"), "client_type": _l("Client type")}
STATES = ("queued", "sending", "sent")


class Notification(Model):
    __tablename__ = "notification"

    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(200), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    type = sa.Column(sa.String(30), nullable=False, index=True)
    link = sa.Column(sa.String(300))
    broadcast = sa.Column(sa.Boolean, nullable=False, default=False, index=True)
    target = sa.Column(sa.String(20))
    target_client_type = sa.Column(sa.String(20))
    target_tenant_ids = sa.Column(sa.JSON)
    state = sa.Column(sa.String(10), nullable=False, default="sent")
    recipient_count = sa.Column(sa.Integer, nullable=False, default=0)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    sent_at = sa.Column(sa.DateTime)

    created_by = relationship("TenantUser")


class NotificationRecipient(TenantScoped, Model):
    __tablename__ = "notification_recipient"
    __table_args__ = (
        sa.Index("ix_notification_recipient_notification", "notification_id", "tenant_id"),
        sa.Index("ix_notification_recipient_user", "user_id"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    notification_id = sa.Column(sa.Integer, sa.ForeignKey("notification.id", ondelete="CASCADE"), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    notification = relationship("Notification")


class NotificationRead(TenantScoped, Model):
    """User X has opened notification N (tenant_id = X's tenant, for read counts per client)."""

    __tablename__ = "notification_read"
    __table_args__ = (sa.UniqueConstraint("notification_id", "user_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    notification_id = sa.Column(sa.Integer, sa.ForeignKey("notification.id", ondelete="CASCADE"), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    read_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
