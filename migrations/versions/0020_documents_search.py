"""shipment search: addresses and item names in the list's one search text

shipment.item_names holds the names of the shipment's items (written with them), filled here for the
shipments that exist; on PostgreSQL the trigram index of the search text is rebuilt over the new text
(names, numbers and phones as before, now also both addresses and the item names).

Revision ID: 0020_documents_search
Revises: 0019_team_customers
Create Date: 2026-12-07 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_documents_search"
down_revision = "0019_team_customers"
branch_labels = None
depends_on = None

# Must stay identical to app.logistics.shipments.listing.SEARCH_TEXT_SQL, or the planner ignores the index.
SEARCH_TEXT_SQL = (
    "(COALESCE(tracking_number, '') || ' ' || sender_name || ' ' || receiver_name"
    " || ' ' || sender_phone || ' ' || receiver_phone || ' ' || sender_address || ' ' || receiver_address"
    " || ' ' || item_names)"
)
PREVIOUS_SEARCH_TEXT_SQL = (
    "(COALESCE(tracking_number, '') || ' ' || sender_name || ' ' || receiver_name"
    " || ' ' || sender_phone || ' ' || receiver_phone)"
)
# app.logistics.shipments.models.item_names_text: the names in the items' order, one space apart.
FILL_POSTGRESQL = """UPDATE shipment SET item_names = names.text
    FROM (SELECT shipment_id, string_agg(name, ' ' ORDER BY position, id) AS text
          FROM shipment_item GROUP BY shipment_id) AS names
    WHERE names.shipment_id = shipment.id"""
FILL_SQLITE = """UPDATE shipment SET item_names = COALESCE((
    SELECT group_concat(name, ' ') FROM (
        SELECT name FROM shipment_item WHERE shipment_id = shipment.id ORDER BY position, id)), '')"""


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _search_index(text_sql: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_shipment_search_trgm")
    op.execute(f"CREATE INDEX ix_shipment_search_trgm ON shipment USING gin (tenant_id, {text_sql} gin_trgm_ops)")


def upgrade():
    with op.batch_alter_table("shipment") as batch:
        batch.add_column(sa.Column("item_names", sa.Text(), nullable=False, server_default=""))
    if _is_postgresql():
        op.execute("DROP INDEX IF EXISTS ix_shipment_search_trgm")  # filled without updating it row by row
        op.execute(FILL_POSTGRESQL)
        _search_index(SEARCH_TEXT_SQL)
    else:
        op.execute(FILL_SQLITE)


def downgrade():
    if _is_postgresql():
        _search_index(PREVIOUS_SEARCH_TEXT_SQL)
    with op.batch_alter_table("shipment") as batch:
        batch.drop_column("item_names")
