"""FAB's user screens, showing which tenant a user belongs to (empty for vendor staff)."""

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l


class TenantAwareUserView(UserDBModelView):
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
