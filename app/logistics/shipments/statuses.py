"""The fixed status catalogue. Statuses never change by themselves: users set them."""

from flask_babel import lazy_gettext as _l

READY_PICKUP = "ready_pickup"
READY_DISPATCH = "ready_dispatch"
IN_TRANSIT = "in_transit"
DELIVERED = "delivered"
FAILED = "failed"

STATUSES = {
    READY_PICKUP: _l("Ready for pickup"),
    READY_DISPATCH: _l("Ready to ship"),
    "picked_up": _l("Picked up"),
    IN_TRANSIT: _l("In transit"),
    "arrived": _l("Arrived at destination city"),
    "out_for_delivery": _l("Out for delivery"),
    DELIVERED: _l("Delivered"),
    FAILED: _l("Delivery failed"),
    "returned": _l("Returned"),
    "cancelled": _l("Cancelled"),
}

# Named groups of statuses the list can filter on (the dashboard's "in transit" card links here).
STATUS_GROUPS = {"in_transit": ("picked_up", IN_TRANSIT, "arrived", "out_for_delivery")}

PICKUP = "pickup"
DROPOFF = "dropoff"
SHIPMENT_TYPES = {PICKUP: _l("Pickup"), DROPOFF: _l("Drop-off")}
INITIAL_STATUS = {PICKUP: READY_PICKUP, DROPOFF: READY_DISPATCH}


def status_label(code: str | None) -> str:
    return str(STATUSES.get(code, code or "-"))


def type_label(code: str | None) -> str:
    return str(SHIPMENT_TYPES.get(code, code or "-"))


# The list's status group of shipments on their way (picked up, in transit, arrived, out for delivery).
IN_TRANSIT_GROUP = "in_transit"
