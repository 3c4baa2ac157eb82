"""The main pages under the real Content-Security-Policy in Chromium: nothing refused (a refused inline
script logs a console error and the page silently stops working), and the delete buttons FAB draws
send a POST with the CSRF token that the server accepts."""

import pytest

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def violations(page) -> list[str]:
    return [text for text in page.console_errors if "Content Security Policy" in text or "Refused" in text]


def refused_on_the_way(page, base: str, email: str, paths) -> list[str]:
    """Signs in and opens each page until its network is idle: what the policy refused on the way."""
    sign_in(page, base, email)
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    return violations(page)


def test_tenant_pages_pass_the_policy(page, live_server):
    base = f"http://demo.localhost:{live_server}"
    tenant_pages = ("/", "/shipments/", "/shipments/new", "/tariffs/list/", "/notifications/")
    assert refused_on_the_way(page, base, "owner@demo.test", tenant_pages) == []
    # the form's own script ran: the select2 city pickers are drawn
    page.goto(base + "/shipments/new")
    assert page.locator(".select2-container").count() > 0
    assert violations(page) == []


def test_vendor_pages_pass_the_policy(page, live_server):
    vendor_pages = ("/", "/billing/clients/", "/billing/invoices/", "/users/list/", "/vendor/notifications/new")
    assert refused_on_the_way(page, f"http://localhost:{live_server}", "admin@vendor.test", vendor_pages) == []


def _add_tariff(app) -> int:
    """A tariff of demo's on a route it has none for."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.logistics.tariffs.cities import _regions
    from app.logistics.tariffs.models import Tariff
    from app.tenancy.context import tenant_scope
    from app.tenancy.services import tenant_by_slug

    with app.app_context(), tenant_scope(tenant_by_slug("demo").id):
        taken = set(db.session.execute(sa.select(Tariff.origin, Tariff.destination)).all())
        codes = sorted(_regions())
        origin, destination = next((a, b) for a in codes for b in codes if a != b and (a, b) not in taken)
        tariff = Tariff(origin=origin, destination=destination, price_per_kg=1000)
        db.session.add(tariff)
        db.session.commit()
        return tariff.id


def _tariff_exists(app, tariff_id: int) -> bool:
    from app.extensions import db
    from app.logistics.tariffs.models import Tariff
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        return db.session.get(Tariff, tariff_id) is not None


def test_fab_delete_button_posts_with_the_token(page, live_server, app):
    """A tariff deleted from FAB's list: the confirm dialog's OK submits a POST form carrying the token."""
    base = f"http://demo.localhost:{live_server}"
    tariff_id = _add_tariff(app)
    sign_in(page, base, "owner@demo.test")
    page.goto(base + "/tariffs/list/?psize_TariffView=100")  # newest first (the base order)
    sent = []
    page.on("request", lambda r: sent.append((r.method, r.post_data or "")) if "/delete/" in r.url else None)
    page.click(f'[id="btn-delete-/tariffs/delete/{tariff_id}"]')
    page.locator("#modal-confirm-ok").wait_for(state="visible")
    with page.expect_navigation():
        page.click("#modal-confirm-ok")
    assert sent and sent[0][0] == "POST" and "csrf_token=" in sent[0][1]
    assert not _tariff_exists(app, tariff_id)
    assert violations(page) == []
