"""REST API: shipments (list, get, create, status) and tariffs (CRUD), with JWT, 4xx JSON naming fields."""

import time
from datetime import timedelta

import sqlalchemy as sa

from tests.logistics.conftest import shipment_payload


def test_create_computes_on_server_and_get_returns_items(api_client):
    client = api_client("admin@demo.test")
    payload = shipment_payload(total_cost=1, tracking_number="HACK")  # client-sent totals are ignored
    response = client.post("/api/v1/shipments/", json=payload)
    assert response.status_code == 201, response.json
    assert response.json["tracking_number"].startswith("DMO10")
    shipment = client.get(f"/api/v1/shipments/{response.json['id']}").json["result"]
    assert shipment["total_weight"] in ("7.00", 7.0, "7") or float(shipment["total_weight"]) == 7.0
    assert len(shipment["items"]) == 2


def test_list_with_filters(api_client):
    client = api_client("viewer@demo.test")
    query = "(filters:!((col:status,opr:eq,value:ready_pickup)),page_size:5)"
    response = client.get(f"/api/v1/shipments/?q={query}")
    assert response.status_code == 200
    assert response.json["result"] and all(row["status"] == "ready_pickup" for row in response.json["result"])


def test_bad_input_is_422_naming_the_field_and_writes_nothing(api_client, app):
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        before = db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one()
    client = api_client("admin@demo.test")
    response = client.post("/api/v1/shipments/", json=shipment_payload(receiver_phone="x", items=[{"name": "A"}]))
    assert response.status_code == 422
    assert "receiver_phone" in response.json["message"] and "items-0-weight" in response.json["message"]
    assert client.post("/api/v1/shipments/", data="nope", content_type="application/json").status_code == 400
    assert client.post("/api/v1/shipments/", json=["list"]).status_code == 400
    assert client.post("/api/v1/shipments/", json=shipment_payload(items="x")).status_code == 422
    with app.app_context(), all_tenants():
        assert db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one() == before


def test_status_endpoint_and_kurir_rule(api_client, app):
    admin = api_client("admin@demo.test")
    pk = admin.post("/api/v1/shipments/", json=shipment_payload()).json["id"]
    ok = admin.post(f"/api/v1/shipments/{pk}/status", json={"status": "in_transit", "note": "api"})
    assert ok.status_code == 200 and ok.json["status"] == "in_transit"
    bad = admin.post(f"/api/v1/shipments/{pk}/status", json={"status": "flying"})
    assert bad.status_code == 422 and "status" in bad.json["message"]
    kurir = api_client("kurir@demo.test")
    assert kurir.post(f"/api/v1/shipments/{pk}/status", json={"status": "delivered"}).status_code == 403
    assert kurir.post("/api/v1/shipments/", json=shipment_payload()).status_code == 403
    assert (
        api_client("viewer@demo.test").post(f"/api/v1/shipments/{pk}/status", json={"status": "delivered"}).status_code
        == 403
    )
    assert api_client("admin@contoh.test").get(f"/api/v1/shipments/{pk}").status_code == 404
    assert (
        api_client("admin@contoh.test").post(f"/api/v1/shipments/{pk}/status", json={"status": "delivered"}).status_code
        == 404
    )


