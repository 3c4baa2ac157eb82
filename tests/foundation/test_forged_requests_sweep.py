"""Forged requests, swept over every route of app.url_map (new routes are covered automatically).

The suite runs with CSRF off; these tests build an app of their own with it ON, on the same seeded
database. (1) Every route with every method that may change something, sent WITHOUT the token as the
top role of each realm and as an anonymous visitor: refused before the view runs, nothing written.
(2) Every GET route, with real ids of existing rows, as the same users: nothing written (and every page
passes its Content-Security-Policy: no inline script without the nonce; every POST form carries the token). "Written" is
any INSERT/UPDATE/DELETE the app's engine sends while the request runs, and the row count of every
table before and after the sweep.
"""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.billing.models import Invoice, ProductModule
from app.billing.payment_models import PaymentWebhook
from app.core.csrf import EXEMPT_ENDPOINTS
from app.extensions import db
from app.jobs.models import JobRun
from app.logistics.shipments.models import Shipment
from app.security.models import TenantUser
from app.tenancy.context import all_tenants, tenant_scope
from app.tenancy.models import Tenant
from tests.conftest import DEMO_PASSWORD, VENDOR_HOST, app_config, client_on, tenant_host
from tests.support.csp import script_problems
from tests.support.routes import discover, own_object_id, url_for_route

# The top role of each realm, on its own host.
ACCOUNTS = {"admin@vendor.test": VENDOR_HOST, "owner@demo.test": tenant_host("demo")}
ANONYMOUS_HOSTS = [VENDOR_HOST, tenant_host("demo")]
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')  # the login form's
WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|DROP|ALTER)\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bUPDATE\s+\S+\s+SET\b",
    re.IGNORECASE,
)
# GET routes that end the session: requested last by each signed-in client.
SESSION_ENDING = {"AuthDBView.logout"}
# Custom views that name no `object_model`: the model their <pk> is.
URL_OBJECTS = {
    "ShipmentView": Shipment,
    "ShipmentStatusView": Shipment,
    "ClientView": Tenant,
    "ModuleView": ProductModule,
    "InvoiceView": Invoice,
}
# GET routes whose URL names no row (a signed token): a made-up one is refused before anything is read.
# Anything else the sweep finds no real row for fails it.
NO_REAL_OBJECT = {
    "InvitationView.accept": "signed invitation token",
    "SignupView.sign_in": "signed one-time sign-in token",
    "PaymentWebhookView.sandbox": "sandbox gateway order number",
    "SubscriptionView.order": "a checkout's order id: exists once a tenant starts a payment (tests/signup)",
}


@pytest.fixture(scope="module")
def csrf_app(app, database_url, redis_url, test_files):
    """The real-world setting: CSRF protection on. Shares the session's migrated and seeded database."""
    from app import create_app

    return create_app(app_config(database_url, redis_url, test_files, WTF_CSRF_ENABLED=True))


@pytest.fixture(scope="module")
def unseeded_rows(csrf_app):
    """Rows the seed has none of, so that every GET route is swept with a real object: a finished job of
    each account, a user group, a payment notification."""
    from flask_appbuilder.security.sqla.models import Group

    with csrf_app.app_context(), all_tenants():
        for email in ACCOUNTS:
            user = db.session.execute(sa.select(TenantUser).filter_by(email=email)).scalar_one()
            run_id = f"forged-sweep-{user.id}"
            db.session.merge(JobRun(id=run_id, tenant_id=user.tenant_id, user_id=user.id, name="sweep", state="done"))
        if not db.session.execute(sa.select(Group.id).filter_by(name="Forged sweep")).first():
            db.session.add(Group(name="Forged sweep"))
        db.session.add(PaymentWebhook(gateway="sandbox", body="{}", outcome="ignored"))
        db.session.commit()


def real_id(csrf_app, route, email):
    """A row `email` may see for the route's URL object, or None."""
    found = own_object_id(csrf_app, route, email, custom_views=True)
    model = URL_OBJECTS.get(type(route.view).__name__)
    if found is not None or model is None or not route.object_args:
        return found
    with csrf_app.app_context(), all_tenants():
        user = db.session.execute(sa.select(TenantUser).filter_by(email=email)).scalar_one()
        with all_tenants() if user.tenant_id is None else tenant_scope(user.tenant_id):
            return db.session.execute(sa.select(model.id).order_by(model.id).limit(1)).scalar()


POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def tokenless_forms(page: str) -> list[str]:
    return [form[:80] for form in POST_FORM.findall(page) if 'name="csrf_token"' not in form]


