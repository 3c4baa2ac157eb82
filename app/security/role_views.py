"""The role editor: vendor roles with a grouped permission matrix instead of FAB's raw permission list."""

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _

from app.core.names import CAN_ADD, CAN_EDIT, VENDOR_ROLES
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import VendorBaseView
from app.security import roles as service


class VendorRoleView(VendorBaseView):
    """Permissions: list and show read; add, edit and delete need their own permission (the vendor pages'
    mapping). The Vendor Admin's, and grantable to a custom role."""

    route_base = "/vendor/roles"
    class_permission_name = VENDOR_ROLES
    object_model = Role
    default_view = "list"
    menus: dict[str, set[str]] = {}  # menu entry -> resources; set by app/menu.py at registration

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "security/role_list.html",
            roles=service.vendor_roles(),
            counts=service.user_counts(),
            is_custom=service.is_custom,
        )

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return self._editor(None)

    @expose("/<int:pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._editor(_vendor_role_or_404(pk))

    @expose("/<int:pk>", methods=["POST"])
    @has_access
    def edit(self, pk):
        return self._editor(_vendor_role_or_404(pk))

    @expose("/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete(self, pk):
        role = _vendor_role_or_404(pk)
        name = role.name
        try:
            with transaction():
                service.delete_custom_role(role)
        except FieldError as error:
            flash(str(error), "danger")
            return redirect(url_for(".show", pk=pk))
        flash(_("Role %(name)s deleted.", name=name), "success")
        return redirect(url_for(".list"))

    def _editor(self, role):
        matrix = service.permission_matrix(current_app.appbuilder, self.menus)
        held = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions} if role else set()
        name = role.name if role else ""
        if request.method == "POST":
            name = request.form.get("name", "")
            try:
                with transaction():
                    granted_to_me = current_app.appbuilder.sm.permissions_of(g.user)
                    held = service.chosen_pairs(request.form.getlist("perm"), matrix, granted_to_me)
                    saved = service.save_custom_role(current_app.appbuilder, role, name, held, self.menus)
            except FieldError as error:
                return self._page(role, matrix, held, name, error), 400
            flash(_("Role %(name)s saved.", name=saved.name), "success")
            return redirect(url_for(".show", pk=saved.id))
        return self._page(role, matrix, held, name)

    def _page(self, role, matrix, held, name, error=None):
        built_in = role is not None and not service.is_custom(role)
        return self.render_template(
            "security/role_form.html",
            role=role,
            matrix=matrix,
            columns=service.COLUMNS,
            held=held,
            name=name,
            error=error,
            built_in=built_in,
            read_only=built_in
            or not current_app.appbuilder.sm.has_access(CAN_ADD if role is None else CAN_EDIT, VENDOR_ROLES),
        )


def _vendor_role_or_404(pk) -> Role:
    return get_or_404(Role, pk, where=Role.id.in_([role.id for role in service.vendor_roles()]))
