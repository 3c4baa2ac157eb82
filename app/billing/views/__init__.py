"""Billing's vendor screens; only app/menu.py imports these."""

from app.billing.views.catalogue import ModuleView, PlanView
from app.billing.views.clients import ClientView
from app.billing.views.invoices import InvoiceView
from app.billing.views.payments import PaymentView

__all__ = ["ClientView", "InvoiceView", "ModuleView", "PaymentView", "PlanView"]