def token_of(client, path: str = "/login/") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signed_in(csrf_app, email: str):
    client = client_on(csrf_app, ACCOUNTS[email])
    token = token_of(client)
    response = client.post("/login/", data={"username": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], f"login failed: {email}"
    return client


@contextmanager
def writes_recorded(csrf_app):
    """Every statement that changes the database while the block runs (its first 120 characters)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if WRITE.search(statement):
            seen.append(" ".join(statement.split())[:120])

    with csrf_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def row_counts(csrf_app) -> dict:
    with csrf_app.app_context(), db.engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in db.Model.metadata.sorted_tables
        }


def unsafe_routes(csrf_app):
    return [r for r in discover(csrf_app) if r.methods & UNSAFE_METHODS and r.endpoint not in EXEMPT_ENDPOINTS]


def test_the_exemptions_name_routes_that_exist(csrf_app):
    endpoints = {r.endpoint for r in discover(csrf_app)}
    assert endpoints >= EXEMPT_ENDPOINTS


def test_no_route_changes_anything_without_the_token(csrf_app):
    routes = unsafe_routes(csrf_app)
    assert len(routes) > 40, "route discovery found too few routes that take a POST"
    ids = {(email, r.endpoint): real_id(csrf_app, r, email) for email in ACCOUNTS for r in routes if r.object_args}
    clients = {email: signed_in(csrf_app, email) for email in ACCOUNTS}
    clients |= {f"anonymous on {host}": client_on(csrf_app, host) for host in ANONYMOUS_HOSTS}
    before = row_counts(csrf_app)
    problems = []
    for who, client in clients.items():
        for route in routes:
            url = url_for_route(route, ids.get((who, route.endpoint)) or 1)
            for method in sorted(route.methods & UNSAFE_METHODS):
                body = {"json": {}} if route.is_api else {"data": {"name": "forged"}}
                with writes_recorded(csrf_app) as writes:
                    response = client.open(url, method=method, **body)
                location = response.headers.get("Location", "")
                refused = response.status_code in (400, 403) or (response.status_code == 302 and "/login/" in location)
                if not refused or writes:
                    problems.append(f"{who}: {method} {url} -> {response.status_code} {writes}")
    assert problems == []
    assert row_counts(csrf_app) == before


def test_no_get_request_writes(csrf_app, unseeded_rows):
    routes = [r for r in discover(csrf_app) if "GET" in r.methods]
    assert len(routes) > 80, "route discovery found too few GET routes"
    routes.sort(key=lambda r: r.endpoint in SESSION_ENDING)
    ids = {(email, r.endpoint): real_id(csrf_app, r, email) for email in ACCOUNTS for r in routes if r.object_args}
    unreal = {r.endpoint for r in routes if r.object_args} - {endpoint for (_, endpoint), id_ in ids.items() if id_}
    clients = {email: signed_in(csrf_app, email) for email in ACCOUNTS}  # signing in writes: before the counts
    before = row_counts(csrf_app)
    problems = []
    for email, client in clients.items():
        for route in routes:
            with writes_recorded(csrf_app) as writes:
                response = client.get(url_for_route(route, ids.get((email, route.endpoint)) or 1))
            if writes or response.status_code >= 500:
                problems.append(f"{email}: GET {route.rule} -> {response.status_code} {writes}")
            if response.mimetype == "text/html":  # while at it: the page passes its CSP, its forms carry the token
                page = response.get_data(as_text=True)
                problems += [f"{email}: GET {route.rule}: {p}" for p in script_problems(response)]
                problems += [f"{email}: GET {route.rule}: form without the token: {f}" for f in tokenless_forms(page)]
    for host in ANONYMOUS_HOSTS:
        client = client_on(csrf_app, host)
        for route in routes:
            with writes_recorded(csrf_app) as writes:
                response = client.get(url_for_route(route, 1))
            if writes or response.status_code >= 500:
                problems.append(f"anonymous on {host}: GET {route.rule} -> {response.status_code} {writes}")
    assert problems == []
    unreal -= set(NO_REAL_OBJECT)
    assert not unreal, f"GET routes swept without a real object (seed one, or list them with why): {sorted(unreal)}"
    assert row_counts(csrf_app) == before


def test_the_jwt_api_needs_no_token_but_the_session_does(csrf_app):
    """A Bearer-signed API call (what scripts and integrations send) works without the CSRF token; the same
    call signed only by the browser's session cookie is refused."""
    from tests.logistics.conftest import shipment_payload

    client = client_on(csrf_app, ACCOUNTS["owner@demo.test"])
    login = client.post(
        "/api/v1/security/login", json={"username": "owner@demo.test", "password": DEMO_PASSWORD, "provider": "db"}
    )
    assert login.status_code == 200
    bearer = {"Authorization": f"Bearer {login.json['access_token']}"}
    assert client.post("/api/v1/shipments/", json=shipment_payload(), headers=bearer).status_code == 201
    assert signed_in(csrf_app, "owner@demo.test").post("/api/v1/shipments/", json=shipment_payload()).status_code == 400


def test_a_delete_link_opened_with_get_deletes_nothing(app, client_as):
    """The attack of the report: a page on another site loads /tariffs/delete/<id> in the signed-in owner's
    browser. Every FAB delete and action route takes only a POST (and the POST needs the token)."""
    from app.logistics.tariffs.models import Tariff

    with app.app_context(), tenant_scope(_demo_id(app)):
        tariff_id = db.session.execute(sa.select(Tariff.id).order_by(Tariff.id).limit(1)).scalar_one()
    response = client_as("owner@demo.test").get(f"/tariffs/delete/{tariff_id}")
    assert response.status_code == 405
    with app.app_context(), all_tenants():
        assert db.session.get(Tariff, tariff_id) is not None
    fab_mutations = [
        r for r in discover(app) if not r.is_api and r.view is not None and r.method_name in ("delete", "action")
    ]
    assert fab_mutations and [(r.rule, sorted(r.methods)) for r in fab_mutations if r.methods != {"POST"}] == []


def _demo_id(app) -> int:
    from app.tenancy.services import tenant_by_slug

    with app.app_context():
        return tenant_by_slug("demo").id
