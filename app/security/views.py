"""FAB's user screens, showing which tenant a user belongs to (empty for vendor staff), its
reset-password form without its 500, its own-profile form refusing names the columns cannot hold
and no longer saying "changed" when nothing was saved, and its change-my-password form asking for the
current password."""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.security.decorators import has_access, no_cache
from flask_appbuilder.security.forms import LoginForm_db, ResetPasswordForm, UserInfoEdit
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.security.views import UserDBModelView
from flask_appbuilder.security.views import UserInfoEditView as FabUserInfoEditView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.formatting import wib_datetime
from app.core.ids import db_integer_id
from app.core.redirects import safe_target
from app.core.rows import get_or_404
from app.core.views import ModelViewFixes
from app.extensions import db
from app.security import login_limits
from app.security.models import TenantUser
from app.tenancy.models import Tenant
from app.tenancy.services import check_user_quota


class TenantAwareUserView(ModelViewFixes, UserDBModelView):
    list_columns = ["first_name", "last_name", "username", "email", "tenant", "active", "roles"]
    show_columns = [
        "first_name",
        "last_name",
        "username",
        "email",
        "phone",
        "tenant",
        "active",
        "roles",
        "login_count",
        "last_login",
    ]
    add_columns = UserDBModelView.add_columns[:5] + ["phone", "tenant"] + UserDBModelView.add_columns[5:]
    edit_columns = UserDBModelView.edit_columns[:5] + ["phone", "tenant"] + UserDBModelView.edit_columns[5:]
    label_columns = {
        "tenant": _l("Company"),
        "phone": _l("Phone"),
        "last_login": _l("Last sign-in"),
        "login_count": _l("Sign-ins"),
        "first_name": _l("First name"),
        "last_name": _l("Last name"),
        "username": _l("Username"),
        "email": _l("E-mail"),
        "roles": _l("Roles"),
        "active": _l("Active"),
    }
    description_columns = {"tenant": _l("Empty for vendor staff.")}
    # The profile page (/users/userinfo/) every user sees: words, not Python values ("Active True",
    # "[Super Admin]") and times in WIB.
    formatters_columns = {
        "active": lambda active: _("Active") if active else _("Inactive"),
        "roles": lambda roles: ", ".join(role.name for role in roles or ()),
        "last_login": wib_datetime,
        "login_count": lambda count: count or 0,
        "phone": lambda phone: phone or "-",
    }
    # FAB derives show_columns from the fieldsets: every column shown must be in one.
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "email", "phone", "tenant", "active", "roles", "login_count"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name"], "expanded": True}),
        (
            _l("Audit Info"),
            {
                "fields": ["last_login", "fail_login_count", "created_on", "created_by", "changed_on", "changed_by"],
                "expanded": False,
            },
        ),
    ]
    user_show_fieldsets = [
        (_l("User info"), {"fields": ["email", "phone", "roles", "active", "last_login", "login_count"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name"], "expanded": True}),
    ]

    def pre_add(self, item) -> None:
        # The plan's user-account quota holds however a tenant user is created (FAB flashes the message).
        if item.tenant_id is not None or item.tenant is not None:
            check_user_quota(item.tenant or db.session.get(Tenant, item.tenant_id))
        super().pre_add(item)


class ResetPasswordView(FabResetPasswordView):
    """FAB's "reset a user's password" form, /resetpassword/form?pk=<user id> (the users list links to it).
    FAB validates the form, then looks the user up and sets the password of None: a missing, unreadable
    or unknown pk answered 500. Posting for no user is a missing page (404) before the form is read, and so
    is opening the form for an unreadable or unknown pk. Same class name: the permissions are keyed on it."""

    @staticmethod
    def _user_or_404() -> None:
        user_id = db_integer_id(request.args.get("pk"))
        if user_id is None:
            abort(404)
        get_or_404(TenantUser, user_id)

    @expose("/form", methods=["GET"])
    @has_access
    def this_form_get(self):
        if "pk" in request.args:  # without one FAB shows the bare form (the permission sweep opens it so)
            self._user_or_404()
        return super().this_form_get()

    @expose("/form", methods=["POST"])
    @has_access
    def this_form_post(self):
        self._user_or_404()
        return super().this_form_post()


def _at_most_column(unbound, column):
    """FAB's form field, also refusing more characters than `column` holds."""
    length = Length(max=column.type.length, message=_l("At most %(max)s characters."))
    return unbound.field_class(
        *unbound.args, **unbound.kwargs | {"validators": [*unbound.kwargs["validators"], length]}
    )


class UserInfoForm(UserInfoEdit):
    first_name = _at_most_column(UserInfoEdit.first_name, TenantUser.__table__.c.first_name)
    last_name = _at_most_column(UserInfoEdit.last_name, TenantUser.__table__.c.last_name)


class UserInfoEditView(FabUserInfoEditView):
    """FAB's "edit my profile" form (/userinfoeditview/form). Its names had no length check: a name longer
    than the column failed at the database (PostgreSQL), FAB's update_user rolled back and logged it, and the
    page still said "User information changed". The form now shows the field's message instead.
    Same class name: the permissions are keyed on it."""

    form = UserInfoForm

    def form_post(self, form):
        # FAB's, but its success message only after a save: update_user logs a failed one and returns False.
        user = self.appbuilder.sm.get_user_by_id(g.user.id)
        form.populate_obj(user)
        if self.appbuilder.sm.update_user(user) is False:
            flash(_("Your profile was not saved. Please try again."), "danger")
            return redirect(url_for(".this_form_get"))
        flash(str(self.message), "info")
        return None


def _again(unbound):
    """The same form field declared anew, so that it comes after the fields declared before it."""
    return unbound.field_class(*unbound.args, **unbound.kwargs)


class ChangeMyPasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = _again(ResetPasswordForm.password)
    conf_password = _again(ResetPasswordForm.conf_password)

    def validate_current_password(self, field) -> None:
        stored = db.session.get(TenantUser, g.user.id).password
        if not stored or not check_password_hash(stored, field.data or ""):
            raise ValidationError(_l("The current password is not correct."))


class ResetMyPasswordView(FabResetMyPasswordView):
    """FAB's "change my password" form (/resetmypassword/form). It asked only for the new password: anyone
    at a signed-in browser could take the account over. It now asks for the current one (a wrong one is the
    field's message, nothing changes). The change ends every other session and token of the user
    (app/security/sessions.py); this browser stays signed in. Same class name: the permissions are keyed on it."""

    form = ChangeMyPasswordForm

    def form_post(self, form):
        self.appbuilder.sm.reset_password(g.user.id, form.password.data)  # commits
        flash(str(self.message), "info")


class AuthDBView(FabAuthDBView):
    """FAB's sign-in page (/login/) with two changes: `next=` is followed only to this site
    (app/core/redirects.py; FAB's check let `/\\evil.com` and `http://evil.com\\.<BASE_DOMAIN>` through), and
    wrong passwords are limited per address and per account (app/security/login_limits.py): 429."""

    def _next_url(self) -> str:
        return safe_target(request.args.get("next")) or self.appbuilder.get_url_for_index

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            login_limits.refuse_if_exhausted(form.username.data)
            next_url = self._next_url()
            user = self.appbuilder.sm.auth_user_db(form.username.data, form.password.data)
            if not user:
                flash(as_unicode(self.invalid_login_message), "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            login_user(user, remember=False)
            return redirect(next_url)
        return self.render_template(self.login_template, title=self.title, form=form, appbuilder=self.appbuilder)

    @expose("/logout/", methods=["POST"])
    def logout(self):
        """A POST with the CSRF token: logging out ends every session of the user (a write), and GET never
        writes, so another site cannot sign a user out with a link."""
        return super().logout()
