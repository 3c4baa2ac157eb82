"""Indexes for the vendor home's sums and "newest first" feeds (no tables of their own).

Declared against the owning tables' columns; migration 0006_dashboards creates them.
"""

import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.billing.models import Invoice, Payment
from app.helpdesk.models import Ticket
from app.tenancy.models import Tenant

# Revenue per WIB period (with and without PPN): a range on paid_at, summing without visiting the heap.
ix_payment_paid_at = sa.Index(
    "ix_billing_payment_paid_at", Payment.paid_at, postgresql_include=["amount", "net_amount"]
)
# "Jatuh Tempo" (a client with an invoice unpaid past its due date): the few open invoices, not all of them.
ix_invoice_open = sa.Index(
    "ix_billing_invoice_open",
    Invoice.tenant_id,
    Invoice.due_date,
    postgresql_where=Invoice.paid_amount < Invoice.total,
    sqlite_where=Invoice.paid_amount < Invoice.total,
)
# The activity feed reads the newest few rows of each source.
ix_payment_created = sa.Index("ix_billing_payment_created", Payment.created_at)
ix_ticket_resolved = sa.Index("ix_helpdesk_ticket_resolved", Ticket.resolved_at)
ix_tenant_created = sa.Index("ix_tenant_created", Tenant.created_at)
ix_tenant_joined = sa.Index("ix_tenant_joined_on", Tenant.joined_on)
ix_activity_action = sa.Index("ix_activity_log_action_created", ActivityLog.action, ActivityLog.created_at)
