"""Hostile but well-formed input (found by schemathesis against /api/v1/_openapi) answers 4xx JSON,
never FAB's 500 "Fatal error", and writes nothing."""

import json

import pytest
import sqlalchemy as sa

from tests.logistics.conftest import shipment_payload

BEYOND_BIGINT = "99999999999999999999"
BEYOND_INTEGER = str(2**31)


@pytest.fixture()
def admin(api_client):
    return api_client("admin@demo.test")


@pytest.fixture()
def issued(admin):
    return admin.post("/api/v1/shipments/", json=shipment_payload()).json["id"]


def _history_of(app, shipment_id):
    from app.extensions import db
    from app.logistics.shipments.models import ShipmentStatusEvent
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        statement = sa.select(ShipmentStatusEvent.status).where(ShipmentStatusEvent.shipment_id == shipment_id)
        return db.session.execute(statement).scalars().all()


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", f"/api/v1/tariffs/{BEYOND_BIGINT}"),
        ("PUT", f"/api/v1/tariffs/{BEYOND_BIGINT}"),
        ("DELETE", f"/api/v1/tariffs/{BEYOND_BIGINT}"),
        ("GET", f"/api/v1/tariffs/{BEYOND_INTEGER}"),
        ("PUT", "/api/v1/tariffs/%C2%B2"),  # "²".isdigit() is True, int("²") fails
        ("GET", f"/api/v1/shipments/{BEYOND_BIGINT}"),
        ("POST", f"/api/v1/shipments/{BEYOND_BIGINT}/status"),
        ("POST", f"/api/v1/shipments/{BEYOND_INTEGER}/status"),
    ],
)
def test_an_id_no_row_can_have_is_404(admin, method, path):
    response = admin.open(path, method=method, json={"status": "in_transit", "price_per_kg": 1000})
    assert response.status_code == 404, response.json


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tariffs/?q=1e%2B5",
        "/api/v1/tariffs/_info?q=!",
        "/api/v1/shipments/?q=(a:",
        "/api/v1/shipments/1?q=--1",
        "/api/v1/shipments/_info?q=" + "(" * 3000,
        f"/api/v1/shipments/?q=(page:{BEYOND_BIGINT},page_size:10)",
        f"/api/v1/tariffs/?q=(filters:!((col:price_per_kg,opr:gt,value:{BEYOND_BIGINT})))",
        f"/api/v1/shipments/?q=(filters:!((col:courier,opr:rel_o_m,value:{BEYOND_BIGINT})))",
    ],
)
def test_an_unreadable_or_out_of_range_query_is_400(admin, path):
    response = admin.get(path)
    assert response.status_code == 400, response.json
    assert response.json["message"]


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "1e400"])  # Python's json reads all three
@pytest.mark.parametrize("key", ["courier_id", "marketing_id"])
def test_an_infinite_staff_id_is_422_naming_the_field(admin, key, literal):
    body = json.dumps({**shipment_payload(), key: "@@"}).replace('"@@"', literal)
    response = admin.post("/api/v1/shipments/", data=body, content_type="application/json")
    assert response.status_code == 422, response.json
    assert key in response.json["message"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"status": "in_transit", "note": 5}, "note"),
        ({"status": "in_transit", "note": ["x"]}, "note"),
        ({"status": ["in_transit"]}, "status"),
        ({"status": {"a": 1}}, "status"),
        ({"status": "in_transit", "occurred_at": "0001-01-01T00:00"}, "occurred_at"),  # before year 1 in UTC
        ({"status": "in_transit", "occurred_at": "9999-12-31T23:59-12:00"}, "occurred_at"),  # after 9999 in UTC
    ],
)
def test_a_status_update_with_a_value_of_the_wrong_kind_is_422_and_writes_nothing(app, admin, issued, body, field):
    before = _history_of(app, issued)
    response = admin.post(f"/api/v1/shipments/{issued}/status", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["message"]
    assert _history_of(app, issued) == before


@pytest.mark.parametrize("text", ["\ud800", "a\x00b"])  # a lone surrogate; NUL, which PostgreSQL cannot store
def test_text_no_database_can_store_is_400_and_writes_nothing(app, admin, issued, text):
    before = _history_of(app, issued)
    note = admin.post(f"/api/v1/shipments/{issued}/status", json={"status": "in_transit", "note": text})
    created = admin.post("/api/v1/shipments/", json=shipment_payload(sender_name=text))
    tariff = admin.post("/api/v1/tariffs/", json={"origin": "31.71", "destination": "32.73", text: 1})  # in a key
    assert (note.status_code, created.status_code, tariff.status_code) == (400, 400, 400)
    assert _history_of(app, issued) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-le"])
def test_nul_in_json_of_any_encoding_is_400_and_writes_nothing(app, admin, issued, encoding):
    import json

    before = _history_of(app, issued)
    body = json.dumps({"status": "in_transit", "note": "a\x00b"}).encode(encoding)
    response = admin.post(f"/api/v1/shipments/{issued}/status", data=body, content_type="application/json")
    assert response.status_code == 400
    assert _history_of(app, issued) == before


def test_a_login_without_provider_is_400_naming_it(app):
    from tests.conftest import client_on, tenant_host

    client = client_on(app, tenant_host("demo"))
    response = client.post("/api/v1/security/login", json={"username": "admin@demo.test", "password": "x"})
    assert response.status_code == 400, response.json
    assert "provider" in response.json["message"]