def test_tariff_crud_and_validation(api_client):
    client = api_client("admin@demo.test")
    created = client.post("/api/v1/tariffs/", json={"origin": "35.78", "destination": "51.71", "price_per_kg": 12000})
    assert created.status_code == 201, created.json
    pk = created.json["id"]
    duplicate = client.post("/api/v1/tariffs/", json={"origin": "35.78", "destination": "51.71", "price_per_kg": 1})
    assert duplicate.status_code == 422 and "destination" in duplicate.json["message"]
    for body, field in (
        ({"origin": "xx", "destination": "51.71", "price_per_kg": 1}, "origin"),
        ({"origin": "35.78", "destination": "51.71", "price_per_kg": -5}, "price_per_kg"),
        ({"origin": "35.78", "destination": "51.71", "price_per_kg": 1, "est_days": 9999}, "est_days"),
        ({"origin": "35.78", "destination": "51.71", "price_per_kg": 1, "bogus": 1}, "bogus"),
    ):
        response = client.post("/api/v1/tariffs/", json=body)
        assert response.status_code == 422 and field in response.json["message"], (body, response.json)
    assert client.put(f"/api/v1/tariffs/{pk}", json={"price_per_kg": 15000}).json["result"]["price_per_kg"] == 15000
    assert client.get(f"/api/v1/tariffs/{pk}").status_code == 200
    assert api_client("admin@contoh.test").get(f"/api/v1/tariffs/{pk}").status_code == 404
    assert api_client("viewer@demo.test").delete(f"/api/v1/tariffs/{pk}").status_code == 403
    assert client.delete(f"/api/v1/tariffs/{pk}").status_code == 200


def test_openapi_documents_the_endpoints(api_client):
    spec = api_client("admin@demo.test").get("/api/v1/_openapi").json
    paths = spec["paths"]
    assert "/api/v1/shipments/" in paths and "/api/v1/tariffs/" in paths
    assert "post" in paths["/api/v1/shipments/"] and "/api/v1/shipments/{pk}/status" in paths


def test_info_describes_no_field_with_the_translation_catalogues_header(api_client):
    client = api_client("admin@demo.test")
    client.get("/lang/id")  # FAB keeps the chosen language in the session; Indonesian has a catalogue
    for resource in ("shipments", "tariffs"):
        response = client.get(f"/api/v1/{resource}/_info")
        assert response.status_code == 200
        fields = response.json["add_columns"]
        assert fields and all("Project-Id-Version" not in field["description"] for field in fields)


def _fresh_token(app, lifetime: timedelta) -> str:
    from flask_jwt_extended import create_access_token

    from app.extensions import db
    from app.security.models import TenantUser

    with app.app_context():
        user_id = db.session.execute(sa.select(TenantUser.id).where(TenantUser.email == "admin@demo.test")).scalar()
        return f"Bearer {create_access_token(identity=str(user_id), expires_delta=lifetime)}"


def test_a_token_is_checked_once_per_process_and_a_bad_token_is_still_refused(api_client, app, monkeypatch):
    import flask_jwt_extended.jwt_manager as jwt_manager

    checks = []
    verify = jwt_manager._decode_jwt
    monkeypatch.setattr(jwt_manager, "_decode_jwt", lambda **kwargs: checks.append(1) or verify(**kwargs))
    client = api_client("admin@demo.test")
    client.environ_base["HTTP_AUTHORIZATION"] = token = _fresh_token(app, timedelta(minutes=5))
    for _ in range(3):
        assert client.get("/api/v1/shipments/?q=(page_size:1)").status_code == 200
    assert len(checks) == 1  # the tenant scope, FAB's decorator and the later requests share it

    client.environ_base["HTTP_AUTHORIZATION"] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged = client.get("/api/v1/shipments/")
    assert forged.status_code == 422 and "result" not in forged.json  # flask-jwt-extended's answer to a bad signature
    client.environ_base["HTTP_AUTHORIZATION"] = _fresh_token(app, timedelta(seconds=-60))
    assert client.get("/api/v1/shipments/").status_code == 401


def test_a_token_accepted_before_is_refused_once_it_expires(api_client, app):
    client = api_client("admin@demo.test")
    client.environ_base["HTTP_AUTHORIZATION"] = _fresh_token(app, timedelta(seconds=1))
    assert client.get("/api/v1/shipments/?q=(page_size:1)").status_code == 200
    time.sleep(2)  # the exp claim counts whole seconds
    expired = client.get("/api/v1/shipments/?q=(page_size:1)")
    assert expired.status_code == 401 and expired.json == {"msg": "Token has expired"}
