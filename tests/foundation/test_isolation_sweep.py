"""Tenant isolation, swept over every route: tenant A's users never reach tenant B's objects."""

import pytest
import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.billing.models import Invoice
from app.billing.payment_models import PaymentOrder
from app.extensions import db
from app.jobs.models import JobRun
from app.security.catalogue import TENANT_ROLES
from app.tenancy import scoping
from app.tenancy.context import all_tenants, tenant_scope
from app.tenancy.models import Tenant, TenantMember, TenantScoped
from tests.support.routes import discover, url_for_route

TENANT_A, TENANT_B = "demo", "contoh"
ROLE_EMAIL = {"Super Admin": "owner", "Admin": "admin", "Viewer": "viewer", "Kurir": "kurir", "Marketing": "marketing"}


def tenant_object_routes(app):
    return [r for r in discover(app) if r.object_args and r.tenant_owned]


def test_every_route_that_names_an_object_says_which(app):
    """Fail closed: a route with an id (any argument in its rule) whose view names no model would be left out
    of the sweep. Views without a datamodel declare `object_model` (and `object_models` per method)."""
    unattributed = sorted(f"{r.rule} ({r.endpoint})" for r in discover(app) if r.object_args and r.object_model is None)
    assert unattributed == []


def test_sweep_covers_the_shipment_pages(app):
    rules = {r.rule for r in tenant_object_routes(app)}
    assert {
        "/shipments/<int:pk>",
        "/shipments/<int:pk>/edit",
        "/shipments/<int:pk>/delete",
        "/shipment-status/event/<int:pk>/delete",
        "/api/v1/shipments/<int:pk>/status",
        "/langganan/order/<order_id>",
    } <= rules


def _tenant_id(slug):
    from app.tenancy.services import tenant_by_slug

    return tenant_by_slug(slug).id


@pytest.fixture(scope="module")
def b_job(app):
    """Jobs and checkouts are not seeded: give tenant B one finished job with an output file, and one
    checkout of one of its invoices."""
    with app.app_context(), all_tenants():
        b = _tenant_id(TENANT_B)
        run = JobRun(id="sweep-job-contoh", tenant_id=b, name="sweep", state="done")
        db.session.merge(run)
        if db.session.execute(sa.select(PaymentOrder.id).where(PaymentOrder.tenant_id == b)).first() is None:
            invoice = db.session.execute(sa.select(Invoice).where(Invoice.tenant_id == b).limit(1)).scalar_one()
            db.session.add(
                PaymentOrder(
                    tenant_id=b, invoice_id=invoice.id, gateway="sandbox", order_id="sweep-contoh-1", amount=1000
                )
            )
        db.session.commit()


def b_object_ids(app) -> dict:
    """One row of tenant B for every route that names a tenant-owned object, as that route's view
    would show it to B (through the view's own base filters), so a missing hook shows as a leak."""
    ids = {}
    with app.app_context():
        b = _tenant_id(TENANT_B)
        with tenant_scope(b):
            for route in tenant_object_routes(app):
                view, model = route.view, route.object_model
                if model is Tenant or issubclass(model, TenantMember):
                    with all_tenants():  # a client or a user of B (vendor screens: tenant users get 403)
                        owner = model.id if model is Tenant else model.tenant_id
                        rows = db.session.execute(sa.select(model).where(owner == b).limit(1)).scalars().all()
                elif getattr(view, "datamodel", None) is not None and view.datamodel.obj is model:
                    _, rows = view.datamodel.query(view._base_filters, page=0, page_size=1)
                else:
                    rows = db.session.execute(sa.select(model).limit(1)).scalars().all()
                assert rows, (
                    f"seed has no {model.__name__} row for tenant {TENANT_B}: the sweep cannot cover {route.rule}"
                )
                ids[route.endpoint] = getattr(rows[0], route.object_column)
    return ids


def b_fingerprint(app) -> dict:
    """Row counts and contents of every tenant-owned table, for tenant B."""
    with app.app_context(), all_tenants():
        b = _tenant_id(TENANT_B)
        result = {}
        for mapper in db.Model.registry.mappers:
            model = mapper.class_
            if issubclass(model, TenantScoped) and model.__tablename__ != "activity_log":
                rows = db.session.execute(sa.select(model).where(model.tenant_id == b)).scalars().all()
                result[model.__tablename__] = sorted(repr(sorted(r.to_json().items())) for r in rows)
        return result


def sweep(app, client_as, api_client, ids: dict, only_reads: bool = False) -> list[str]:
    """Every (role, route, method) that answered anything but 403/404 for a tenant-B object."""
    leaks = []
    for role, local in ROLE_EMAIL.items():
        email = f"{local}@{TENANT_A}.test"
        for route in tenant_object_routes(app):
            client = api_client(email) if route.is_api else client_as(email)
            url = url_for_route(route, ids[route.endpoint])
            for method in sorted({"GET"} & route.methods if only_reads else route.methods):
                body = {"json": {}} if route.is_api and method != "GET" else {"data": {}}
                response = client.open(url, method=method, **body)
                if response.status_code not in (403, 404, 405):  # 405: a GET to a route that only takes a POST
                    leaks.append(f"{role} {method} {url} -> {response.status_code}")
    return leaks


def test_every_tenant_role_gets_404_or_403_for_other_tenants_objects(app, client_as, api_client, b_job):
    assert set(ROLE_EMAIL) == set(TENANT_ROLES)
    before = b_fingerprint(app)
    leaks = sweep(app, client_as, api_client, b_object_ids(app))
    assert leaks == []
    assert b_fingerprint(app) == before, "a request of tenant A changed tenant B's data"


def test_own_objects_stay_reachable(app, client_as):
    """The positive control: the same routes serve tenant A's own rows to A's Super Admin."""
    with app.app_context(), all_tenants():
        a = _tenant_id(TENANT_A)
        entry = db.session.execute(
            sa.select(ActivityLog).where(ActivityLog.tenant_id == a, ActivityLog.realm == "tenant").limit(1)
        ).scalar_one()
    response = client_as(f"owner@{TENANT_A}.test").get(f"/activity/show/{entry.id}")
    assert response.status_code == 200
    assert entry.summary in response.get_data(as_text=True)


def test_sweep_covers_the_routes_that_name_objects(app):
    rules = {r.rule for r in tenant_object_routes(app)}
    assert "/jobs/<run_id>" in rules
    assert "/activity/show/<pk>" in rules


def test_sweep_notices_when_the_scoping_hook_is_off(app, client_as, api_client, b_job):
    # B's ids are picked while the hook still scopes, and only reads are sent: with the hook off a
    # write would really change another tenant's (or, with wrong ids, the caller's own) rows.
    ids = b_object_ids(app)
    scoping.uninstall()
    try:
        leaks = sweep(app, client_as, api_client, ids, only_reads=True)
    finally:
        scoping.install()
    assert leaks, "with the scoping hook removed, the sweep must find leaks"
