"""The single access check: role AND realm AND module AND subscription; plus hardening."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.extensions import db
from app.security.models import TenantUser
from app.tenancy import services as tenancy
from app.tenancy.context import all_tenants
from app.tenancy.models import utcnow
from tests.conftest import DEMO_PASSWORD, login, tenant_host
from tests.support.routes import discover, url_for_route

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def expired_demo(app):
    """Tenant `demo` with its subscription period over, restored afterwards."""
    with app.app_context(), all_tenants():
        tenant = tenancy.tenant_by_slug("demo")
        original = tenant.subscription_ends_at
        tenant.subscription_ends_at = utcnow() - timedelta(days=1)
        db.session.commit()
    yield
    with app.app_context(), all_tenants():
        tenancy.tenant_by_slug("demo").subscription_ends_at = original
        db.session.commit()


def _user(email):
    return db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()


def test_expired_subscription_allows_reads_and_refuses_writes(app, expired_demo):
    with app.test_request_context(), all_tenants():
        sm = app.appbuilder.sm
        owner = _user("owner@demo.test")
        assert sm._has_view_access(owner, "can_read", "TenantActivity")
        from flask import g

        g.pop("_access_cache", None)
        assert not sm._area_allows(owner, "can_write", "TenantActivity")
        assert "Masa aktif" in str(g.access_denied_reason) or "subscription" in str(g.access_denied_reason)


def test_expired_subscription_shows_the_message_at_sign_in(app, expired_demo):
    client = login(app, "owner@demo.test")
    page = client.get("/").get_data(as_text=True)
    assert 'id="subscription-expired"' in page
    assert 'id="subscription-expired-modal"' in page  # the popup shown on arrival


def test_expired_subscription_refuses_every_tenant_write_route_with_the_message(app, expired_demo, api_client):
    browser = login(app, "owner@demo.test")
    api = api_client("owner@demo.test")
    writes = [
        r
        for r in discover(app)
        if r.permission and r.permission[0] == "can_write" and getattr(r.view, "realm", "") == "tenant"
    ]
    assert writes
    for route in writes:
        client = api if route.is_api else browser
        url = url_for_route(route, 1)
        response = client.get(url) if "GET" in route.methods else client.open(url, method=sorted(route.methods)[0])
        assert response.status_code == 403, route.rule
        if route.is_api:
            assert "subscription period has ended" in response.json["message"]


def test_switched_off_module_hides_and_refuses_its_views(app, db, create_tenant):
    module_routes = [r for r in discover(app) if r.permission and getattr(r.view, "module_code", None)]
    if not module_routes:
        pytest.skip("no module-gated views registered")
    route = next(r for r in module_routes if r.read_only and not r.object_args)
    url = url_for_route(route, 1)
    tenant = create_tenant(plan="business")
    with all_tenants():
        modules = tenancy.enabled_modules(tenant.id)
        tenancy.set_modules(tenant, set(modules) - {route.view.module_code})
        db.session.commit()
    client = login(app, tenant.email, host=tenant_host(tenant.slug))
    assert client.get(url).status_code == 403
    assert url not in client.get("/").get_data(as_text=True)
    with all_tenants():
        tenancy.set_modules(tenant, set(modules))
        db.session.commit()
    assert login(app, tenant.email, host=tenant_host(tenant.slug)).get(url).status_code == 200


def test_vendor_staff_cannot_sign_in_on_a_tenant_host(anon):
    client = anon("http://demo.localhost")
    response = client.post("/login/", data={"username": "admin@vendor.test", "password": DEMO_PASSWORD})
    assert "/login/" in response.headers["Location"]
    assert client.get("/activity/list/").status_code == 302


def test_tenant_changes_are_in_the_activity_log(app):
    with app.app_context(), all_tenants():
        tenant = tenancy.tenant_by_slug("contoh")
        old_phone = tenant.phone
        tenant.phone = "0225559999"
        db.session.commit()
        entry = (
            db.session.execute(
                sa.select(ActivityLog)
                .where(
                    ActivityLog.entity_type == "Tenant",
                    ActivityLog.action == "update",
                    ActivityLog.tenant_id == tenant.id,
                )
                .order_by(ActivityLog.id.desc())
            )
            .scalars()
            .first()
        )
        assert entry.changes["phone"] == [old_phone, "0225559999"]
        tenant.phone = old_phone
        db.session.commit()


def test_login_is_rate_limited(database_url):
    from app import create_app
    from tests.support import servers

    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": servers.sqlalchemy_url(database_url),
            "REDIS_URL": "",
            "WTF_CSRF_ENABLED": False,
            "AUTH_RATE_LIMITED": True,
            "AUTH_RATE_LIMIT": "3 per minute",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    client = limited.test_client()
    codes = [
        client.post(
            "/login/", data={"username": "owner@demo.test", "password": "wrong"}, base_url="http://demo.localhost"
        ).status_code
        for _ in range(4)
    ]
    assert codes[-1] == 429


def test_forms_need_a_csrf_token(database_url):
    from app import create_app
    from tests.support import servers

    protected = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": servers.sqlalchemy_url(database_url),
            "REDIS_URL": "",
            "AUTH_RATE_LIMITED": False,
        }
    )
    client = protected.test_client()
    response = client.post(
        "/login/", data={"username": "owner@demo.test", "password": DEMO_PASSWORD}, base_url="http://demo.localhost"
    )
    assert client.get("/", base_url="http://demo.localhost").status_code == 302  # still signed out
    assert response.status_code in (200, 302, 400)


def test_production_refuses_to_start_without_secret_key():
    env = {"APP_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "import config"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr
    env["SECRET_KEY"] = "x" * 32
    result = subprocess.run(
        [sys.executable, "-c", "import config; print(config.SESSION_COOKIE_SECURE)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "True"
