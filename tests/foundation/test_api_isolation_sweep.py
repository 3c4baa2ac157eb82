"""Tenant isolation over the API the app itself describes (/api/v1/_openapi) and over every page without an
object in its URL: tenant A's users, each role, never see a row, name or number of tenant B, and B's data
stays as it was. New API endpoints are swept from the spec; one the sweep cannot fill fails it."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.logistics.shipments.models import Shipment
from app.security.catalogue import TENANT_ROLES
from app.security.models import TenantUser
from app.tenancy.context import all_tenants, tenant_scope
from app.tenancy.models import Tenant
from tests.foundation.test_isolation_sweep import ROLE_EMAIL, TENANT_A, TENANT_B, _tenant_id, b_fingerprint
from tests.support.routes import discover

TENANT_HOST = f"{TENANT_A}.localhost"
FILLED = {"version": "v1"}  # path parameters that name no object
OBJECT_PARAMS = {"pk"}  # path parameters that name the view's model's row


def tenant_texts(app, slug: str) -> set[str]:
    """What would betray one of the tenant's rows in an answer: its name and address, its users' e-mails and
    names, its shipments' tracking numbers."""
    with app.app_context(), all_tenants():
        tenant_id = _tenant_id(slug)
        tenant = db.session.get(Tenant, tenant_id)
        users = db.session.execute(sa.select(TenantUser).where(TenantUser.tenant_id == tenant_id)).scalars().all()
        numbers = db.session.execute(
            sa.select(Shipment.tracking_number).where(
                Shipment.tenant_id == tenant_id, Shipment.tracking_number.is_not(None)
            )
        ).scalars()
        return {tenant.name, f"{tenant.slug}.localhost", *numbers} | {
            text for user in users for text in (user.email, f"{user.first_name} {user.last_name}")
        }


@pytest.fixture(scope="module")
def b_texts(app):
    """B's texts that A's own data does not also contain (a shared tracking number says nothing)."""
    texts = tenant_texts(app, TENANT_B) - tenant_texts(app, TENANT_A)
    assert any("@" in text for text in texts) and len(texts) > 10
    return texts


def leaked(answer_text: str, texts: set[str]) -> list[str]:
    return sorted(text for text in texts if text in answer_text)


