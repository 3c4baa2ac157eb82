"""FAB's user screens, showing which tenant a user belongs to (empty for vendor staff)."""

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.core.views import ModelViewFixes
from app.extensions import db
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
