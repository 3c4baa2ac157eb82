"""Status updates (one or many shipments) and the status history, under the ShipmentStatus resource."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.access import METHOD_PERMISSIONS, READ, WRITE
from app.core.formatting import JAKARTA
from app.core.ids import db_integer_id
from app.core.names import CAN_WRITE, SHIPMENT_STATUS
from app.core.redirects import safe_target
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import TenantBaseView
from app.extensions import db
from app.logistics.shipments import services
from app.logistics.shipments.models import Shipment, ShipmentStatusEvent
from app.logistics.shipments.statuses import STATUSES

MAX_BULK = 500


def parse_local_datetime(raw: str | None) -> datetime | None:
    """ "2026-05-01T14:30" typed in WIB -> naive UTC; empty -> now."""
    if not raw:
        return datetime.now(UTC).replace(tzinfo=None)
    try:
        local = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=JAKARTA)
    try:
        return local.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # 0001-01-01 WIB or 9999-12-31 -12:00 leave datetime's range in UTC
        return None


def shipments_by_ids(raw_ids) -> list[Shipment]:
    ids = {number for number in map(db_integer_id, raw_ids) if number is not None}
    if not ids or len(ids) > MAX_BULK:
        return []
    return list(db.session.execute(sa.select(Shipment).where(Shipment.id.in_(ids))).scalars())


class ShipmentStatusView(TenantBaseView):
    route_base = "/shipment-status"
    class_permission_name = SHIPMENT_STATUS
    module_code = "shipments"
    default_view = "history"
    object_model = Shipment  # what <pk> names (for the sweeps); deleting an entry names the entry
    object_models = {"delete_event": ShipmentStatusEvent}
    method_permission_name = {**METHOD_PERMISSIONS, "history": READ, "update": WRITE, "delete_event": WRITE}

    @expose("/<int:pk>")
    @has_access
    def history(self, pk):
        shipment = get_or_404(Shipment, pk, where=services.list_narrowing(g.user))
        return self.render_template(
            "logistics/shipment_status.html",
            shipment=shipment,
            statuses=STATUSES,
            can_change=self.appbuilder.sm.has_access(CAN_WRITE, SHIPMENT_STATUS)
            and services.can_change_status(g.user, shipment),
            can_delete=lambda event: services.can_delete_status_event(g.user, event),
        )

    @expose("/update", methods=["POST"])
    @has_access
    def update(self):
        shipments = shipments_by_ids(request.form.getlist("ids"))
        back = safe_target(request.form.get("next")) or url_for("ShipmentView.list")
        try:
            with transaction():
                services.update_status(
                    g.user,
                    shipments,
                    request.form.get("status"),
                    parse_local_datetime(request.form.get("occurred_at")),
                    request.form.get("note"),
                )
        except FieldError as exc:
            flash(" ".join(exc.messages().values()), "danger")
            return redirect(back)
        except services.ShipmentDenied as exc:
            flash(str(exc.message), "danger")
            return redirect(back)
        flash(_("Status updated for %(count)s shipment(s).", count=len(shipments)), "success")
        return redirect(back)

    @expose("/event/<int:pk>/delete", methods=["POST"])
    @has_access
    def delete_event(self, pk):
        event = get_or_404(ShipmentStatusEvent, pk)
        shipment_id = event.shipment_id
        try:
            with transaction():
                services.delete_status_event(g.user, event)
        except services.ShipmentDenied as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("ShipmentStatusView.history", pk=shipment_id))
        flash(_("Status entry deleted."), "success")
        return redirect(url_for("ShipmentStatusView.history", pk=shipment_id))
