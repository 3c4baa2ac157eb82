"""Indexes that keep the dashboards' aggregate queries index-only at scale (no tables of their own).

Declared against the owning tables' columns (SQLAlchemy attaches them to those tables), so the
models and migration 0006_dashboards agree. PostgreSQL also gets INCLUDE columns, so the
dashboard's counts and distributions never visit the heap; SQLite ignores INCLUDE.
"""

import sqlalchemy as sa

from app.logistics.shipments.models import Shipment

ISSUED = Shipment.tracking_number.isnot(None)

# Issued shipments of a tenant by creation time: every tenant dashboard figure reads this range.
ix_shipment_issued_created = sa.Index(
    "ix_shipment_issued_created",
    Shipment.tenant_id,
    Shipment.created_at,
    postgresql_where=ISSUED,
    sqlite_where=ISSUED,
    postgresql_include=["status", "receiver_city", "total_weight", "courier_id", "marketing_id"],
)
