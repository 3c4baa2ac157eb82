"""shipment list indexes: filtered keyset orders, trigram search, quota count

Revision ID: 0007_search_indexes
Revises: 0006_dashboards
Create Date: 2026-11-22 14:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_search_indexes"
down_revision = "0006_dashboards"
branch_labels = None
depends_on = None

# Must stay identical to app.logistics.shipments.listing.SEARCH_TEXT_SQL, or the planner ignores the index.
SEARCH_TEXT_SQL = (
    "(COALESCE(tracking_number, '') || ' ' || sender_name || ' ' || receiver_name"
    " || ' ' || sender_phone || ' ' || receiver_phone)"
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index("ix_shipment_tenant_status")
        batch_op.create_index("ix_shipment_tenant_status_created", ["tenant_id", "status", "created_at", "id"])
        batch_op.create_index("ix_shipment_courier_created", ["courier_id", "created_at", "id"])
        batch_op.create_index("ix_shipment_marketing_created", ["marketing_id", "created_at", "id"])
        batch_op.create_index("ix_shipment_tenant_issued", ["tenant_id", "issued_at"])
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        # (tenant_id, text): one GIN scan answers "this tenant AND contains".
        op.execute(
            f"CREATE INDEX ix_shipment_search_trgm ON shipment USING gin (tenant_id, {SEARCH_TEXT_SQL} gin_trgm_ops)"
        )


def downgrade():
    if _is_postgresql():
        op.execute("DROP INDEX IF EXISTS ix_shipment_search_trgm")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index("ix_shipment_tenant_issued")
        batch_op.drop_index("ix_shipment_marketing_created")
        batch_op.drop_index("ix_shipment_courier_created")
        batch_op.drop_index("ix_shipment_tenant_status_created")
        batch_op.create_index("ix_shipment_tenant_status", ["tenant_id", "status"])
