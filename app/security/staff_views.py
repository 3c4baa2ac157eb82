"""Vendor staff (users without a tenant) for the Vendor Admin, and the public page behind invitations."""

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterInFunction, SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.forms import ResetPasswordForm
from flask_appbuilder.security.views import UserModelView
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Optional, StopValidation

from app.core.access import EDIT, VENDOR_METHOD_PERMISSIONS
from app.core.formatting import wib_datetime
from app.core.names import VENDOR_STAFF
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import VendorModelView
from app.extensions import db
from app.security import staff
from app.security.invitations import accept_invitation, enqueue_invitation, invited_user
from app.security.models import TenantUser


class NameOrEmailFilter(BaseFilter):
    name = _l("Name or e-mail contains")

    def apply(self, query, value):
        pattern = f"%{(value or '').strip()}%"
        full_name = TenantUser.first_name + " " + TenantUser.last_name
        return query.filter(full_name.ilike(pattern) | TenantUser.email.ilike(pattern))


class StaffFilterConverter(SQLAFilterConverter):
    """The e-mail column's first search filter matches the name too: one box finds either."""

    def convert(self, col_name):
        filters = super().convert(col_name) or []
        return [NameOrEmailFilter(col_name, self.datamodel), *filters] if col_name == "email" else filters


class StaffInterface(SQLAInterface):
    filter_converter_class = StaffFilterConverter


def _password_or_invitation(form, field):
    if form.send_invitation.data and field.data:
        raise StopValidation(_l("Either enter a password or send an invitation, not both."))
    if not form.send_invitation.data and not field.data:
        raise StopValidation(_l("Enter a password or send an invitation."))


def _role_names(roles) -> str:
    return ", ".join(role.name for role in roles)


def _active_label(active) -> str:
    return _("Active") if active else _("Inactive")


