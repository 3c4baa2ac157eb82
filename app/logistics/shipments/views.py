"""Shipment screens: the list (tabs, search, filters), the new/edit form with the live calculator,
detail popup, delete, duplicate and the resi PDF. Business rules live in services."""

import json

from flask import flash, g, jsonify, make_response, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.names import CAN_READ, CAN_WRITE, CUSTOMER, SHIPMENT, SHIPMENT_STATUS
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.logistics.customers import services as customers
from app.logistics.documents import labels
from app.logistics.settings.services import get_settings
from app.logistics.shipments import fragments, services
from app.logistics.shipments.calculator import DISCOUNT_TYPES
from app.logistics.shipments.inputs import COURIER_ROLE, MARKETING_ROLE, ShipmentInput, active_staff
from app.logistics.shipments.listing import DETAIL_LOADS, ListQuery, PageOnDemand, translated
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.resi import resi_pdf
from app.logistics.shipments.statuses import SHIPMENT_TYPES, STATUSES
from app.logistics.tariffs.cities import city_label, get_city, search_cities
from app.logistics.tariffs.services import find_tariff
from app.logistics.web import current_tenant


def _visible(pk, *options):
    """A shipment the signed-in user may see in their list (Kurir / Marketing narrowing), else 404."""
    return get_or_404(Shipment, pk, *options, where=services.list_narrowing(g.user))


def _json_default(value):
    return str(value)