def spec_operations(app, api_client) -> list[tuple[str, str, dict]]:
    spec = api_client(f"owner@{TENANT_A}.test").get("/api/v1/_openapi").json
    return [(path, method.upper(), op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def _route_view(app, path: str, method: str):
    try:
        endpoint, _ = app.url_map.bind(TENANT_HOST).match(path, method=method)
    except NotFound:
        return None
    views = {route.endpoint: route for route in discover(app)}
    return views[endpoint]


def object_row_id(app, route, slug: str, email: str | None = None):
    """A row of the route's model in the tenant, as the route's view shows it (its base filters)."""
    model = route.object_model
    assert model is not None, f"{route.rule}: the sweep cannot tell which model its id names"
    from flask import g

    with app.app_context(), tenant_scope(_tenant_id(slug)):
        g.user = (
            db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one() if email else None
        )
        datamodel = getattr(route.view, "datamodel", None)
        if datamodel is not None and datamodel.obj is model:
            _, rows = datamodel.query(route.view._base_filters, page=0, page_size=1)
            return rows[0].id if rows else None
        return db.session.execute(sa.select(model.id).order_by(model.id).limit(1)).scalar()


def filled_urls(app, path: str, method: str, email: str) -> list[str]:
    """The operation's URLs to request as `email`: with tenant B's object, and for reads also with one of
    the caller's own (whose answer must not drag B's rows in either)."""
    params = re.findall(r"{([^}]+)}", path)
    unknown = set(params) - set(FILLED) - OBJECT_PARAMS
    assert not unknown, f"{method} {path}: the sweep cannot fill {sorted(unknown)}; teach it what they name"
    filled = path
    for name, value in FILLED.items():
        filled = filled.replace("{" + name + "}", value)
    if not set(params) & OBJECT_PARAMS:
        return [filled]
    route = _route_view(app, filled.replace("{pk}", "1"), method)
    assert route is not None, f"{method} {path} is in the spec but no route serves it"
    b_id = object_row_id(app, route, TENANT_B)
    assert b_id is not None, f"seed has no row of tenant {TENANT_B} for {method} {path}"
    urls = [filled.replace("{pk}", str(b_id))]
    own_id = object_row_id(app, route, TENANT_A, email) if method == "GET" else None
    if own_id is not None:
        urls.append(filled.replace("{pk}", str(own_id)))
    return urls


def api_sweep(app, api_client, texts) -> list[str]:
    operations = spec_operations(app, api_client)
    assert {"/api/v1/shipments/_info", "/api/v1/shipments/{pk}", "/api/v1/tariffs/{pk}"} <= {
        p for p, _, _ in operations
    }
    problems = []
    for role, local in ROLE_EMAIL.items():
        email = f"{local}@{TENANT_A}.test"
        client = api_client(email)
        for path, method, operation in operations:
            for url in filled_urls(app, path, method, email):
                body = {"json": {}} if "requestBody" in operation else {}
                response = client.open(url, method=method, **body)
                text = response.get_data(as_text=True)
                if response.status_code >= 500:
                    problems.append(f"{role} {method} {url} -> {response.status_code}")
                found = leaked(text, texts)
                if found:
                    problems.append(f"{role} {method} {url} shows tenant {TENANT_B}'s {found[:3]}")
                if '"tenant"' in text and "_info" in url:
                    problems.append(f"{role} {method} {url} offers a tenant column")
    return problems


def test_no_api_answer_of_any_tenant_role_holds_another_tenants_rows(app, api_client, b_texts):
    assert set(ROLE_EMAIL) == set(TENANT_ROLES)
    before = b_fingerprint(app)
    assert api_sweep(app, api_client, b_texts) == []
    assert b_fingerprint(app) == before, "a request of tenant A changed tenant B's data"


def test_model_api_info_offers_only_the_tenants_own_users(app, api_client):
    """The courier / marketing choices of _info: A's users, neither B's nor the vendor's staff."""
    info = api_client(f"admin@{TENANT_A}.test").get("/api/v1/shipments/_info").json
    with app.app_context(), all_tenants():
        own = set(
            db.session.execute(sa.select(TenantUser.id).where(TenantUser.tenant_id == _tenant_id(TENANT_A))).scalars()
        )
    related = [c for key in ("add_columns", "edit_columns") for c in info[key] if c["type"] == "Related"]
    offered = {
        value["id"] for column in related for value in column["values"] if column["name"] in ("courier", "marketing")
    }
    assert offered and offered <= own
    assert not [c["name"] for key in ("add_columns", "edit_columns") for c in info[key] if c["name"] == "tenant"]


def test_tenant_scope_lists_only_its_own_users_and_tenant(app):
    """The scoping hook: inside tenant A a generic query of users or tenants finds no other tenant's."""
    with app.app_context():
        a, b = _tenant_id(TENANT_A), _tenant_id(TENANT_B)
        with tenant_scope(a):
            tenants = set(db.session.execute(sa.select(Tenant.id)).scalars())
            user_tenants = set(db.session.execute(sa.select(TenantUser.tenant_id)).scalars())
            counted = db.session.execute(
                sa.select(sa.func.count()).select_from(TenantUser).where(TenantUser.tenant_id == b)
            ).scalar()
        db.session.rollback()
    assert tenants == {a}
    assert user_tenants == {a, None}  # vendor staff stay visible: they author replies to the tenant
    assert counted == 0


def page_routes(app) -> list:
    """Every GET page of the app without an argument in its URL (lists, forms, dashboards, exports)."""
    return [
        route
        for route in discover(app)
        if "GET" in route.methods and not route.arguments and route.permission is not None and not route.is_api
    ]


def test_no_page_of_any_tenant_role_shows_another_tenants_rows(app, client_as, b_texts):
    """HTML pages (lists with their filters, add / edit forms with their pickers) as every role of A."""
    problems = []
    for role, local in ROLE_EMAIL.items():
        client = client_as(f"{local}@{TENANT_A}.test")
        for route in page_routes(app):
            response = client.get(route.rule)
            found = leaked(response.get_data().decode("utf-8", "replace"), b_texts)
            if found:
                problems.append(f"{role} GET {route.rule} shows tenant {TENANT_B}'s {found[:3]}")
    assert problems == []


def test_spec_sweep_fails_on_a_parameter_it_cannot_fill(app):
    with pytest.raises(AssertionError, match="cannot fill"):
        filled_urls(app, "/api/v1/shipments/{shipment_number}", "GET", f"owner@{TENANT_A}.test")
