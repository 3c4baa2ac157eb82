"""How the logistics objects read in the activity log (app/audit/sentences.py), and the team's own events."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import sentences
from app.audit.services import ACTION_LABELS
from app.core.formatting import rupiah
from app.extensions import db
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.statuses import status_label, type_label
from app.logistics.tariffs.cities import city_label
from app.logistics.team import services

STATUS_CHANGED = _l("%(actor)s changed the status of %(number)s to %(status)s")
# The team's events as the activity log's action filter names them.
EVENT_LABELS = {
    "employee_added": _l("Employee added"),
    "employee_edited": _l("Employee edited"),
    "employee_deleted": _l("Employee deleted"),
    "employee_activated": _l("Account activated"),
    "employee_deactivated": _l("Account deactivated"),
    "password_reset": _l("Password reset"),
    "role_changed": _l("Role changed"),
}


def _status_sentence(line, actor: str) -> tuple[str, str | None]:
    changes = line.changes if isinstance(line.changes, dict) else {}
    shipment_id = changes.get("shipment_id")
    number = None
    if shipment_id is not None:
        number = db.session.execute(
            sa.select(Shipment.tracking_number).where(Shipment.id == shipment_id)
        ).scalar_one_or_none()
    text = str(STATUS_CHANGED) % {
        "actor": actor,
        "number": number or "-",
        "status": status_label(changes.get("status")),
    }
    link = sentences.url_or_none("ShipmentView.show", shipment_id) if number else None
    return text, link


def _city(code) -> str:
    return city_label(code) if code else "-"


def _money(value) -> str:
    return rupiah(value) if value not in (None, "") else "-"


def register_sentences() -> None:
    ACTION_LABELS.update(EVENT_LABELS)
    sentences.register(
        "Shipment",
        _l("shipment"),
        endpoint="ShipmentView.show",
        values={
            "status": status_label,
            "shipment_type": type_label,
            "sender_city": _city,
            "receiver_city": _city,
            "total_cost": _money,
            "shipping_cost": _money,
        },
    )
    sentences.register("ShipmentStatusEvent", _l("status"), sentence=_status_sentence)
    sentences.register(
        "Tariff",
        _l("tariff"),
        endpoint="TariffView.show",
        values={"origin": _city, "destination": _city, "price_per_kg": _money},
    )
    sentences.register("TenantSettings", _l("company settings"), subject=lambda line: "")
    sentences.register("EmployeeProfile", _l("employee profile"), hidden=frozenset({"user_id"}))
    sentences.register("TenantUser", _l("user"), values={"role": services.role_label})
