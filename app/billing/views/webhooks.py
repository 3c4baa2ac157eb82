"""Public payment endpoints: gateway notifications (no login, no CSRF: the signature is the check)
and the development-only sandbox checkout page."""

from flask import abort, current_app, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose

from app.billing import payments
from app.billing.gateways import GatewayError
from app.billing.payment_models import PaymentOrder
from app.core.transaction import transaction
from app.extensions import db
from app.tenancy.context import all_tenants


class PaymentWebhookView(BaseView):
    route_base = "/payments"

    @expose("/notify/<gateway>", methods=["POST"])
    def notify(self, gateway):
        with transaction():
            if gateway not in payments.WEBHOOK_GATEWAYS:
                abort(404)
            webhook = payments.receive(gateway, request.headers, request.get_data(), request.remote_addr)
        return jsonify(status=webhook.outcome), webhook.http_status

    def _sandbox(self):
        try:
            return payments.gateway("sandbox")
        except GatewayError:
            abort(404)

    def _order(self, order_id) -> PaymentOrder:
        with all_tenants():
            order = db.session.query(PaymentOrder).filter_by(order_id=order_id, gateway="sandbox").one_or_none()
        if order is None:
            abort(404)
        return order

    @expose("/sandbox/<order_id>", methods=["GET"])
    def sandbox(self, order_id):
        self._sandbox()
        order = self._order(order_id)
        return self.render_template("billing/sandbox_checkout.html", order=order, return_url=_return_url())

    @expose("/sandbox/<order_id>", methods=["POST"])
    def sandbox_post(self, order_id):
        """The "gateway" answers: a signed notification, through the same inbox as the real ones."""
        with transaction():
            gateway = self._sandbox()
            order = self._order(order_id)
            status = "paid" if request.form.get("outcome") == "paid" else "failed"
            headers, body = gateway.build_notification(order.order_id, status, int(order.amount))
            payments.receive("sandbox", headers, body, request.remote_addr)
        return redirect(_return_url())


def _return_url() -> str:
    """Back where the buyer came from: a tenant's subscription page, or the signup's return page."""
    if g.host_tenant is not None:
        return url_for("SubscriptionView.index")
    return current_app.config.get("SANDBOX_RETURN_URL") or url_for("SignupView.finish")
