"""Hostile input swept over every route: JSON nested thousands of levels deep and lists ordered by a column
that does not exist are the client's bad input (4xx in the usual shape), never a 500. New routes are
picked up from app.url_map."""

import pytest

from tests.support.routes import discover, own_object_id, url_for_route

DEPTH = 5000
DEEP_BODIES = {"array": "[" * DEPTH + "]" * DEPTH, "object": '{"a":' * DEPTH + "1" + "}" * DEPTH}
UNKNOWN = "nosuchcolumn"
TOP_USERS = {"tenant": "owner@demo.test", "vendor": "admin@vendor.test"}
IMPOSSIBLE_ID = 2**31  # object routes outside the API: refused before anything is written
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Bodies the payment webhooks verify and parse themselves: configured so that they get as far as parsing.
GATEWAY_SETTINGS = {
    "MIDTRANS_SERVER_KEY": "sweep-key",
    "XENDIT_SECRET_KEY": "sweep-secret",
    "XENDIT_CALLBACK_TOKEN": "sweep-token",
}


def _realm_user(route) -> str | None:
    realm = getattr(route.view, "realm", None)
    return TOP_USERS.get(str(realm)) if realm is not None else None


def _client(route, email, client_as, api_client, anon):
    if email is None:
        return anon("http://demo.localhost")
    return api_client(email) if route.is_api else client_as(email)


def _json_routes(app):
    return [route for route in discover(app) if route.methods & WRITE_METHODS]


@pytest.mark.parametrize("shape", list(DEEP_BODIES))
def test_deeply_nested_json_is_a_4xx_on_every_route(app, client_as, api_client, anon, monkeypatch, shape):
    for name, value in GATEWAY_SETTINGS.items():
        monkeypatch.setitem(app.config, name, value)
    routes = _json_routes(app)
    assert any(r.is_api for r in routes) and any(r.endpoint == "PaymentWebhookView.notify" for r in routes)
    problems = []
    for route in routes:
        email = _realm_user(route)
        client = _client(route, email, client_as, api_client, anon)
        object_id = IMPOSSIBLE_ID
        if route.object_args and route.is_api and email and not route.methods & {"DELETE"}:
            # The API reads its body on a real row (a DELETE reads none: it would delete the row).
            object_id = own_object_id(app, route, email) or IMPOSSIBLE_ID
        gateways = ("midtrans", "xendit") if route.endpoint == "PaymentWebhookView.notify" else (None,)
        for gateway in gateways:
            url = (
                url_for_route(route, object_id).replace("/x", f"/{gateway}")
                if gateway
                else url_for_route(route, object_id)
            )
            for method in sorted(route.methods & WRITE_METHODS):
                response = client.open(
                    url,
                    method=method,
                    data=DEEP_BODIES[shape],
                    content_type="application/json",
                    headers={"x-callback-token": "sweep-token"},
                )
                reads_json = route.is_api or gateway
                if response.status_code >= 500:
                    problems.append(f"{method} {url} -> {response.status_code}")
                elif (
                    reads_json and response.status_code == 400 and not (response.is_json and "message" in response.json)
                ):
                    problems.append(f"{method} {url} -> 400 not in the API's JSON shape")
    assert problems == []


def test_deeply_nested_json_answers_400_on_the_api_and_the_webhooks(app, api_client, anon, monkeypatch):
    for name, value in GATEWAY_SETTINGS.items():
        monkeypatch.setitem(app.config, name, value)
    api = api_client("owner@demo.test")
    for url in ("/api/v1/shipments/", "/api/v1/tariffs/"):
        response = api.post(url, data=DEEP_BODIES["array"], content_type="application/json")
        assert response.status_code == 400 and response.json["message"]
    for gateway in ("midtrans", "xendit"):
        response = anon().post(
            f"/payments/notify/{gateway}",
            data=DEEP_BODIES["object"],
            content_type="application/json",
            headers={"x-callback-token": "sweep-token"},
        )
        assert response.status_code == 400, (gateway, response.get_data(as_text=True))
        assert response.json["message"] == "The request is nested too deeply to be read."


def _list_routes(app):
    """Every page without an argument that a signed-in user reads (lists, reports, dashboards)."""
    return [
        r
        for r in discover(app)
        if "GET" in r.methods and not r.arguments and r.permission is not None and _realm_user(r)
    ]


def test_ordering_any_list_by_an_unknown_column_is_a_400_never_a_500(app, client_as, api_client):
    problems, lists = [], 0
    for route in _list_routes(app):
        email = _realm_user(route)
        client = api_client(email) if route.is_api else client_as(email)
        view = type(route.view).__name__
        if route.is_api:
            query = f"q=(order_column:{UNKNOWN},order_direction:asc)"
        else:  # FAB's own list arguments, and the names our own lists sort by
            query = f"_oc_{view}={UNKNOWN}&_od_{view}=asc&sort={UNKNOWN}&order={UNKNOWN}&order_by={UNKNOWN}"
        response = client.get(f"{route.rule}?{query}")
        if response.status_code >= 500:
            problems.append(f"GET {route.rule}?{query} -> {response.status_code}")
        is_generic_list = route.method_name in ("list", "get_list") and getattr(route.view, "datamodel", None)
        if is_generic_list:
            lists += 1
            if response.status_code not in (400, 302):
                problems.append(f"GET {route.rule}?{query} -> {response.status_code}, expected 400")
    assert lists >= 5, "the sweep found too few generic lists"
    assert problems == []