class VendorStaffView(VendorModelView):
    """FAB's CRUD on the user table, limited to vendor staff by a base filter (list, show, edit,
    delete and counts alike), with the staff rules of app/security/staff.py."""

    route_base = "/vendor/staff"
    datamodel = StaffInterface(TenantUser)
    class_permission_name = VENDOR_STAFF
    method_permission_name = {**VENDOR_METHOD_PERMISSIONS, "password": EDIT, "invite": EDIT, "set_active": EDIT}
    base_filters = [["tenant_id", FilterEqual, None]]
    base_order = ("created_on", "desc")
    list_template = "security/staff_list.html"
    show_template = "security/staff_show.html"

    list_title = _l("Vendor staff")
    show_title = _l("Staff member")
    add_title = _l("Add staff member")
    edit_title = _l("Edit staff member")
    add_row_message = _l("Staff member added.")
    edit_row_message = _l("Staff member saved.")
    delete_row_message = _l("Staff member deleted.")

    list_columns = ["get_full_name", "email", "roles", "active", "created_on"]
    order_columns = ["email", "active", "created_on"]
    search_columns = ["email", "active", "roles"]
    show_columns = ["first_name", "last_name", "email", "roles", "active", "created_on", "last_login", "login_count"]
    add_columns = ["first_name", "last_name", "email", "roles", "send_invitation", "password", "conf_password"]
    edit_columns = ["first_name", "last_name", "email", "roles", "active"]
    label_columns = {
        **UserModelView.label_columns,
        "get_full_name": _l("Name"),
        "created_on": _l("Created"),
        "active": _l("Active"),
        "send_invitation": _l("Send an invitation"),
    }
    description_columns = {
        "send_invitation": _l("The new member receives an e-mail with a link to choose their own password."),
        "active": _l("Inactive staff cannot sign in, on the web or the API."),
    }
    formatters_columns = {
        "roles": _role_names,
        "active": _active_label,
        "created_on": wib_datetime,
        "last_login": wib_datetime,
        "login_count": lambda count: count or 0,
    }
    validators_columns = {"roles": [DataRequired()]}
    add_form_extra_fields = {
        "send_invitation": BooleanField(_l("Send an invitation"), default=True),
        "password": PasswordField(
            _l("Password"), validators=[_password_or_invitation, Optional(), PasswordComplexityValidator()]
        ),
        "conf_password": PasswordField(
            _l("Confirm Password"), validators=[EqualTo("password", message=_l("Passwords must match"))]
        ),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "roles": [["name", FilterInFunction, staff.vendor_role_names]]
    }

    # --- FAB hooks: the staff rules -----------------------------------------------------
    def pre_add(self, item):
        _checked(lambda: staff.prepare_new_staff(item, None if item.send_invitation else item.password))

    def post_add(self, item):
        if item.send_invitation:
            with transaction():  # FAB's datamodel committed the user; the invitation goes out after this
                enqueue_invitation(item, actor_id=g.user.id)
            flash(_("An invitation was sent to %(email)s.", email=item.email), "info")

    def pre_update(self, item):
        _checked(lambda: staff.prepare_update(item, g.user.id))

    def pre_delete(self, item):
        _checked(lambda: staff.check_deletion(item, g.user.id))

    def _get_show_widget(self, pk, item, *args, **kwargs):
        widgets = super()._get_show_widget(pk, item, *args, **kwargs)
        widgets["member_active"] = bool(item.active)  # the show page offers Activate or Deactivate
        return widgets

    # --- password, invitation, active flag ---------------------------------------------
    @staticmethod
    def _staff_or_404(pk) -> TenantUser:
        return get_or_404(TenantUser, pk, where=TenantUser.tenant_id.is_(None))

    def _refused(self, user: TenantUser):
        """A redirect with the message when `user` is not the signed-in user's to change (staff.check_manageable)."""
        try:
            staff.check_manageable(user)
        except FieldError as error:
            flash(str(error), "danger")
            return redirect(url_for(".show", pk=user.id))
        return None

    @expose("/<int:pk>/password", methods=["GET", "POST"])
    @has_access
    def password(self, pk):
        user = self._staff_or_404(pk)
        if refused := self._refused(user):
            return refused
        form = ResetPasswordForm()
        if form.validate_on_submit():
            with transaction():
                user.password = staff.hash_password(form.password.data)
            flash(_("The password of %(name)s was changed.", name=user.get_full_name()), "success")
            return redirect(url_for(".show", pk=pk))
        return self.render_template("security/staff_password.html", user=user, form=form)

    @expose("/<int:pk>/invite", methods=["POST"])
    @has_access
    def invite(self, pk):
        user = self._staff_or_404(pk)
        if refused := self._refused(user):
            return refused
        if not user.active:
            flash(_("This account is inactive: activate it first."), "danger")
        else:
            with transaction():
                enqueue_invitation(user, actor_id=g.user.id)
            flash(_("A link to choose a password was sent to %(email)s.", email=user.email), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/<int:pk>/active", methods=["POST"])
    @has_access
    def set_active(self, pk):
        user = self._staff_or_404(pk)
        try:
            with transaction():
                user.active = request.form.get("active") == "1"
                staff.prepare_update(user, g.user.id)
        except FieldError as error:
            flash(str(error), "danger")
        else:
            name = user.get_full_name()
            done = (
                _("%(name)s can sign in.", name=name)
                if user.active
                else _("%(name)s can no longer sign in.", name=name)
            )
            flash(done, "success")
        return redirect(url_for(".show", pk=pk))


def _checked(check) -> None:
    """Run a staff rule inside a FAB hook (FAB's datamodel is the boundary there): on refusal nothing stays
    changed in the session and FAB flashes the message."""
    try:
        check()
    except FieldError:
        db.session.rollback()
        raise


class InvitationView(BaseView):
    """Public: where an invited (or reset) user chooses their password. The signed link is the check."""

    route_base = "/invitation"
    default_view = "accept"

    @expose("/<token>", methods=["GET", "POST"])
    def accept(self, token):
        user = invited_user(token)
        if user is None:
            return self.render_template("security/invitation.html", user=None, form=None), 400
        form = ResetPasswordForm()
        if form.validate_on_submit():
            with transaction():
                accept_invitation(user, form.password.data)
            flash(_("Your password is set. Sign in with your e-mail and the new password."), "success")
            return redirect(url_for("AuthDBView.login"))
        return self.render_template("security/invitation.html", user=user, form=form)
