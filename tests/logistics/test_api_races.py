"""An API update racing a delete of the same row (real threads, PostgreSQL): the loser answers 404 (or
409), never 500, in the API's {"message": ...} shape."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.logistics.tariffs.models import Tariff
from app.tenancy.services import tenant_by_slug

ROUTE = {"origin": "35.78", "destination": "12.71"}
TRIES = 20


def _route():
    return Tariff.origin == ROUTE["origin"], Tariff.destination == ROUTE["destination"]


def test_update_racing_a_delete_never_answers_500(app, api_client):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrent writers: PostgreSQL (SQLite serializes the whole database)")
        pool = db.engine.pool
        if hasattr(pool, "_max_overflow"):
            pool._max_overflow = max(pool._max_overflow, 4)
        tenant = tenant_by_slug("demo")
        db.session.execute(sa.delete(Tariff).where(Tariff.tenant_id == tenant.id, *_route()))
        db.session.commit()
    creator = api_client("admin@demo.test")
    updater, deleter = api_client("admin@demo.test"), api_client("owner@demo.test")
    seen = []
    for attempt in range(TRIES):
        created = creator.post("/api/v1/tariffs/", json={**ROUTE, "price_per_kg": 10000})
        assert created.status_code == 201, created.json
        pk = created.json["id"]
        start, answers = threading.Barrier(2), {}

        def put(pk=pk, start=start, answers=answers, attempt=attempt):
            start.wait()
            answers["put"] = updater.put(f"/api/v1/tariffs/{pk}", json={"price_per_kg": 20000 + attempt})

        def delete(pk=pk, start=start, answers=answers):
            start.wait()
            answers["delete"] = deleter.delete(f"/api/v1/tariffs/{pk}")

        workers = [threading.Thread(target=put), threading.Thread(target=delete)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        put_answer, delete_answer = answers["put"], answers["delete"]
        assert put_answer.status_code in (200, 404, 409), put_answer.get_data(as_text=True)
        assert delete_answer.status_code in (200, 404), delete_answer.get_data(as_text=True)
        assert "message" in put_answer.json or "result" in put_answer.json
        assert creator.get(f"/api/v1/tariffs/{pk}").status_code == 404  # the delete always happened
        seen.append(put_answer.status_code)
    print("PUT answers:", {code: seen.count(code) for code in set(seen)})
