"""dashboard indexes: issued shipments by tenant and time (index-only aggregates), revenue and feeds

Revision ID: 0006_dashboards
Revises: 0005_signup
Create Date: 2026-11-22 14:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_dashboards"
down_revision = "0005_signup"
branch_labels = None
depends_on = None

ISSUED = sa.text("tracking_number IS NOT NULL")


def upgrade():
    op.create_index(
        "ix_shipment_issued_created",
        "shipment",
        ["tenant_id", "created_at"],
        postgresql_where=ISSUED,
        sqlite_where=ISSUED,
        postgresql_include=["status", "receiver_city", "total_weight", "courier_id", "marketing_id"],
    )
    op.create_index("ix_billing_payment_paid_at", "billing_payment", ["paid_at"], postgresql_include=["amount"])
    op.create_index("ix_billing_payment_created", "billing_payment", ["created_at"])
    op.create_index("ix_helpdesk_ticket_resolved", "helpdesk_ticket", ["resolved_at"])
    op.create_index("ix_tenant_created", "tenant", ["created_at"])
    op.create_index("ix_tenant_joined_on", "tenant", ["joined_on"])
    op.create_index("ix_activity_log_action_created", "activity_log", ["action", "created_at"])


def downgrade():
    op.drop_index("ix_activity_log_action_created", table_name="activity_log")
    op.drop_index("ix_tenant_joined_on", table_name="tenant")
    op.drop_index("ix_tenant_created", table_name="tenant")
    op.drop_index("ix_helpdesk_ticket_resolved", table_name="helpdesk_ticket")
    op.drop_index("ix_billing_payment_created", table_name="billing_payment")
    op.drop_index("ix_billing_payment_paid_at", table_name="billing_payment")
    op.drop_index("ix_shipment_issued_created", table_name="shipment")
