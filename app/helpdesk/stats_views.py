"""Ticket statistics (resource VendorTicket): counts per day/week/month, status share, averages."""

from flask import flash, request
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.access import READ, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import jakarta_today
from app.core.names import VENDOR_TICKET
from app.core.svgchart import bar_chart
from app.core.views import VendorBaseView
from app.helpdesk import queries, services
from app.helpdesk.models import CATEGORIES, STATUSES
from app.helpdesk.views import duration

BUCKET_FORMATS = {"day": "%d/%m", "week": "%d/%m", "month": "%m/%Y"}


class TicketStatsView(VendorBaseView):
    route_base = "/vendor/ticket-stats"
    class_permission_name = VENDOR_TICKET
    default_view = "stats"
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "stats": READ}

    @expose("/")
    @has_access
    def stats(self):
        filters, errors = queries.StatsFilters.from_args(request.args, jakarta_today())
        if errors:
            flash(_("The period was not valid; showing a corrected period instead."), "warning")
        data = queries.statistics(filters)
        chart = bar_chart(data["series"], _("Tickets in"), BUCKET_FORMATS[filters.bucket], css="ticket-chart")
        return self.render_template(
            "helpdesk/stats.html",
            filters=filters,
            data=data,
            chart=chart,
            duration=duration,
            categories=CATEGORIES,
            statuses=STATUSES,
            agents=services.vendor_agents(),
        )
