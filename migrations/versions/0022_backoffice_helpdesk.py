"""Back-office: a derived "Jatuh Tempo" cleared by hand; create / edit / delete permissions on vendor pages

tenant.overdue_waived_until: while today is on or before it, late invoices and a lapsed period do not
show the client as overdue (a promise to pay, agreed with a reason in the client's history).

Vendor pages no longer have one `can_write` per resource but `can_add`, `can_edit` and `can_delete`
(app/core/access.py). A custom role that could write a vendor resource keeps every change it could make:
its `can_write` grant becomes the three. Catalogue roles are written again by `flask sync-roles`.

Revision ID: 0022_backoffice_helpdesk
Revises: 0020_documents_search
Create Date: 2026-12-07 19:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_backoffice_helpdesk"
down_revision = "0020_documents_search"
branch_labels = None
depends_on = None


VENDOR_RESOURCES = (
    "Client",
    "Invoice",
    "Payment",
    "Plan",
    "Module",
    "WebhookInbox",
    "VendorNotification",
    "VendorTicket",
    "TicketSettings",
)
CHANGES = ("can_add", "can_edit", "can_delete")

permission = sa.table("ab_permission", sa.column("id", sa.Integer), sa.column("name", sa.String))
view_menu = sa.table("ab_view_menu", sa.column("id", sa.Integer), sa.column("name", sa.String))
permission_view = sa.table(
    "ab_permission_view",
    sa.column("id", sa.Integer),
    sa.column("permission_id", sa.Integer),
    sa.column("view_menu_id", sa.Integer),
)
grant = sa.table(
    "ab_permission_view_role",
    sa.column("id", sa.Integer),
    sa.column("permission_view_id", sa.Integer),
    sa.column("role_id", sa.Integer),
)


def _id_of(connection, table, **values):
    """The row's id, inserting the row when missing."""
    where = [table.c[name] == value for name, value in values.items()]
    found = connection.execute(sa.select(table.c.id).where(*where)).scalar()
    if found is None:
        connection.execute(table.insert().values(**values))
        found = connection.execute(sa.select(table.c.id).where(*where)).scalar()
    return found


def _split_write_grants(connection):
    write_grants = connection.execute(
        sa.select(grant.c.id, grant.c.role_id, view_menu.c.id, view_menu.c.name)
        .join(permission_view, permission_view.c.id == grant.c.permission_view_id)
        .join(permission, permission.c.id == permission_view.c.permission_id)
        .join(view_menu, view_menu.c.id == permission_view.c.view_menu_id)
        .where(permission.c.name == "can_write", view_menu.c.name.in_(VENDOR_RESOURCES))
    ).all()
    for grant_id, role_id, view_menu_id, _name in write_grants:
        for change in CHANGES:
            pv_id = _id_of(
                connection,
                permission_view,
                permission_id=_id_of(connection, permission, name=change),
                view_menu_id=view_menu_id,
            )
            _id_of(connection, grant, permission_view_id=pv_id, role_id=role_id)
        connection.execute(grant.delete().where(grant.c.id == grant_id))


def upgrade():
    with op.batch_alter_table("tenant") as batch:
        batch.add_column(sa.Column("overdue_waived_until", sa.Date))
    _split_write_grants(op.get_bind())


def downgrade():
    # The finer grants stay: the previous release reads only can_write, which `flask sync-roles` writes again.
    with op.batch_alter_table("tenant") as batch:
        batch.drop_column("overdue_waived_until")
