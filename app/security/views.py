"""FAB's user screens, showing which tenant a user belongs to (empty for vendor staff), and its
reset-password form without its 500."""

from flask import abort, request
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.core.ids import db_integer_id
from app.core.views import ModelViewFixes
from app.extensions import db
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
    label_columns = {"tenant": _l("Company"), "phone": _l("Phone")}
    description_columns = {"tenant": _l("Empty for vendor staff.")}

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
        if user_id is None or db.session.get(TenantUser, user_id) is None:
            abort(404)

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
