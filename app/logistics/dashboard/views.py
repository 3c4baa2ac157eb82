"""The tenant dashboard: the landing page of every tenant role, and its JSON for live refresh."""

from flask import flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.access import METHOD_PERMISSIONS, READ
from app.core.caching import declare_cache, page_context
from app.core.names import CAN_READ, CAN_WRITE, DASHBOARD, SHIPMENT
from app.core.periods import today_wib
from app.core.svgchart import bar_chart, hbar_chart
from app.core.views import TenantBaseView
from app.logistics.dashboard import services
from app.logistics.web import current_tenant
from app.tenancy.freshness import tenant_data
from app.tenancy.models import utcnow
from app.tenancy.services import EXPIRED_MESSAGE, is_read_only

FIGURES = declare_cache(
    "tenant_dashboard_figures",
    key=lambda user, now, trend: (
        *tenant_data(user.tenant_id),
        services.audience(user),
        today_wib(now),
        trend,
        *page_context(),
    ),
    depends_on="tenant data version, who sees the same figures (audience), the WIB day, the trend, locale, script root",
)


@FIGURES
def figures(user, now, trend) -> tuple:
    """The board with its charts and card links, for everyone who sees the same."""
    board = services.dashboard(user, user.tenant_id, now, trend)
    return board, charts(board), card_links(board)


def charts(board: services.Dashboard) -> dict:
    trend_fmt = "%m/%Y" if board.trend == "12m" else "%d/%m"
    return {
        "trend": bar_chart(board.trend_series, _("Shipments"), trend_fmt, css="trend-chart"),
        "area": hbar_chart(board.by_area, _("By destination area"), css="area-chart"),
        "status": hbar_chart(
            board.by_status,
            _("By status"),
            css="status-chart",
            links=[url_for("ShipmentView.list", **args) for args in board.status_args],
        ),
        "weight": hbar_chart(board.by_weight, _("By weight"), css="weight-chart"),
    }


def card_links(board: services.Dashboard) -> dict:
    return {card.key: url_for("ShipmentView.list", **card.args) if card.args else None for card in board.cards}


class TenantDashboardView(TenantBaseView):
    route_base = "/dashboard"
    class_permission_name = DASHBOARD
    default_view = "index"
    method_permission_name = {**METHOD_PERMISSIONS, "index": READ, "data": READ, "track": READ}

    def _figures(self) -> tuple[services.Dashboard, dict, dict]:
        return figures(g.user, utcnow(), services.trend_kind(request.args.get("trend")))

    def landing(self):
        """Rendered by the home page router for signed-in tenant users."""
        board, board_charts, links = self._figures()
        tenant = current_tenant()
        return self.render_template(
            "dashboard/tenant.html",
            board=board,
            charts=board_charts,
            links=links,
            read_only=is_read_only(tenant),
            expired_message=EXPIRED_MESSAGE,
            can_write_shipments=self.appbuilder.sm.has_access(CAN_WRITE, SHIPMENT),
            can_read_shipments=self.appbuilder.sm.has_access(CAN_READ, SHIPMENT),
        )

    @expose("/")
    @has_access
    def index(self):
        return self.landing()

    @expose("/data")
    @has_access
    def data(self):
        board, board_charts, links = self._figures()
        return jsonify(
            today=board.today.isoformat(),
            trend=board.trend,
            cards={card.key: card.value for card in board.cards},
            links=links,
            charts={key: str(svg) for key, svg in board_charts.items()},
        )

    @expose("/track")
    @has_access
    def track(self):
        """Open (or print the label of) a shipment by its tracking number."""
        number = request.args.get("resi", "")
        shipment = services.find_by_tracking(g.user, number)
        if shipment is None:
            flash(_("No shipment with tracking number %(number)s.", number=number.strip()[:40] or "-"), "warning")
            return redirect(url_for("HomeIndexView.index"))
        if request.args.get("action") == "label":
            return redirect(url_for("ShipmentView.resi", pk=shipment.id))
        return redirect(url_for("ShipmentView.show", pk=shipment.id))
