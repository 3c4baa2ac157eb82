"""Employee profiles: a Kurir's plate number, a Marketing's or Admin's address (spec §5 Manajemen Pegawai)

Revision ID: 0016_team_employee_profile
Revises: 0016_sessions_user_session_epoch
Create Date: 2026-12-07 17:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_team_employee_profile"
down_revision = "0016_sessions_user_session_epoch"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "employee_profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("plate_number", sa.String(15), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.UniqueConstraint("user_id", name="uq_employee_profile_user_id"),
    )
    op.create_index("ix_employee_profile_tenant_id", "employee_profile", ["tenant_id"])


def downgrade():
    op.drop_index("ix_employee_profile_tenant_id", table_name="employee_profile")
    op.drop_table("employee_profile")
