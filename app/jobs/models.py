import sqlalchemy as sa
from flask_appbuilder import Model

from app.tenancy.models import TenantScoped, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class JobRun(TenantScoped, Model):
    """One piece of background work, its progress and its output file, owned by one user."""

    __tablename__ = "job_run"
    __table_args__ = (sa.Index("ix_job_run_state_created_at", "state", "created_at"),)  # the sweep's scans

    id = sa.Column(sa.String(36), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=True, index=True)
    name = sa.Column(sa.String(100), nullable=False)
    state = sa.Column(sa.String(10), nullable=False, default="queued")
    progress = sa.Column(sa.Integer, nullable=False, default=0)
    message = sa.Column(sa.String(255))
    result_path = sa.Column(sa.String(500))
    result_name = sa.Column(sa.String(200))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    finished_at = sa.Column(sa.DateTime)
    # The outbox and the watch on running work (app/jobs/queue.py): the arguments to hand the run over
    # again, how often it was started, and when its job last said it was alive.
    kwargs = sa.Column(sa.Text)
    attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    heartbeat_at = sa.Column(sa.DateTime)
