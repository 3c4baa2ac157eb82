"""billing: credit notes that cancel issued invoices

Revision ID: 0008_credit_notes
Revises: 0007_search_indexes
Create Date: 2026-11-22 16:40:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0008_credit_notes"
down_revision = "0007_search_indexes"
branch_labels = None
depends_on = None


def upgrade():
    # Credit note numbers count in billing_invoice_counter under their own keys ("credit_note:2026").
    op.create_table(
        "billing_credit_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=0), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["ab_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["invoice_id"], ["billing_invoice.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invoice_id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("billing_credit_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_billing_credit_note_tenant_id"), ["tenant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("billing_credit_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_credit_note_tenant_id"))
    op.drop_table("billing_credit_note")
    op.execute("DELETE FROM billing_invoice_counter WHERE period LIKE 'credit_note:%'")
