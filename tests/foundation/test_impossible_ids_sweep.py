"""Every route that names an object, requested with ids no row can have, by a signed-in user of each
realm with every method: a 4xx answer, never a 500 (an out-of-range id used to reach the database:
PostgreSQL "integer out of range", SQLite OverflowError). New routes are picked up automatically."""

import pytest

from tests.support.routes import discover, url_for_route

IMPOSSIBLE_IDS = [2**31, 10**20]  # beyond sa.Integer on PostgreSQL; beyond 64 bits (SQLite)
ACCOUNTS = ["owner@demo.test", "admin@vendor.test"]  # the top role of each realm


def _object_routes(app):
    return [route for route in discover(app) if route.object_args]


@pytest.mark.parametrize("email", ACCOUNTS)
def test_no_route_answers_500_to_an_id_out_of_the_databases_range(app, client_as, api_client, email):
    routes = _object_routes(app)
    assert len(routes) > 50, "route discovery found too few object routes"
    failures = []
    for route in routes:
        client = api_client(email) if route.is_api else client_as(email)
        for object_id in IMPOSSIBLE_IDS:
            url = url_for_route(route, object_id)
            for method in sorted(route.methods):
                status = client.open(url, method=method).status_code
                if status >= 500:
                    failures.append(f"{method} {url}: {status}")
    assert failures == []
