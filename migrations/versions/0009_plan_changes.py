"""signup: prorated upgrades and downgrades at renewal

Revision ID: 0009_plan_changes
Revises: 0008_credit_notes
Create Date: 2026-11-22 16:40:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0009_plan_changes"
down_revision = "0008_credit_notes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "billing_plan_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("from_plan_id", sa.Integer(), nullable=False),
        sa.Column("to_plan_id", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["from_plan_id"], ["billing_plan.id"]),
        sa.ForeignKeyConstraint(["to_plan_id"], ["billing_plan.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["billing_invoice.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["ab_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invoice_id"),
    )
    with op.batch_alter_table("billing_plan_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_billing_plan_change_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_billing_plan_change_tenant_id"), ["tenant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("billing_plan_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_plan_change_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_billing_plan_change_status"))
    op.drop_table("billing_plan_change")
