"""The vendor home (the back-office landing page), its JSON for live refresh, and the payments
list that the revenue cards open."""

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.billing.home import activity
from app.billing.home import services as home_services
from app.billing.listing import page_number, paginate
from app.billing.models import Invoice, Payment
from app.billing.views.common import BillingPage, parse_date
from app.core.access import READ, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import rupiah, wib_datetime
from app.core.names import CAN_READ, PAYMENT, VENDOR_HOME
from app.core.svgchart import line_chart
from app.core.views import VendorBaseView
from app.extensions import db
from app.tenancy.models import utcnow

GROWTH_FORMATS = {"week": "%d/%m", "month": "%m/%Y", "year": "%Y"}


def _can_read(resource: str) -> bool:
    return current_app.appbuilder.sm.has_access(CAN_READ, resource)


def _chart(board: home_services.Home):
    title = _("Revenue") if board.metric == "revenue" else _("Clients")
    return line_chart(
        board.series, title, GROWTH_FORMATS[board.period], css="growth-chart", money=board.metric == "revenue"
    )


def _card_json(card: home_services.Card) -> dict:
    return {
        "value": rupiah(card.value) if card.money else card.value,
        "raw": str(card.value),
        "gross": rupiah(card.gross) if card.gross is not None else None,
        "change": card.change,
        "link": url_for(card.endpoint, **card.args),
    }


def _feed_json(entries) -> list[dict]:
    return [
        {"at": wib_datetime(e.at), "kind": e.kind, "text": e.text, "link": url_for(e.endpoint, pk=e.pk)}
        for e in entries
    ]


class VendorHomeView(VendorBaseView):
    route_base = "/vendor/home"
    class_permission_name = VENDOR_HOME
    default_view = "index"
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "index": READ, "data": READ, "activity": READ}

    def _board(self) -> home_services.Home:
        return home_services.home(
            utcnow(), _can_read, request.args.get("metric", "clients"), request.args.get("period", "month")
        )

    def landing(self):
        """Rendered by the home page router for signed-in vendor staff."""
        board = self._board()
        return self.render_template(
            "dashboard/vendor.html",
            board=board,
            chart=_chart(board),
            feed=activity.feed(_can_read),
            can_read=_can_read,
        )

    @expose("/")
    @has_access
    def index(self):
        return self.landing()

    @expose("/activity")
    @has_access
    def activity(self):
        page = page_number(request.args.get("page"))
        entries, more = activity.feed_page(_can_read, page)
        return self.render_template("home/vendor_activity.html", entries=entries, page=page, more=more)

    @expose("/data")
    @has_access
    def data(self):
        board = self._board()
        return jsonify(
            today=board.today.isoformat(),
            metric=board.metric,
            period=board.period,
            cards={card.key: card.value if not card.money else rupiah(card.value) for card in board.cards},
            details={card.key: _card_json(card) for card in board.cards},
            charts={"growth": str(_chart(board))},
            feed=_feed_json(activity.feed(_can_read)),
        )


def payment_rows(args):
    """Payments received between two WIB dates (the revenue cards' list), newest first."""
    statement = sa.select(Payment, Invoice.number, Invoice.bill_to_name).join(Invoice, Invoice.id == Payment.invoice_id)
    if paid_from := parse_date(args.get("paid_from")):
        statement = statement.where(Payment.paid_at >= paid_from)
    if paid_to := parse_date(args.get("paid_to")):
        statement = statement.where(Payment.paid_at <= paid_to)
    net, gross = db.session.execute(
        statement.with_only_columns(home_services.net_sum(), sa.func.coalesce(sa.func.sum(Payment.amount), 0))
    ).one()
    ordered = statement.order_by(Payment.paid_at.desc(), Payment.id.desc())
    return paginate(ordered, page_number(args.get("page"))), Decimal(str(net)).quantize(Decimal(1)), gross


class RevenueView(BillingPage):
    """Payments received in a period, with their sum: what the revenue cards count."""

    route_base = "/billing/revenue"
    class_permission_name = PAYMENT
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "index": READ}

    @expose("/")
    @has_access
    def index(self):
        page, total, gross = payment_rows(request.args)
        return self.render("dashboard/revenue_list.html", page=page, total=total, gross=gross, args=request.args)
