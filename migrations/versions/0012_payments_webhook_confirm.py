"""Webhook inbox: what the gateway's status API answered about each notification, and when

A notification's credential does not cover every field it carries (Midtrans signs only the order id,
status code and amount; Xendit's callback token is a shared secret), so nothing in it is applied until
the gateway's status API reports the same. The inbox row keeps that answer: confirmed (true / false /
null when nothing needed asking), when it was asked, and what the API said.

Revision ID: 0012_payments_webhook_confirm
Revises: 0011_sqlite_integrity
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_payments_webhook_confirm"
down_revision = "0011_sqlite_integrity"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("billing_payment_webhook") as batch:
        batch.add_column(sa.Column("confirmed", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("confirmation", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("billing_payment_webhook") as batch:
        batch.drop_column("confirmation")
        batch.drop_column("confirmed_at")
        batch.drop_column("confirmed")
