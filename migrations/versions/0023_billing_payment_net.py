"""Revenue net of PPN as a sum over payments alone, and an index of open invoices

billing_payment.net_amount: the payment less its invoice's share of tax (tax / total), filled for the
payments already recorded; the paid_at index carries it so that the vendor home's revenue cards read
no invoice. ix_billing_invoice_open: the open invoices by client and due date, for "Jatuh Tempo".

Revision ID: 0023_billing_payment_net
Revises: 0022_backoffice_helpdesk
Create Date: 2026-12-07 19:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_billing_payment_net"
down_revision = "0022_backoffice_helpdesk"
branch_labels = None
depends_on = None

OPEN = sa.text("paid_amount < total")


def upgrade():
    with op.batch_alter_table("billing_payment") as batch:
        batch.add_column(sa.Column("net_amount", sa.Numeric(18, 2), nullable=False, server_default="0"))
    op.execute(
        """UPDATE billing_payment SET net_amount = COALESCE((
               SELECT ROUND(billing_payment.amount * (i.total - i.tax) * 1.0 / i.total, 2)
               FROM billing_invoice i WHERE i.id = billing_payment.invoice_id AND i.total > 0), 0)"""
    )
    op.drop_index("ix_billing_payment_paid_at", table_name="billing_payment")
    op.create_index(
        "ix_billing_payment_paid_at", "billing_payment", ["paid_at"], postgresql_include=["amount", "net_amount"]
    )
    op.create_index(
        "ix_billing_invoice_open",
        "billing_invoice",
        ["tenant_id", "due_date"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade():
    op.drop_index("ix_billing_invoice_open", table_name="billing_invoice")
    op.drop_index("ix_billing_payment_paid_at", table_name="billing_payment")
    op.create_index("ix_billing_payment_paid_at", "billing_payment", ["paid_at"], postgresql_include=["amount"])
    with op.batch_alter_table("billing_payment") as batch:
        batch.drop_column("net_amount")
