"""Demo broadcasts to every client: a per-tenant step, since fan-out is idempotent and adds the new tenant."""

import sqlalchemy as sa

from app.extensions import db
from app.notifications import services
from app.notifications.models import Notification
from app.security.models import TenantUser

DEMO = (
    (
        "Modul Laporan Keuangan kini tersedia",
        "Modul baru untuk laporan keuangan sudah dapat diaktifkan.",
        "pembaruan_produk",
    ),
    ("Pemeliharaan sistem Sabtu malam", "Layanan tidak tersedia Sabtu pukul 22.00-23.00 WIB.", "pengumuman"),
)


def seed_notifications(tenant, users_by_role) -> None:
    admin = db.session.execute(sa.select(TenantUser).filter_by(email="admin@vendor.test")).scalar_one_or_none()
    for title, body, type_ in DEMO:
        notification = db.session.execute(
            sa.select(Notification).filter_by(title=title, broadcast=True)
        ).scalar_one_or_none()
        if notification is None:
            notification = services.compose(
                title=title, body=body, type_=type_, target="all", client_type=None, tenant_ids=(), created_by=admin
            )
        services.fan_out(notification.id)
