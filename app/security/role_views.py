"""The role editor: vendor roles with a grouped permission matrix instead of FAB's raw permission list."""

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _

from app.core.names import VENDOR_ROLES
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import VendorBaseView
from app.security import roles as service


class VendorRoleView(VendorBaseView):
    """Permissions: list reads, add / edit / delete write (the base views' mapping); all the Vendor Admin's."""

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

    @expose("/<int:pk>", methods=["GET", "POST"])
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
            return redirect(url_for(".edit", pk=pk))
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
                    held = service.chosen_pairs(request.form.getlist("perm"), matrix)
                    saved = service.save_custom_role(current_app.appbuilder, role, name, held, self.menus)
            except FieldError as error:
                return self._page(role, matrix, held, name, error), 400
            flash(_("Role %(name)s saved.", name=saved.name), "success")
            return redirect(url_for(".edit", pk=saved.id))
        return self._page(role, matrix, held, name)

    def _page(self, role, matrix, held, name, error=None):
        return self.render_template(
            "security/role_form.html",
            role=role,
            matrix=matrix,
            held=held,
            name=name,
            error=error,
            read_only=role is not None and not service.is_custom(role),
        )


def _vendor_role_or_404(pk) -> Role:
    return get_or_404(Role, pk, where=Role.id.in_([role.id for role in service.vendor_roles()]))
