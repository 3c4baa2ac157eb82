"""REST API (JWT): /api/v1/shipments/ (list, get, create, status update) and /api/v1/tariffs/ (CRUD).

FAB serves list/get/delete and the OpenAPI spec; creating and updating go through the services,
so the server computes weights, cost and number, and bad input answers 422 naming the field.
"""

from flask import g, request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.core.access import METHOD_PERMISSIONS, WRITE
from app.core.errors import json_texts
from app.core.ids import db_integer_id
from app.core.names import SHIPMENT, SHIPMENT_STATUS, TARIFF
from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.views import TenantApi, TenantModelApi, answer_refused_writes
from app.logistics.shipments import services
from app.logistics.shipments.inputs import ITEM_FIELDS, TEXT_FIELDS, ShipmentInput
from app.logistics.shipments.models import Shipment
from app.logistics.shipments.status_views import parse_local_datetime, shipments_by_ids
from app.logistics.tariffs.models import Tariff
from app.logistics.tariffs.services import clean_tariff, save_tariff
from app.logistics.web import current_tenant

SHIPMENT_COLUMNS = [
    "id",
    "tracking_number",
    *TEXT_FIELDS,
    "shipment_type",
    "status",
    "courier.id",
    "courier.first_name",
    "marketing.id",
    "total_weight",
    "chargeable_weight",
    "price_per_kg",
    "shipping_cost",
    "discount_type",
    "discount_value",
    "discount_amount",
    "total_cost",
    "created_at",
    "issued_at",
]
ITEM_COLUMNS = [f"items.{key}" for key in (*ITEM_FIELDS, "volumetric_weight", "line_total")]
EVENT_COLUMNS = ["events.id", "events.status", "events.occurred_at", "events.note"]


NOT_A_JSON_OBJECT = "Request body must be a JSON object of valid text"


def _json_body():
    """The request's JSON object, or None (answered 400 with NOT_A_JSON_OBJECT). JSON may escape lone
    surrogates ("\\ud800"), which are not text any database can store (NUL is refused for every
    request in app/core/errors.py)."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) and all(map(_encodes, json_texts(body))) else None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class NarrowedToUser(BaseFilter):
    """The list's row rule (services.list_narrowing) for the signed-in user: list and get alike."""

    name = "Shipments the user may list"
    arg_name = "narrowed"

    def apply(self, query, user_of_request):
        narrowing = services.list_narrowing(user_of_request())
        return query if narrowing is None else query.filter(narrowing)


def _request_user():
    return g.get("user")  # None outside a request (jobs, the isolation sweep): no row rule


class ShipmentApi(TenantModelApi):
    resource_name = "shipments"
    class_permission_name = SHIPMENT
    module_code = "shipments"
    datamodel = SQLAInterface(Shipment)
    allow_browser_login = False
    include_route_methods = {"get", "get_list", "info", "post"}
    list_columns = SHIPMENT_COLUMNS
    show_columns = SHIPMENT_COLUMNS + ITEM_COLUMNS + EVENT_COLUMNS
    add_columns = ["sender_name"]  # the real input is ShipmentInput; this only names the schema
    search_columns = [
        "tracking_number",
        "sender_name",
        "receiver_name",
        "status",
        "shipment_type",
        "courier",
        "sender_city",
        "receiver_city",
        "created_at",
    ]
    order_columns = ["created_at", "tracking_number", "total_weight", "status"]
    base_order = ("created_at", "desc")
    base_filters = [["id", NarrowedToUser, _request_user]]

    def post_headless(self):
        body = _json_body()
        if body is None:
            return self.response_400(message=NOT_A_JSON_OBJECT)
        data = ShipmentInput.from_mapping(body)
        draft = body.get("draft") is True
        try:  # the answer is dumped from the rows as just written, not reloaded
            with transaction(keep_state=True):
                shipment = (services.save_draft if draft else services.issue)(current_tenant(), g.user, data)
        except services.ShipmentDenied as exc:
            return self.response(403, message=str(exc.message))
        return self.response(
            201, id=shipment.id, tracking_number=shipment.tracking_number, result=self.show_model_schema.dump(shipment)
        )


class ShipmentStatusApi(TenantApi):
    """POST /api/v1/shipments/<id>/status (resource ShipmentStatus, so a Kurir may use it)."""

    resource_name = "shipments"
    route_base = "/api/v1/shipments"
    class_permission_name = SHIPMENT_STATUS
    module_code = "shipments"
    allow_browser_login = False
    method_permission_name = {**METHOD_PERMISSIONS, "update_status": WRITE}
    include_route_methods = {"update_status"}
    openapi_spec_tag = "Shipments"
    object_model = Shipment  # what <pk> names, for the isolation sweeps

    @expose("/<int:pk>/status", methods=["POST"])
    @protect()
    @safe
    @answer_refused_writes
    def update_status(self, pk):
        """Record a new status for a shipment.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema:
              type: integer
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    status: {type: string}
                    occurred_at: {type: string, format: date-time}
                    note: {type: string}
          responses:
            200:
              description: Status recorded
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        body = _json_body()
        if body is None:
            return self.response_400(message=NOT_A_JSON_OBJECT)
        shipments = shipments_by_ids([pk])
        if not shipments:
            return self.response_404()
        occurred = body.get("occurred_at")
        when = parse_local_datetime(occurred if isinstance(occurred, str) else None)
        if occurred is not None and not isinstance(occurred, str):
            when = None
        try:
            with transaction():
                services.update_status(g.user, shipments, body.get("status"), when, body.get("note"))
        except services.ShipmentDenied as exc:
            return self.response(403, message=str(exc.message))
        return self.response(200, id=pk, status=shipments[0].status)


class TariffApi(TenantModelApi):
    resource_name = "tariffs"
    class_permission_name = TARIFF
    module_code = "tariffs"
    datamodel = SQLAInterface(Tariff)
    allow_browser_login = False
    include_route_methods = {"get", "get_list", "info", "post", "put", "delete"}
    list_columns = show_columns = ["id", "origin", "destination", "price_per_kg", "est_days"]
    add_columns = edit_columns = ["origin", "destination", "price_per_kg", "est_days"]
    search_columns = ["origin", "destination", "price_per_kg", "est_days"]
    order_columns = ["origin", "destination", "price_per_kg", "est_days"]

    def _save(self, tariff, status):
        body = _json_body()
        if body is None:
            return self.response_400(message=NOT_A_JSON_OBJECT)
        unknown = set(body) - set(self.add_columns)
        if unknown:
            return self.response_422(message={key: ["Unknown field."] for key in sorted(unknown)})
        merged = {key: getattr(tariff, key) for key in self.add_columns} if tariff else {}
        merged.update(body)
        with transaction():
            saved = save_tariff(clean_tariff(*(merged.get(key) for key in self.add_columns)), tariff)
        return self.response(status, id=saved.id, result=self.show_model_schema.dump(saved))

    def post_headless(self):
        return self._save(None, 201)

    def put_headless(self, pk):
        tariff_id = db_integer_id(pk)
        if tariff_id is None:
            return self.response_404()
        return self._save(get_or_404(Tariff, tariff_id), 200)
