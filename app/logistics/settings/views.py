"""Tenant settings page (Super Admin writes, others with access read) and the tenant's logo."""

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core import storage, uploads
from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.names import CAN_WRITE, TENANT_SETTINGS
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.logistics.documents import labels
from app.logistics.settings import services
from app.logistics.shipments.calculator import ROUNDING_MODES
from app.logistics.shipments.numbering import preview

FORM_FIELDS = (
    "tracking_prefix",
    "start_number",
    "volume_divisor",
    "rounding_mode",
    "rounding_tolerance",
    "minimum_weight",
    "company_name",
    "company_address",
    "company_website",
    "company_phone",
)


class TenantSettingsView(TenantBaseView):
    route_base = "/settings"
    class_permission_name = TENANT_SETTINGS
    default_view = "show"
    method_permission_name = {**METHOD_PERMISSIONS, "show": READ, "save": WRITE, "upload_logo": WRITE, "logo": READ}

    def _values(self, settings) -> dict:
        values = {key: getattr(settings, key, "") for key in FORM_FIELDS if key != "start_number"}
        values["start_number"] = services.start_number_of(settings)
        return values

    def _page(self, settings, values, errors, status=200):
        try:
            examples = preview(values.get("tracking_prefix"), values.get("start_number"))
        except FieldError:
            examples = []
        return self.render_template(
            "logistics/settings.html",
            settings=settings,
            values=values,
            errors=errors,
            examples=examples,
            rounding_modes=ROUNDING_MODES,
            can_write=self.appbuilder.sm.has_access(CAN_WRITE, self.class_permission_name),
            label_templates=labels.TEMPLATES,
            label_sizes=labels.SIZES,
        ), status

    @expose("/")
    @has_access
    def show(self):
        with transaction():  # the row is created with the defaults on first use
            settings = services.get_settings(g.user.tenant_id)
        return self._page(settings, self._values(settings), {})

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        values = {key: request.form.get(key, "") for key in FORM_FIELDS}
        try:
            with transaction():
                settings = services.get_settings(g.user.tenant_id)
                services.update_settings(settings, services.SettingsInput(**values))
        except FieldError as exc:
            return self._page(services.get_settings(g.user.tenant_id), values, exc.messages(), 422)
        flash(_("Settings saved."), "success")
        return redirect(url_for("TenantSettingsView.show"))

    @expose("/logo", methods=["POST"])
    @has_access
    def upload_logo(self):
        upload = request.files.get("logo")
        data = upload.read(services.MAX_LOGO_BYTES + 1) if upload else b""
        try:
            with transaction():
                services.save_logo(services.get_settings(g.user.tenant_id), data)
        except FieldError as exc:
            settings = services.get_settings(g.user.tenant_id)
            return self._page(settings, self._values(settings), exc.messages(), 422)
        flash(_("Logo uploaded."), "success")
        return redirect(url_for("TenantSettingsView.show"))

    @expose("/logo")
    @has_access
    def logo(self):
        settings = services.get_settings(g.user.tenant_id)
        mimetype = services.logo_mimetype(settings)
        if mimetype is None or not storage.exists(settings.logo_path):
            return "", 204
        response = storage.send(settings.logo_path, content_type=mimetype, inline=True)
        return uploads.harden(response, mimetype)
