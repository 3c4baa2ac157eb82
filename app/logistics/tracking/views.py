"""The public tracking page on the tenant's host: `/lacak/` (a search box) and `/lacak/<number>`.
No sign-in; rate-limited (TRACKING_RATE_LIMIT, menu.register_logistics)."""

from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _

from app.logistics.shipments.models import Shipment
from app.logistics.tracking import services


class TrackingView(BaseView):
    route_base = "/lacak"
    default_view = "search"
    # What <number> names, for the isolation sweep: another tenant's number is unknown on this host.
    object_models = {"track": Shipment.tracking_number}

    def _tenant(self):
        tenant = getattr(g, "host_tenant", None)
        if tenant is None:  # the vendor's own host tracks nothing
            abort(404)
        return tenant

    @expose("/")
    def search(self):
        tenant = self._tenant()
        query = request.args.get("q", "")
        if query.strip():
            number = services.normalize_number(query)
            if number is not None:
                return redirect(url_for("TrackingView.track", number=number))
            return self._page(tenant, None, query, _("A tracking number has only letters and digits."), 422)
        return self._page(tenant, None, "", None, 200)

    @expose("/<number>")
    def track(self, number):
        tenant = self._tenant()
        found = services.find_shipment(tenant.id, number)
        if found is None:
            return self._page(tenant, None, number, None, 404, unknown=True)
        return self._page(tenant, found, found.number, None, 200)

    def _page(self, tenant, found, query, error, status, unknown=False):
        share = None
        if found is not None:
            url = services.tracking_url(services.tracking_root(tenant.slug), found.number)
            share = services.whatsapp_link(_("Track shipment %(number)s: %(url)s", number=found.number, url=url))
        return self.render_template(
            "logistics/tracking/page.html",
            company=services.company_of(tenant),
            found=found,
            query=query,
            error=error,
            unknown=unknown,
            share=share,
        ), status
