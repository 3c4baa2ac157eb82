"""The product-module catalogue (two groups, obvious on/off state) and plan editing."""

from decimal import Decimal

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.billing import catalogue as service
from app.billing.invoices import parse_amount
from app.billing.models import Plan, ProductModule
from app.billing.views.common import BillingPage
from app.core.access import CREATE, DELETE, EDIT, READ, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import rupiah
from app.core.names import CAN_ADD, CAN_DELETE, CAN_EDIT, CAN_READ, MODULE, PLAN
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import VendorModelView
from app.extensions import db

CATEGORY_LABELS = {"mvp": _l("MVP modules"), "advanced": _l("Advanced modules")}


class ModuleView(BillingPage):
    route_base = "/billing/modules"
    class_permission_name = MODULE
    object_model = ProductModule  # what <pk> names, for the sweeps
    method_permission_name = {
        **VENDOR_METHOD_PERMISSIONS,
        "index": READ,
        "create": CREATE,
        "edit_module": EDIT,
        "remove": DELETE,
        "set_active": EDIT,
    }

    @expose("/")
    @has_access
    def index(self):
        modules = db.session.execute(sa.select(ProductModule).order_by(ProductModule.name)).scalars().all()
        groups = [(label, [m for m in modules if m.category == code]) for code, label in CATEGORY_LABELS.items()]
        return self.render("billing/module_list.html", groups=groups, usage=service.usage_counts())

    def _form(self, data, module=None, error=None, status=200):
        return self.render(
            "billing/module_form.html", data=data, module=module, error=error, categories=CATEGORY_LABELS
        ), status

    def _data_from_form(self) -> service.ModuleData:
        form = request.form
        return service.ModuleData(
            code=form.get("code", "").strip(),
            name=form.get("name", "").strip(),
            description=form.get("description", ""),
            category=form.get("category", ""),
            monthly_price=parse_amount(form.get("monthly_price"), "monthly_price"),
        )

    def _save(self, module):
        data = service.ModuleData(code=request.form.get("code", ""), name=request.form.get("name", ""))
        try:
            with transaction():
                data = self._data_from_form()
                saved = service.save_module(data, module)
        except FieldError as exc:
            return self._form(data, module=module and db.session.get(ProductModule, module.id), error=exc, status=400)
        flash(_("Module %(name)s saved.", name=saved.name), "success")
        return redirect(url_for("ModuleView.index"))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def create(self):
        if request.method == "GET":
            return self._form(service.ModuleData(code="", name=""))
        return self._save(None)

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit_module(self, pk):
        module = get_or_404(ProductModule, pk)
        if request.method == "GET":
            data = service.ModuleData(
                module.code, module.name, module.description or "", module.category, Decimal(module.monthly_price)
            )
            return self._form(data, module=module)
        return self._save(module)

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def remove(self, pk):
        module = get_or_404(ProductModule, pk)
        try:
            with transaction():
                name = module.name
                service.delete_module(module)
            flash(_("Module %(name)s deleted.", name=name), "success")
        except FieldError as exc:
            self.fail(exc)
        return redirect(url_for("ModuleView.index"))

    @expose("/<int:pk>/active", methods=["POST"])
    @has_access
    def set_active(self, pk):
        with transaction():
            module = get_or_404(ProductModule, pk)
            active = request.form.get("active") == "1"
            removed = service.set_module_active(
                module, active, clients_keep=request.form.get("keep") != "0", actor_id=self.actor_id()
            )
        if active:
            flash(_("%(name)s is active.", name=module.name), "success")
        else:
            flash(
                _("%(name)s is deactivated; %(count)s client(s) lost it.", name=module.name, count=removed), "warning"
            )
        return redirect(url_for("ModuleView.index"))


class PlanView(VendorModelView):
    route_base = "/billing/plans"
    class_permission_name = PLAN
    list_title = _l("Plans")
    show_title = _l("Plan")
    add_title = _l("New plan")
    edit_title = _l("Edit plan")
    datamodel = SQLAInterface(Plan)
    base_permissions = [CAN_READ, CAN_ADD, CAN_EDIT, CAN_DELETE]
    list_columns = ["code", "name", "price", "period_days", "shipment_quota", "user_quota"]
    show_columns = ["code", "name", "price", "period_days", "shipment_quota", "user_quota", "modules"]
    edit_columns = ["name", "price", "period_days", "shipment_quota", "user_quota", "modules"]
    base_order = ("price", "asc")
    label_columns = {
        "code": _l("Code"),
        "name": _l("Name"),
        "price": _l("Price per period"),
        "period_days": _l("Period (days)"),
        "shipment_quota": _l("Shipments per period"),
        "user_quota": _l("User accounts"),
        "modules": _l("Included modules"),
    }
    formatters_columns = {"price": rupiah}
    description_columns = {
        "shipment_quota": _l("Empty means unlimited."),
        "user_quota": _l("Empty means unlimited."),
        "price": _l("Invoices already issued keep their own amounts."),
    }

    def pre_update(self, item):
        service.validate_plan(item)
