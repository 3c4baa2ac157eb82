"""The customer book: customer rows, and the shipment's link to its sender in the book (issue 23)

customer: name, phone (E.164), address, city code, its marketing person (nullable), active; a phone is
in a tenant's book once. shipment.customer_id (nullable, SET NULL when the customer goes) with an index
for a customer's shipments newest first. SQLite rebuilds the shipment table for the foreign key, keeping
its AUTOINCREMENT (0011_sqlite_integrity).

Revision ID: 0019_team_customers
Revises: 0018_documents_label_settings
Create Date: 2026-12-07 19:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_team_customers"
down_revision = "0018_documents_label_settings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("city", sa.String(5), nullable=False),
        sa.Column("marketing_id", sa.Integer(), sa.ForeignKey("ab_user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("tenant_id", "phone", name="uq_customer_tenant_phone"),
    )
    op.create_index("ix_customer_tenant_id", "customer", ["tenant_id"])
    op.create_index("ix_customer_marketing_id", "customer", ["marketing_id"])
    op.create_index("ix_customer_tenant_name", "customer", ["tenant_id", "name", "id"])
    with op.batch_alter_table("shipment", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_shipment_customer_id_customer", "customer", ["customer_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_shipment_customer_created", ["customer_id", "created_at", "id"])


def downgrade():
    with op.batch_alter_table("shipment", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_shipment_customer_created")
        batch.drop_constraint("fk_shipment_customer_id_customer", type_="foreignkey")
        batch.drop_column("customer_id")
    op.drop_index("ix_customer_tenant_name", table_name="customer")
    op.drop_index("ix_customer_marketing_id", table_name="customer")
    op.drop_index("ix_customer_tenant_id", table_name="customer")
    op.drop_table("customer")
