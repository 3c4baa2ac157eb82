"""Menu "Pelanggan": the customer book. Thin: the rules are in app/logistics/customers/services.py."""

from urllib.parse import parse_qsl, urlencode

from flask import flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.formatting import wib_datetime
from app.core.names import CAN_WRITE, CUSTOMER, MARKETING
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.jobs.queue import enqueue
from app.logistics.customers import jobs, services
from app.logistics.customers.models import Customer
from app.logistics.shipments.inputs import active_staff
from app.logistics.shipments.listing import ListQuery, fetch_page
from app.logistics.shipments.statuses import STATUSES
from app.logistics.tariffs.cities import city_label
from app.logistics.team.services import display_phone
from app.logistics.web import current_tenant

RECENT_SHIPMENTS = 10


def _customer(pk) -> Customer:
    """A customer the signed-in user may see (Marketing: its own), else 404."""
    return get_or_404(Customer, pk, where=services.narrowing(g.user))


class CustomerView(TenantBaseView):
    route_base = "/customers"
    class_permission_name = CUSTOMER
    module_code = "shipments"
    object_model = Customer  # what <pk> names, for the isolation and permission sweeps
    default_view = "list"
    method_permission_name = {
        **METHOD_PERMISSIONS,
        "list": READ,
        "show": READ,
        "lookup": READ,
        "export": READ,
        "new": WRITE,
        "edit": WRITE,
        "set_active": WRITE,
        "delete": WRITE,
    }

    def _can_write(self) -> bool:
        return self.appbuilder.sm.has_access(CAN_WRITE, self.class_permission_name)

    @expose("/")
    @has_access
    def list(self):
        query = services.CustomerQuery.from_args(request.args)
        rows, has_next = services.customer_page(query, g.user)
        return self.render_template(
            "customers/list.html",
            query=query,
            rows=rows,
            has_next=has_next,
            counts=services.shipment_counts([row.id for row in rows]),
            marketers=active_staff(g.user.tenant_id, MARKETING),
            show_marketing_filter=services.narrowing(g.user) is None,
            cities=sorted(services.cities_in_book(g.user.tenant_id), key=city_label),
            city_label=city_label,
            display_phone=display_phone,
            can_write=self._can_write(),
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        customer = _customer(pk)
        shipments = ListQuery(customer=customer.id)
        return self.render_template(
            "customers/show.html",
            customer=customer,
            shipments=fetch_page(shipments, g.user).rows[:RECENT_SHIPMENTS],
            list_args=shipments.args(),
            statuses=STATUSES,
            display_phone=display_phone,
            wib_datetime=wib_datetime,
            can_write=self._can_write(),
        )

    def _form(self, values: dict, errors: dict, customer: Customer | None = None, status: int = 200):
        return self.render_template(
            "customers/form.html",
            values=values,
            errors=errors,
            customer=customer,
            marketers=_marketing_choices(customer),
            city_label=city_label,
        ), status

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        if request.method == "GET":
            return self._form({"active": True}, {})
        data = services.CustomerInput.from_form(request.form)
        try:
            with transaction():
                customer = services.create_customer(current_tenant(), g.user, data)
        except FieldError as exc:
            return self._form(_values(request.form), exc.messages(), status=422)
        flash(_("%(name)s was added to the customer book.", name=customer.name), "success")
        return redirect(url_for("CustomerView.list"))

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        customer = _customer(pk)
        if request.method == "GET":
            values = {
                "name": customer.name,
                "phone": display_phone(customer.phone),
                "address": customer.address,
                "city": customer.city,
                "marketing_id": customer.marketing_id,
                "active": customer.active,
            }
            return self._form(values, {}, customer)
        data = services.CustomerInput.from_form(request.form)
        try:
            with transaction():
                services.update_customer(current_tenant(), g.user, customer, data)
        except FieldError as exc:
            return self._form(_values(request.form), exc.messages(), customer, 422)
        flash(_("%(name)s was saved.", name=customer.name), "success")
        return redirect(url_for("CustomerView.show", pk=customer.id))

    @expose("/<int:pk>/active", methods=["POST"])
    @has_access
    def set_active(self, pk):
        customer = _customer(pk)
        active = request.form.get("active") == "1"
        with transaction():
            services.set_active(current_tenant(), g.user, customer, active)
        message = _("%(name)s is active again.") if active else _("%(name)s is no longer offered for new shipments.")
        flash(message % {"name": customer.name}, "success")
        return redirect(url_for("CustomerView.list"))

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete(self, pk):
        customer = _customer(pk)
        name = customer.name
        try:
            with transaction():
                services.delete_customer(current_tenant(), g.user, customer)
        except FieldError as exc:
            flash(" ".join(exc.messages().values()), "danger")
        else:
            flash(_("%(name)s was deleted.", name=name), "success")
        return redirect(url_for("CustomerView.list"))

    @expose("/lookup")
    @has_access
    def lookup(self):
        """The pickers' search (select2): active customers the user may see."""
        found = services.lookup(request.args.get("q", ""), g.user)
        return jsonify(results=[services.picked(customer) for customer in found])

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        """Every customer the list's filter (its query arguments, `list_args`) matches, as an Excel file."""
        query = services.CustomerQuery.from_args(MultiDict(parse_qsl(request.form.get("list_args", ""))))
        list_args = query.args(page=1)
        with transaction():
            run = enqueue(
                jobs.export_customers, tenant_id=g.user.tenant_id, user_id=g.user.id, list_args=urlencode(list_args)
            )
        back = url_for("CustomerView.list", **list_args)
        return redirect(url_for("LabelView.progress", run_id=run.id, back=back, kind="export"))


def _marketing_choices(customer: Customer | None) -> list[tuple[int, str]]:
    """The active Marketing users, and the customer's own one if it has left (the form keeps it)."""
    choices = active_staff(g.user.tenant_id, MARKETING)
    owner = customer.marketing if customer is not None else None
    if owner is not None and owner.id not in {pk for pk, _name in choices}:
        choices = [*choices, (owner.id, owner.get_full_name())]
    return choices


def _values(form) -> dict:
    values = {key: form.get(key, "") for key in ("name", "phone", "address", "city", "marketing_id")}
    values["active"] = form.get("active") in ("1", "on", "y", "true")
    return values
