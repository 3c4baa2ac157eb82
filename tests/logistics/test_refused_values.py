"""Values a user would not mean are refused with the field's message (form and API 422), writing nothing:
a discount larger than the shipping cost, a status dated in the future (beyond a few minutes' clock skew)."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.formatting import JAKARTA
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.shipments import services
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.shipments.models import Shipment, ShipmentStatusEvent
from app.tenancy.context import all_tenants
from app.tenancy.models import utcnow
from tests.logistics.conftest import as_form, shipment_payload

TOO_MUCH = {"discount_type": "amount", "discount_value": "50000000"}  # the route's cost is far less


def _shipments(app) -> int:
    with app.app_context(), all_tenants():
        return db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one()


def _events(app, pk) -> list[str]:
    with app.app_context(), all_tenants():
        return list(
            db.session.execute(
                sa.select(ShipmentStatusEvent.status)
                .where(ShipmentStatusEvent.shipment_id == pk)
                .order_by(ShipmentStatusEvent.occurred_at, ShipmentStatusEvent.id)
            ).scalars()
        )


def _wib(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(JAKARTA).strftime("%Y-%m-%dT%H:%M")


def test_a_discount_above_the_cost_is_refused_by_the_service_the_form_and_the_api(app, acting, client_as, api_client):
    with acting("owner@demo.test") as (tenant, user):
        with pytest.raises(FieldError) as caught:
            services.issue(tenant, user, ShipmentInput.from_mapping(shipment_payload(**TOO_MUCH)))
        assert "discount_value" in caught.value.errors
    before = _shipments(app)
    form = client_as("admin@demo.test").post("/shipments/new", data=as_form(shipment_payload(**TOO_MUCH)))
    assert form.status_code == 422 and 'id="error-discount_value"' in form.get_data(as_text=True)
    response = api_client("admin@demo.test").post("/api/v1/shipments/", json=shipment_payload(**TOO_MUCH))
    assert response.status_code == 422 and "discount_value" in response.json["message"]
    assert _shipments(app) == before


def test_a_status_dated_in_the_future_is_refused_a_little_clock_skew_is_not(app, client_as, api_client):
    admin = api_client("admin@demo.test")
    pk = admin.post("/api/v1/shipments/", json=shipment_payload()).json["id"]
    tomorrow = _wib(utcnow() + timedelta(days=1))
    late = admin.post(f"/api/v1/shipments/{pk}/status", json={"status": "in_transit", "occurred_at": tomorrow})
    assert late.status_code == 422 and "occurred_at" in late.json["message"]
    form = client_as("admin@demo.test").post(
        "/shipment-status/update", data={"ids": [pk], "status": "in_transit", "occurred_at": tomorrow}
    )
    assert form.status_code == 302
    assert _events(app, pk) == ["ready_pickup"]  # nothing written
    skewed = _wib(utcnow() + timedelta(minutes=2))
    ok = admin.post(f"/api/v1/shipments/{pk}/status", json={"status": "in_transit", "occurred_at": skewed})
    assert ok.status_code == 200 and _events(app, pk) == ["ready_pickup", "in_transit"]
