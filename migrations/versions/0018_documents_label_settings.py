"""Label settings: the tenant's default label design and size

tenant_settings.label_template (standard / compact / detailed) and label_size (thermal / a4_2 / a4_4),
both with server defaults so existing tenants print as before (standard, thermal).

Revision ID: 0018_documents_label_settings
Revises: 0017_finance_receivables
Create Date: 2026-12-07 17:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_documents_label_settings"
down_revision = "0017_finance_receivables"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenant_settings") as batch:
        batch.add_column(sa.Column("label_template", sa.String(10), nullable=False, server_default="standard"))
        batch.add_column(sa.Column("label_size", sa.String(10), nullable=False, server_default="thermal"))


def downgrade():
    with op.batch_alter_table("tenant_settings") as batch:
        batch.drop_column("label_size")
        batch.drop_column("label_template")
