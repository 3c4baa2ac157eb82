"""Browsing the activity log: vendor staff see the vendor's entries, a Super Admin (and an Admin, reading)
its tenant's. One piece of code for both: each line a sentence with its object linked, times in WIB,
filters by person, action, object type and WIB dates, an Excel export made by a job with a progress bar
(app/audit/listing.py, app/audit/sentences.py)."""

from urllib.parse import urlencode

import sqlalchemy as sa
from flask import g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.audit import jobs, listing
from app.audit.models import ActivityLog
from app.audit.services import ACTION_LABELS
from app.core.access import METHOD_PERMISSIONS, READ
from app.core.formatting import wib_datetime
from app.core.names import CAN_READ, TENANT_ACTIVITY, VENDOR_ACTIVITY
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantModelView, VendorModelView
from app.extensions import db
from app.jobs.queue import enqueue
from app.security.models import TenantUser


class _ActivityLogView:
    datamodel = SQLAInterface(ActivityLog)
    base_permissions = [CAN_READ]
    method_permission_name = {**METHOD_PERMISSIONS, "export": READ}
    realm: str
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

    def _people(self) -> list[tuple[int, str]]:
        """Who may have done something in this log: the tenant's users, or the vendor's staff."""
        tenant_id = g.user.tenant_id if self.realm == "tenant" else None
        stmt = sa.select(TenantUser).where(
            TenantUser.tenant_id == tenant_id if tenant_id is not None else TenantUser.tenant_id.is_(None)
        )
        people = db.session.execute(stmt.order_by(TenantUser.first_name, TenantUser.id)).scalars()
        return [(person.id, person.get_full_name().strip() or person.email) for person in people]

    @expose("/list/")
    @has_access
    def list(self):
        name = type(self).__name__  # FAB's own list arguments are refused as on every list (always newest first)
        self.refuse_unknown_ordering(request.args.get(f"_oc_{name}", ""), request.args.get(f"_od_{name}", ""))
        errors = {}
        try:
            query = listing.ActivityQuery.from_args(request.args)
        except FieldError as exc:
            errors, query = exc.messages(), listing.ActivityQuery()
        lines, older = listing.page(query, self.realm)
        return self.render_template(
            "audit/activity_list.html",
            title=self.list_title,
            query=query,
            values=request.args,
            errors=errors,
            lines=lines,
            older=older,
            people=self._people(),
            actions=listing.action_choices(),
            objects=listing.object_choices(),
            with_company=self.realm == "vendor",
            list_endpoint=f"{type(self).__name__}.list",
            show_endpoint=f"{type(self).__name__}.show",
            export_endpoint=f"{type(self).__name__}.export",
        ), (422 if errors else 200)

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        """Every line the page's filters (its query string, `list_args`) select, as an Excel file."""
        back = url_for(f"{type(self).__name__}.list")
        try:
            query = listing.ActivityQuery.from_args(request.form)
        except FieldError:
            return redirect(back)
        with transaction():
            run = enqueue(
                jobs.export_activity,
                tenant_id=g.user.tenant_id,
                user_id=g.user.id,
                realm=self.realm,
                list_args=urlencode(query.args(after="")),
            )
        return redirect(url_for("JobsView.progress", run_id=run.id, back=f"{back}?{urlencode(query.args(after=''))}"))


class TenantActivityView(_ActivityLogView, TenantModelView):
    route_base = "/activity"
    class_permission_name = TENANT_ACTIVITY
    realm = "tenant"
    list_title = _l("Activity Log")
    base_filters = [["realm", FilterEqual, "tenant"]]


class VendorActivityView(_ActivityLogView, VendorModelView):
    route_base = "/vendor/activity"
    class_permission_name = VENDOR_ACTIVITY
    realm = "vendor"
    list_title = _l("Activity Log")
    list_columns = ["created_at", "tenant", "sentence_html"]
    search_columns = ["actor", "tenant", "action", "entity_type", "created_at"]
    base_filters = [["realm", FilterEqual, "vendor"]]
