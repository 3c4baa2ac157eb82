"""Recording a payment received outside the system, from the invoice page."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing import invoices as service
from app.billing import payments
from app.billing.models import Invoice
from app.billing.views.common import BillingPage, parse_date
from app.core.access import CREATE, VENDOR_METHOD_PERMISSIONS
from app.core.names import PAYMENT
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError


class PaymentView(BillingPage):
    route_base = "/billing/payments"
    class_permission_name = PAYMENT
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "record": CREATE}
    object_model = Invoice  # what <pk> names (the invoice a payment is recorded for), for the isolation sweep

    @expose("/invoice/<int:pk>", methods=["POST"])
    @has_access
    def record(self, pk):
        get_or_404(Invoice, pk)
        form = request.form
        try:
            with transaction():
                payment = payments.record_manual_payment(
                    pk,
                    method=form.get("method", ""),
                    paid_at=parse_date(form.get("paid_at")),
                    amount=service.parse_amount(form.get("amount"), _("Payment amount")),
                    reference=form.get("reference", ""),
                    today=self.today(),
                    actor_id=self.actor_id(),
                )
            flash(
                _("Payment of Rp %(amount)s recorded.", amount=f"{int(payment.amount):,}".replace(",", ".")), "success"
            )
        except FieldError as exc:
            self.fail(exc)
        return redirect(url_for("InvoiceView.detail", pk=pk) + "#payments")
