"""Tariff CRUD (FAB ModelView with select2 city pickers), Excel export and import."""

import uuid

import sqlalchemy as sa
from flask import flash, g, make_response, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from app.core import storage, uploads
from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.formatting import rupiah
from app.core.names import TARIFF
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantModelView
from app.extensions import db
from app.jobs.queue import enqueue
from app.logistics.shipments.calculator import MAX_PRICE_PER_KG
from app.logistics.tariffs.cities import city_label, get_city
from app.logistics.tariffs.excel import JOB_ROWS, MAX_IMPORT_BYTES, export_tariffs, parse_rows
from app.logistics.tariffs.jobs import import_tariffs as import_tariffs_job
from app.logistics.tariffs.models import Tariff
from app.logistics.tariffs.services import MAX_EST_DAYS, find_tariff, save_tariffs


class CitySelectWidget:
    """A <select> that select2 fills from the city autocomplete endpoint."""

    def __call__(self, field, **kwargs):
        value = field.data or ""
        option = f'<option value="{escape(value)}" selected>{escape(city_label(value))}</option>' if value else ""
        return Markup(
            f'<select class="form-control city-select" id="{field.id}" name="{field.name}" style="width:100%">'
            f'<option value=""></option>{option}</select>'
        )


def valid_city(form, field):
    city = get_city(field.data)
    if city is None:
        raise ValidationError(_("Choose a city from the list."))
    field.data = city.code


def unique_route(form, field):
    origin, destination = get_city(form.origin.data), get_city(field.data)
    if not origin or not destination:
        return
    existing = find_tariff(origin.code, destination.code)
    if existing is not None and str(existing.id) != str((request.view_args or {}).get("pk")):
        raise ValidationError(_("A tariff for this origin and destination already exists."))


def price_range(form, field):
    if field.data is None or not 0 <= field.data <= MAX_PRICE_PER_KG:
        raise ValidationError(_("Enter a price between 0 and %(max)s.", max=MAX_PRICE_PER_KG))


def days_range(form, field):
    if field.data is not None and not 0 <= field.data <= MAX_EST_DAYS:
        raise ValidationError(_("Estimated days must be between 0 and %(max)s.", max=MAX_EST_DAYS))


CITY_FIELDS = {
    "origin": StringField(_l("Origin city"), widget=CitySelectWidget(), validators=[InputRequired(), valid_city]),
    "destination": StringField(
        _l("Destination city"), widget=CitySelectWidget(), validators=[InputRequired(), valid_city, unique_route]
    ),
    "price_per_kg": IntegerField(_l("Price per kg (Rp)"), validators=[InputRequired(), price_range]),
    "est_days": IntegerField(_l("Estimated days"), validators=[Optional(), days_range]),
}


class TariffView(TenantModelView):
    route_base = "/tariffs"
    class_permission_name = TARIFF
    module_code = "tariffs"
    datamodel = SQLAInterface(Tariff)
    method_permission_name = {**METHOD_PERMISSIONS, "export": READ, "import_xlsx": WRITE}
    list_title = _l("Tariffs")
    show_title = _l("Tariff")
    add_title = _l("New tariff")
    edit_title = _l("Edit tariff")
    list_columns = ["origin_label", "destination_label", "price_per_kg", "est_days"]
    show_columns = ["origin_label", "destination_label", "price_per_kg", "est_days"]
    add_columns = edit_columns = ["origin", "destination", "price_per_kg", "est_days"]
    search_columns = ["origin", "destination", "price_per_kg", "est_days"]
    order_columns = ["price_per_kg", "est_days"]
    base_order = ("id", "desc")
    add_form_extra_fields = edit_form_extra_fields = CITY_FIELDS
    formatters_columns = {"price_per_kg": rupiah}
    label_columns = {
        "origin": _l("Origin city"),
        "destination": _l("Destination city"),
        "origin_label": _l("Origin city"),
        "destination_label": _l("Destination city"),
        "price_per_kg": _l("Price per kg"),
        "est_days": _l("Estimated days"),
    }
    list_template = "logistics/tariff_list.html"
    add_template = "logistics/tariff_add.html"
    edit_template = "logistics/tariff_edit.html"

    @expose("/export.xlsx")
    @has_access
    def export(self):
        tariffs = db.session.execute(sa.select(Tariff).order_by(Tariff.origin, Tariff.destination)).scalars()
        response = make_response(export_tariffs(tariffs))
        response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response.headers["Content-Disposition"] = 'attachment; filename="tariffs.xlsx"'
        return response

    @expose("/import", methods=["GET", "POST"])
    @has_access
    def import_xlsx(self):
        problems = []
        if request.method == "POST":
            upload = request.files.get("file")
            try:
                data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
                items = parse_rows(data)
            except FieldError as exc:
                problems = list(exc.messages().values())
            else:
                if len(items) > JOB_ROWS:
                    key = storage.put(f"imports/{g.user.tenant_id}/{uuid.uuid4().hex}.xlsx", data, uploads.XLSX_MIME)
                    with transaction():
                        run = enqueue(import_tariffs_job, tenant_id=g.user.tenant_id, user_id=g.user.id, key=key)
                    return redirect(url_for("TariffView.import_xlsx", job=run.id))
                with transaction():
                    created, updated = save_tariffs(items)
                flash(_("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated), "success")
                return redirect(url_for("TariffView.list"))
        return self.render_template(
            "logistics/tariff_import.html",
            problems=problems,
            job=request.args.get("job", "")[:36],
        ), (422 if problems else 200)
