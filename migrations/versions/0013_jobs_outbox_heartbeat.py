"""Jobs: the run row is the outbox and carries a heartbeat

A run keeps its arguments (handed to the queue again when Redis was down when it was committed), how
often it was started, and the last heartbeat of the job running it (a run whose heartbeat stopped was
abandoned by a killed worker and is retried or failed visibly).

Revision ID: 0013_jobs_outbox_heartbeat
Revises: 0012_payments_webhook_confirm
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_jobs_outbox_heartbeat"
down_revision = "0012_payments_webhook_confirm"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job_run") as batch:
        batch.add_column(sa.Column("kwargs", sa.Text(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    op.create_index("ix_job_run_state_created_at", "job_run", ["state", "created_at"])


def downgrade():
    op.drop_index("ix_job_run_state_created_at", table_name="job_run")
    with op.batch_alter_table("job_run") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("attempts")
        batch.drop_column("kwargs")
