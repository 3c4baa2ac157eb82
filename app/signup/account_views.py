"""The tenant's "Langganan" page. Paying and downloading are allowed while the subscription is expired, so
those routes need only the read permission (the expiry lock refuses writes); changing the plan is a write
(the Super Admin's)."""

from flask import Response, abort, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing.documents import pdf_filename, render_invoice_pdf
from app.billing.models import Invoice
from app.billing.payment_jobs import create_checkout
from app.billing.payment_models import PaymentOrder
from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.formatting import jakarta_today
from app.core.names import TENANT_SUBSCRIPTION
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.extensions import db
from app.jobs.queue import enqueue
from app.signup import account, plan_changes
from app.tenancy.models import Tenant


class SubscriptionView(TenantBaseView):
    route_base = "/langganan"
    default_view = "index"
    class_permission_name = TENANT_SUBSCRIPTION
    object_model = Invoice  # the object the <pk> routes name (for the isolation sweep)
    object_models = {"order": PaymentOrder.order_id}  # /order/<order_id> names a checkout by its order id
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "index": READ,
        "pay": READ,
        "renew": READ,
        "order": READ,
        "invoice_pdf": READ,
        "change": WRITE,
        "cancel_change": WRITE,
    }

    def _tenant(self) -> Tenant:
        return db.session.get(Tenant, g.user.tenant_id)

    def _back(self, message: str | None = None, **args):
        if message:
            flash(message, "danger")
        return redirect(url_for("SubscriptionView.index", **args))

    def _own_invoice(self, pk) -> Invoice:
        """One of the tenant's invoices (besides the scoping hook, checked here: this is about money)."""
        return get_or_404(Invoice, pk, where=Invoice.tenant_id == g.user.tenant_id)

    def _checkout(self, invoice: Invoice):
        """The gateway checkout of one invoice, as for signup (the caller commits): the page then polls
        `order` and follows it."""
        order = account.pay_invoice(invoice)
        enqueue(create_checkout, tenant_id=order.tenant_id, user_id=g.user.id, order_pk=order.id)
        return order

    @expose("/")
    @has_access
    def index(self):
        tenant = self._tenant()
        return self.render_template(
            "signup/subscription.html",
            order_id=request.args.get("order", ""),
            options=plan_changes.options(tenant, jakarta_today()),
            **account.overview(tenant),
        )

    @expose("/pay/<int:pk>", methods=["POST"])
    @has_access
    def pay(self, pk):
        invoice = self._own_invoice(pk)
        try:
            with transaction():
                order = self._checkout(invoice)
        except FieldError as exc:
            return self._back(str(exc))
        return self._back(order=order.order_id)

    @expose("/renew", methods=["POST"])
    @has_access
    def renew(self):
        """Continue to payment: the open renewal (or signup) invoice, issued now when there is none."""
        try:
            with transaction():
                order = self._checkout(account.renewal_invoice(self._tenant(), jakarta_today()))
        except FieldError as exc:
            return self._back(str(exc))
        return self._back(order=order.order_id)

    @expose("/invoice/<int:pk>/pdf")
    @has_access
    def invoice_pdf(self, pk):
        invoice = self._own_invoice(pk)
        return Response(
            render_invoice_pdf(invoice),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{pdf_filename(invoice)}"'},
        )

    @expose("/change", methods=["POST"])
    @has_access
    def change(self):
        try:
            with transaction():
                change = plan_changes.request_change(
                    self._tenant(), request.form.get("plan", "")[:20], actor_id=g.user.id, today=jakarta_today()
                )
                order = (
                    self._checkout(change.invoice) if change.kind == "upgrade" and change.status == "pending" else None
                )
        except FieldError as exc:
            return self._back(str(exc))
        if order is not None:
            return self._back(order=order.order_id)
        if change.kind == "upgrade":
            flash(_("Your plan is now %(plan)s.", plan=change.to_plan.name), "success")
        else:
            flash(_("The change to %(plan)s is scheduled for the next renewal.", plan=change.to_plan.name), "info")
        return self._back()

    @expose("/change/cancel", methods=["POST"])
    @has_access
    def cancel_change(self):
        try:
            with transaction():
                plan_changes.cancel_pending_downgrade(self._tenant(), actor_id=g.user.id, today=jakarta_today())
        except FieldError as exc:
            return self._back(str(exc))
        flash(_("The scheduled plan change was cancelled."), "info")
        return self._back()

    @expose("/order/<order_id>")
    @has_access
    def order(self, order_id):
        state = account.order_state(self._tenant(), order_id)
        if state is None:
            abort(404)
        return jsonify(state)
