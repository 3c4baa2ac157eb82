"""The tenant's "Langganan" page. Paying is allowed while the subscription is expired, so its routes
need only the read permission (the expiry lock refuses writes)."""

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_wtf.csrf import generate_csrf, validate_csrf

from app.billing.payment_jobs import create_checkout
from app.core.access import METHOD_PERMISSIONS, READ
from app.core.views import TenantBaseView
from app.extensions import db
from app.jobs.queue import enqueue
from app.signup import account
from app.signup.services import SignupError
from app.tenancy.models import Tenant


class SubscriptionView(TenantBaseView):
    route_base = "/langganan"
    default_view = "index"
    class_permission_name = "TenantSubscription"
    method_permission_name = {**METHOD_PERMISSIONS, "index": READ, "pay": READ, "order": READ}

    def _tenant(self) -> Tenant:
        return db.session.get(Tenant, g.user.tenant_id)

    @expose("/")
    @has_access
    def index(self):
        tenant = self._tenant()
        return self.render_template(
            "signup/subscription.html",
            csrf_token=generate_csrf,
            order_id=request.args.get("order", ""),
            **account.overview(tenant),
        )

    @expose("/pay/<int:pk>", methods=["POST"])
    @has_access
    def pay(self, pk):
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            try:
                validate_csrf(request.form.get("csrf_token"))
            except Exception:
                abort(400)
        try:
            order = account.pay_invoice(self._tenant(), pk)
        except SignupError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for("SubscriptionView.index"))
        enqueue(create_checkout, tenant_id=order.tenant_id, user_id=g.user.id, order_pk=order.id)
        return redirect(url_for("SubscriptionView.index", order=order.order_id))

    @expose("/order/<order_id>")
    @has_access
    def order(self, order_id):
        state = account.order_state(self._tenant(), order_id)
        if state is None:
            abort(404)
        return jsonify(state)
