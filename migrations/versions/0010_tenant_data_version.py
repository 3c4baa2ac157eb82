"""tenancy: tenant.data_version, the key of per-process caches of a tenant's figures

Revision ID: 0010_tenant_data_version
Revises: 0009_plan_changes
Create Date: 2026-11-22 19:10:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0010_tenant_data_version"
down_revision = "0009_plan_changes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenant") as batch_op:
        batch_op.add_column(sa.Column("data_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("tenant") as batch_op:
        batch_op.drop_column("data_version")