class ShipmentView(TenantBaseView):
    route_base = "/shipments"
    object_model = Shipment  # what <pk> names, for the isolation and permission sweeps
    class_permission_name = SHIPMENT
    module_code = "shipments"
    default_view = "list"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "list": READ,
        "new": WRITE,
        "edit": WRITE,
        "delete": WRITE,
        "detail": READ,
        "show": READ,
        "resi": READ,
        "cities": READ,
        "tariff": READ,
    }

    # --- list -----------------------------------------------------------------------------
    @expose("/")
    @has_access
    def list(self):
        query, user, has_access = ListQuery.from_args(request.args), g.user, self.appbuilder.sm.has_access
        buttons = fragments.ListButtons(
            can_write=has_access(CAN_WRITE, SHIPMENT),
            can_read_status=has_access(CAN_READ, SHIPMENT_STATUS),
            can_update_status=query.tab == "active" and has_access(CAN_WRITE, SHIPMENT_STATUS),
        )
        page = PageOnDemand(query, user)  # fetched only if the rows or the pager are rendered
        return self.render_template(
            "logistics/shipment_list.html",
            query=query,
            can_write=buttons.can_write,
            can_update_status=buttons.can_update_status,
            filters=fragments.list_filters(user, query, buttons.can_write),
            rows=fragments.list_rows(user, query, page, buttons),
            pager=fragments.list_pager(user, query, page),
            statuses=translated(STATUSES) if buttons.can_update_status else {},
            now_local=_now_local(),
            customer=customers.visible_customer(user, query.customer) if has_access(CAN_READ, CUSTOMER) else None,
            label_templates=labels.TEMPLATES,
            label_sizes=labels.SIZES,
        )

    # --- form -----------------------------------------------------------------------------
    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        values = {}
        source_id = request.args.get("from", type=int)
        if source_id:
            values = services.form_values(_visible(source_id))
        if request.method == "POST":
            return self._save(None)
        return self._form(values, {}, None)

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        shipment = _visible(pk)
        if request.method == "POST":
            return self._save(shipment)
        return self._form(services.form_values(shipment), {}, shipment)

    def _save(self, shipment):
        data = ShipmentInput.from_mapping(request.form)
        tenant = current_tenant()
        try:
            with transaction():
                if request.form.get("action") == "archive":
                    saved = services.save_draft(tenant, g.user, data, shipment)
                else:
                    saved = services.issue(tenant, g.user, data, shipment)
                if self._adds_sender(data):
                    customers.add_sender_of(tenant, g.user, saved)
        except FieldError as exc:
            flash(_("Please correct the highlighted fields."), "danger")
            return self._form(request.form.to_dict() | {"items": data.items}, exc.messages(), shipment)
        except services.ShipmentDenied as exc:
            flash(str(exc.message), "danger")
            return self._form(request.form.to_dict() | {"items": data.items}, {}, shipment)
        if saved.is_draft:
            flash(_("Shipment saved to the archive."), "success")
            return redirect(url_for("ShipmentView.list", tab="archive"))
        flash(_("Shipment %(number)s saved.", number=saved.tracking_number), "success")
        return redirect(url_for("ShipmentView.show", pk=saved.id))

    def _adds_sender(self, data: ShipmentInput) -> bool:
        """The box "add this sender to the customer book" ticked, no customer picked, and the user keeps the book."""
        ticked = request.form.get("save_customer") == "1" and data.customer_id is None
        return ticked and self.appbuilder.sm.has_access(CAN_WRITE, CUSTOMER)

    def _form(self, values, errors, shipment):
        settings = get_settings(g.user.tenant_id)
        items = values.get("items") or []
        return self.render_template(
            "logistics/shipment_form.html",
            values=values,
            errors=errors,
            shipment=shipment,
            settings=settings,
            items_json=json.dumps(items, default=_json_default).replace("<", "\\u003c"),
            couriers=active_staff(g.user.tenant_id, COURIER_ROLE),
            marketers=active_staff(g.user.tenant_id, MARKETING_ROLE),
            customer=customers.visible_customer(g.user, values.get("customer_id")),
            can_add_customer=self.appbuilder.sm.has_access(CAN_WRITE, CUSTOMER),
            can_pick_customer=self.appbuilder.sm.has_access(CAN_READ, CUSTOMER),
            types=SHIPMENT_TYPES,
            discount_types=DISCOUNT_TYPES,
            city_label=city_label,
        ), (422 if errors else 200)

    # --- one shipment ---------------------------------------------------------------------
    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        shipment = _visible(pk, *DETAIL_LOADS)
        return self.render_template("logistics/shipment_show.html", shipment=shipment)

    @expose("/<int:pk>/detail")
    @has_access
    def detail(self, pk):
        def render(pk):
            shipment = _visible(pk, *DETAIL_LOADS)
            return self.render_template("logistics/shipment_detail.html", shipment=shipment)

        return fragments.detail(render, pk, g.user)

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete(self, pk):
        shipment = _visible(pk)
        tab = "archive" if shipment.is_draft else "active"
        with transaction():
            services.delete_shipment(g.user, shipment)
        flash(_("Shipment deleted."), "success")
        return redirect(url_for("ShipmentView.list", tab=tab))

    @expose("/<int:pk>/resi.pdf")
    @has_access
    def resi(self, pk):
        shipment = _visible(pk)
        if shipment.is_draft:
            flash(_("A draft has no tracking number yet: save it first."), "warning")
            return redirect(url_for("ShipmentView.edit", pk=pk))
        response = make_response(resi_pdf(shipment))
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = f'inline; filename="resi-{shipment.tracking_number}.pdf"'
        return response

    # --- JSON for the form ----------------------------------------------------------------
    @expose("/cities")
    @has_access
    def cities(self):
        found = search_cities(request.args.get("q", ""), limit=request.args.get("limit", 20, type=int) or 20)
        return jsonify(results=[{"id": city.code, "text": city.label} for city in found])

    @expose("/tariff")
    @has_access
    def tariff(self):
        origin, destination = get_city(request.args.get("origin")), get_city(request.args.get("destination"))
        tariff = find_tariff(origin.code, destination.code) if origin and destination else None
        if tariff is None:
            return jsonify(price_per_kg=None, message=_("No tariff is set for this origin and destination."))
        return jsonify(price_per_kg=tariff.price_per_kg, est_days=tariff.est_days)


def _now_local() -> str:
    from app.core.formatting import to_jakarta
    from app.tenancy.models import utcnow

    return to_jakarta(utcnow()).strftime("%Y-%m-%dT%H:%M")
