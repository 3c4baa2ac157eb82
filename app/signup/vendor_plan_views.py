"""The client page's plan actions in the back-office: change the plan, extend the period."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing.views.common import BillingPage
from app.core.access import EDIT, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import wib_date
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.signup import vendor_plans
from app.tenancy.models import Tenant


class ClientPlanView(BillingPage):
    route_base = "/billing/clients"
    class_permission_name = "Client"
    object_model = Tenant
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "change_plan": EDIT, "extend": EDIT}

    def _back(self, pk):
        return redirect(url_for("ClientView.detail", pk=pk) + "#plan")

    @expose("/<int:pk>/plan", methods=["POST"])
    @has_access
    def change_plan(self, pk):
        tenant = get_or_404(Tenant, pk)
        try:
            with transaction():
                change = vendor_plans.change_plan(
                    tenant,
                    request.form.get("plan", ""),
                    request.form.get("reason", ""),
                    actor_id=self.actor_id(),
                    today=self.today(),
                )
                to_plan, invoice_id = change.to_plan.name, change.invoice_id
                kind, status = change.kind, change.status
        except FieldError as exc:
            flash(str(exc.message), "danger")
            return self._back(pk)
        if kind == "upgrade" and status == "pending" and invoice_id:
            flash(
                _(
                    "Upgrade to %(plan)s: the prorated invoice is issued; the plan switches when it is paid.",
                    plan=to_plan,
                ),
                "success",
            )
            return redirect(url_for("InvoiceView.detail", pk=invoice_id))
        if kind == "upgrade":
            flash(_("The plan is now %(plan)s.", plan=to_plan), "success")
        else:
            flash(_("The change to %(plan)s is scheduled for the next renewal.", plan=to_plan), "info")
        return self._back(pk)

    @expose("/<int:pk>/extend", methods=["POST"])
    @has_access
    def extend(self, pk):
        tenant = get_or_404(Tenant, pk)
        try:
            with transaction():
                subscription = vendor_plans.extend_period(
                    tenant,
                    request.form.get("days", ""),
                    request.form.get("reason", ""),
                    actor_id=self.actor_id(),
                    today=self.today(),
                )
                end = subscription.period_end
        except FieldError as exc:
            flash(str(exc.message), "danger")
            return self._back(pk)
        flash(_("The paid period now ends on %(day)s.", day=wib_date(end)), "success")
        return self._back(pk)
