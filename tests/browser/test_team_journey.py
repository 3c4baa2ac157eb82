"""The Super Admin of a newly registered tenant adds a courier and a marketing person; the courier signs in
on a phone (390 px) and sets a shipment's status with one tap. Screenshots go to SHOTS (looked at by hand)."""

import os
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("TEAM_SHOTS", "/tmp/shots/team"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _new_tenant(app):
    from app.extensions import db
    from tests.support.factories import create_tenant

    with app.app_context():
        tenant = create_tenant(plan="business")
        db.session.commit()
        return tenant.slug, tenant.email


def _assign_shipment(app, slug: str, courier_email: str) -> str:
    import sqlalchemy as sa

    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug
    from tests.support.factories import create_shipment

    with app.app_context():
        with all_tenants():
            tenant = tenant_by_slug(slug)
            courier = db.session.execute(sa.select(TenantUser).where(TenantUser.email == courier_email)).scalar_one()
        shipment = create_shipment(tenant, courier_id=courier.id, receiver_phone="081234567890")
        db.session.commit()
        return shipment.tracking_number


def _sign_in(browser, base, email, viewport):
    context = browser.new_context(locale="id-ID", viewport=viewport)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth + 1")


def _add(page, role, name, email, extra):
    page.click(f"#btn-add-{role.lower()}")
    page.fill("#name", name)
    page.fill("#phone", "0812 3456 7890")
    page.fill("#email", email)
    for selector, value in extra.items():
        page.fill(selector, value)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#btn-employee-save")
    page.wait_for_selector("#employee-table")


def test_new_tenant_adds_its_courier_who_updates_a_status_on_the_phone(app, browser, live_server):
    slug, owner_email = _new_tenant(app)
    base = f"http://{slug}.localhost:{live_server}"
    owner = _sign_in(browser, base, owner_email, DESKTOP)
    owner.goto(f"{base}/employees/")
    _add(owner, "Kurir", "Budi Santoso", f"budi@{slug}.example", {"#plate_number": "b 1234 xyz"})
    _add(owner, "Marketing", "Sari Dewi", f"sari@{slug}.example", {"#address": "Jl. Merdeka 1, Bandung"})
    text = owner.inner_text("#employee-table")
    assert "Budi Santoso" in text and "B 1234 XYZ" in text and "0812-3456-7890" in text and "Sari Dewi" in text
    _shot(owner, "employees-1366")
    owner.set_viewport_size(PHONE)
    owner.goto(f"{base}/employees/")
    _shot(owner, "employees-390")
    owner.goto(f"{base}/employees/new?role=Kurir")
    _shot(owner, "employee-form-390")
    owner.set_viewport_size(DESKTOP)
    owner.goto(f"{base}/team/users/")
    _shot(owner, "users-1366")
    owner.goto(f"{base}/users/userinfo/")
    _shot(owner, "profile-1366")

    number = _assign_shipment(app, slug, f"budi@{slug}.example")
    courier = _sign_in(browser, base, f"budi@{slug}.example", PHONE)
    assert number in courier.inner_text("#courier-title ~ .courier-card")
    assert not _scrolls_sideways(courier)
    _shot(courier, "courier-390")
    courier.fill(".courier-card input[name=note]", "Diterima satpam")
    courier.click(".courier-card button[name=set_delivered]")
    courier.wait_for_selector(".alert-success")
    assert "Terkirim" in courier.inner_text(".courier-card .label") or "Terkirim" in courier.inner_text(".alert")
    assert not _scrolls_sideways(courier)
    _shot(courier, "courier-after-390")
    owner.goto(f"{base}/activity/list/")
    log = owner.inner_text("body")
    assert f"Budi Santoso mengubah status {number} menjadi Terkirim" in log
    assert "Pemilik Uji menambah pegawai Budi Santoso" in log
    _shot(owner, "activity-1366")
    owner.set_viewport_size(PHONE)
    _shot(owner, "activity-390")


def test_vendor_activity_log_reads_as_sentences(browser, live_server):
    base = f"http://localhost:{live_server}"
    page = _sign_in(browser, base, "admin@vendor.test", DESKTOP)
    page.goto(f"{base}/vendor/activity/list/")
    _shot(page, "vendor-activity-1366")
    text = page.inner_text("body")
    assert "client_created" not in text and "WIB" in text
