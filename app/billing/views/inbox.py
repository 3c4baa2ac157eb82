"""The vendor's webhook inbox: every gateway notification, filterable, with replay."""

import json

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing import payments
from app.billing.payment_models import PaymentWebhook
from app.billing.views.common import BillingPage
from app.core.access import EDIT, READ, VENDOR_METHOD_PERMISSIONS
from app.core.names import WEBHOOK_INBOX
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.extensions import db

PAGE_SIZE = 50


class WebhookInboxView(BillingPage):
    route_base = "/billing/webhooks"
    class_permission_name = WEBHOOK_INBOX
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "index": READ, "detail": READ, "replay": EDIT}
    object_model = PaymentWebhook

    @expose("/")
    @has_access
    def index(self):
        args = {k: request.args.get(k, "").strip() for k in ("gateway", "outcome", "order_id")}
        query = sa.select(PaymentWebhook).order_by(PaymentWebhook.id.desc())
        if args["gateway"]:
            query = query.where(PaymentWebhook.gateway == args["gateway"])
        if args["outcome"]:
            query = query.where(PaymentWebhook.outcome == args["outcome"])
        if args["order_id"]:
            query = query.where(PaymentWebhook.order_id.contains(args["order_id"][:64], autoescape=True))
        rows = db.session.execute(query.limit(PAGE_SIZE)).scalars().all()
        outcomes = db.session.execute(sa.select(PaymentWebhook.outcome).distinct()).scalars().all()
        return self.render(
            "billing/inbox.html", rows=rows, args=args, gateways=payments.WEBHOOK_GATEWAYS, outcomes=sorted(outcomes)
        )

    @expose("/<int:pk>")
    @has_access
    def detail(self, pk):
        webhook = get_or_404(PaymentWebhook, pk)
        headers = json.dumps(json.loads(webhook.headers or "{}"), indent=2)
        return self.render("billing/inbox_detail.html", webhook=webhook, headers=headers)

    @expose("/<int:pk>/replay", methods=["POST"])
    @has_access
    def replay(self, pk):
        with transaction():
            webhook = get_or_404(PaymentWebhook, pk)
            again = payments.replay(webhook)
        flash(_("Replayed: %(outcome)s", outcome=again.outcome), "info")
        return redirect(url_for("WebhookInboxView.detail", pk=again.id))
