"""The one error billing services raise for broken rules; `str(exc)` is a user-facing message."""

from app.billing.invoice_rules import InvoiceRuleError


class BillingError(InvoiceRuleError):
    """A billing rule was broken. `field` names the form field at fault, when there is one."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field
