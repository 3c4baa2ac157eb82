"""security: ab_user.session_epoch, moved by logout and password changes to end every session and token

Revision ID: 0016_sessions_user_session_epoch
Revises: 0015_storage_keys
Create Date: 2026-12-07 16:20:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0016_sessions_user_session_epoch"
down_revision = "0015_storage_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ab_user") as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("ab_user") as batch_op:
        batch_op.drop_column("session_epoch")
