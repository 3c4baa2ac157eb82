"""tenancy: tenant.subscription_period_days (the quota period), subscription end at WIB midnight, and the
company name copied into empty company profiles

Revision ID: 0014_numbers_periods
Revises: 0013_jobs_outbox_heartbeat
Create Date: 2026-12-07 16:30:00

The paid time of a tenant ends at WIB midnight after its period's last day (it was UTC midnight, seven
hours late, and the shipment quota's period began a day late). Company profiles (tenant settings) left
without a name get the name given at registration, as new tenants now do.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "0014_numbers_periods"
down_revision = "0013_jobs_outbox_heartbeat"
branch_labels = None
depends_on = None

JAKARTA = ZoneInfo("Asia/Jakarta")


def _wib_midnight_utc(day):
    return datetime.combine(day, time(), JAKARTA).astimezone(UTC).replace(tzinfo=None)


def upgrade():
    with op.batch_alter_table("tenant") as batch_op:
        batch_op.add_column(sa.Column("subscription_period_days", sa.Integer(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT s.tenant_id, s.period_end, p.period_days FROM billing_subscription s JOIN billing_plan p ON p.id = s.plan_id"
        )
    ).all()
    for tenant_id, period_end, period_days in rows:
        if isinstance(period_end, str):  # SQLite
            period_end = datetime.strptime(period_end[:10], "%Y-%m-%d").date()
        bind.execute(
            sa.text("UPDATE tenant SET subscription_period_days = :days, subscription_ends_at = :ends WHERE id = :id"),
            {"days": period_days, "ends": _wib_midnight_utc(period_end + timedelta(days=1)), "id": tenant_id},
        )
    bind.execute(
        sa.text(
            "UPDATE tenant_settings SET company_name = "
            "(SELECT substr(t.name, 1, 150) FROM tenant t WHERE t.id = tenant_settings.tenant_id) "
            "WHERE company_name IS NULL OR company_name = ''"
        )
    )


def downgrade():
    with op.batch_alter_table("tenant") as batch_op:
        batch_op.drop_column("subscription_period_days")
