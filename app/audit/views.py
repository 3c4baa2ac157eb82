"""Browsing the activity log: vendor staff see the vendor's entries, a Super Admin its tenant's. Both read
each line as a sentence with its object linked, times in WIB (app/audit/sentences.py)."""

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.audit.models import ActivityLog
from app.audit.services import ACTION_LABELS
from app.core.formatting import wib_datetime
from app.core.names import CAN_READ, TENANT_ACTIVITY, VENDOR_ACTIVITY
from app.core.views import TenantModelView, VendorModelView


class _ActivityLogView:
    datamodel = SQLAInterface(ActivityLog)
    base_permissions = [CAN_READ]
    list_columns = ["created_at", "sentence_html"]
    show_columns = ["created_at", "actor", "sentence_html", "changes_html"]
    search_columns = ["actor", "action", "entity_type", "created_at"]
    order_columns = ["created_at"]
    base_order = ("created_at", "desc")
    show_title = _l("Activity")
    formatters_columns = {
        "action": lambda code: ACTION_LABELS.get(code, code),
        "entity_type": lambda name: gettext(name) if name else "—",  # the model's name, e.g. "Invoice"
        "summary": lambda text: gettext(text) if text else "—",  # stored as the source text (audit._summary)
        "created_at": wib_datetime,
        "tenant": lambda tenant: tenant.name if tenant else "—",
    }
    label_columns = {
        "created_at": _l("Time"),
        "actor": _l("By"),
        "action": _l("Action"),
        "entity_type": _l("Object"),
        "entity_id": _l("ID"),
        "summary": _l("Summary"),
        "sentence_html": _l("Activity"),
        "changes_html": _l("Changes"),
        "tenant": _l("Company"),
    }


class TenantActivityView(_ActivityLogView, TenantModelView):
    route_base = "/activity"
    class_permission_name = TENANT_ACTIVITY
    list_title = _l("Activity Log")
    base_filters = [["realm", FilterEqual, "tenant"]]


class VendorActivityView(_ActivityLogView, VendorModelView):
    route_base = "/vendor/activity"
    class_permission_name = VENDOR_ACTIVITY
    list_title = _l("Activity Log")
    list_columns = ["created_at", "tenant", "sentence_html"]
    search_columns = ["actor", "tenant", "action", "entity_type", "created_at"]
    base_filters = [["realm", FilterEqual, "vendor"]]
