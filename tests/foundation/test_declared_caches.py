"""Every declared per-process cache (app/core/caching.py) serves what computing anew would show.

Each page that uses a cache is rendered by users who see different things (each tenant role, two
couriers, another locale, another script root) with caching on, then with `CACHES_ENABLED` off, after
each kind of write; the HTML must be the same. A key function that forgets what its value depends on
(the data version, the locale, the row rule's audience, a permission) hands one user's or one moment's
copy to another, and this test fails. A newly declared cache fails the first test until pages that use
it are listed in PAGES.
"""

import difflib
import re

import pytest

from app.core.names import ADMIN, CAN_WRITE, COURIER, MARKETING, SHIPMENT, SUPER_ADMIN, VIEWER
from tests.conftest import login

# Declared cache -> pages that use it ({shipment}: a shipment assigned to the first courier, {draft}: a draft).
PAGES = {
    "shipment_list_filters": ("/shipments/", "/shipments/?tab=archive"),
    "shipment_list_rows": ("/shipments/", "/shipments/?tab=archive", "/shipments/?q=Cache&sort=status&dir=asc"),
    "shipment_list_pager": ("/shipments/", "/shipments/?q=Cache&sort=status&dir=asc"),
    "shipment_detail": ("/shipments/{shipment}/detail", "/shipments/{draft}/detail"),
    "staff_pickers": ("/shipments/", "/shipments/new"),
    "tenant_dashboard_figures": ("/dashboard/", "/dashboard/data", "/dashboard/data?trend=12m"),
    "navbar_menu": ("/dashboard/",),
    "page_frame_parts": ("/dashboard/",),
}

_VARYING = (
    (re.compile(r'(name="csrf_token"[^>]*value=")[^"]*'), r"\1CSRF"),
    (re.compile(r'(name="csrf-token"[^>]*content=")[^"]*'), r"\1CSRF"),
    (re.compile(r'nonce="[^"]*"'), 'nonce="NONCE"'),
    (re.compile(r'(id="bulk-occurred-at" value=")[^"]*'), r"\1NOW"),
)


def normalized(html: str) -> str:
    for pattern, replacement in _VARYING:
        html = pattern.sub(replacement, html)
    return html


def test_every_declared_cache_has_pages_that_exercise_it(app):
    from app.core.caching import DECLARED

    assert set(DECLARED) - set(PAGES) == set(), "list the pages that use each declared cache in PAGES"
    assert set(PAGES) - set(DECLARED) == set(), "PAGES names a cache that is no longer declared"


@pytest.fixture()
def scene(app, db, create_tenant, create_user, create_shipment):
    """A tenant with a user of each role, 30 shipments (some assigned to a courier and a marketer) and a draft."""
    from tests.support.factories import owner_of

    tenant = create_tenant(plan="business")
    users = {
        SUPER_ADMIN: owner_of(tenant),
        ADMIN: create_user(tenant, ADMIN),
        VIEWER: create_user(tenant, VIEWER),
        COURIER: create_user(tenant, COURIER, first_name="Kurir", last_name="Satu"),
        "Kurir 2": create_user(tenant, COURIER, first_name="Kurir", last_name="Dua"),
        MARKETING: create_user(tenant, MARKETING),
    }
    admin = users[ADMIN]
    shipments = [
        create_shipment(
            tenant,
            admin,
            sender_name=f"Cache Sender {number}",
            courier_id=users[COURIER].id if number % 3 == 0 else "",
            marketing_id=users[MARKETING].id if number % 4 == 0 else "",
        )
        for number in range(30)
    ]
    draft = create_shipment(tenant, admin, draft=True, sender_name="Cache Draft")
    db.session.commit()
    clients = {role: login(app, user.email) for role, user in users.items()}
    clients["Admin (id)"] = login(app, admin.email)
    clients["Admin (id)"].get("/lang/id")
    clients["Admin (root)"] = login(app, admin.email)
    clients["Admin (root)"].script_root = "/silog"
    return tenant, users, shipments, draft, clients


def _get(client, url: str):
    base = client.host + getattr(client, "script_root", "")
    response = client.get(url, base_url=base)
    assert response.status_code < 500, (url, response.status_code)
    return response.status_code, normalized(response.get_data(as_text=True))


def _differences(on: str, off: str) -> str:
    lines = difflib.unified_diff(off.splitlines(), on.splitlines(), "computed", "cached", lineterm="", n=1)
    return "\n".join(list(lines)[:30])


def _same_with_and_without_caches(app, clients, urls, moment: str) -> None:
    cached = {(who, url): _get(client, url) for url in urls for who, client in clients.items()}
    app.config["CACHES_ENABLED"] = False
    try:
        computed = {(who, url): _get(client, url) for url in urls for who, client in clients.items()}
    finally:
        app.config["CACHES_ENABLED"] = True
    for (who, url), (status, html) in computed.items():
        cached_status, cached_html = cached[who, url]
        assert (cached_status, cached_html) == (status, html), (
            f"after {moment}, {who} on {url}: the cached page differs from the computed one\n"
            + _differences(cached_html, html)
        )


def test_cached_pages_equal_computed_ones_after_every_kind_of_write(app, db, scene, create_shipment):
    from flask import current_app

    from app.core.caching import DECLARED
    from app.logistics.settings.services import get_settings
    from app.logistics.shipments import services as shipments_service
    from app.logistics.tariffs.services import clean_tariff, find_tariff, save_tariff
    from app.tenancy.context import tenant_scope
    from app.tenancy.models import utcnow
    from app.tenancy.services import enabled_modules, set_modules

    tenant, users, shipments, draft, clients = scene
    admin, kurir = users[ADMIN], users[COURIER]
    assigned = next(shipment for shipment in shipments if shipment.courier_id == kurir.id)
    urls = sorted({url.format(shipment=assigned.id, draft=draft.id) for pages in PAGES.values() for url in pages})

    def as_user(user, work):
        with tenant_scope(tenant.id, user.id):
            work()
            db.session.commit()

    def create():
        create_shipment(tenant, admin, sender_name="Cache Sender new", courier_id=kurir.id)

    def change_status():
        shipments_service.update_status(admin, [shipments[1]], "delivered", utcnow())

    def status_by_courier():
        shipments_service.update_status(kurir, [assigned], "failed", utcnow(), note="Rumah kosong")

    def delete():
        shipments_service.delete_shipment(admin, shipments[2])

    def rename_courier():
        kurir.first_name = "Kurir Baru"

    def deactivate_marketing():
        users[MARKETING].active = False

    def change_settings():
        get_settings(tenant.id).company_name = "PT Cache Berubah"

    def change_tariff():
        tariff = find_tariff("31.71", "32.73")
        save_tariff(clean_tariff("31.71", "32.73", tariff.price_per_kg + 500, 5), tariff)

    def revoke_admin_shipment_write():
        sm = current_app.appbuilder.sm
        sm.del_permission_role(sm.find_role(ADMIN), sm.find_permission_view_menu(CAN_WRITE, SHIPMENT))

    def switch_a_module_off():
        set_modules(tenant, set(enabled_modules(tenant.id)) - {"tariffs"})

    writes = [
        ("a new shipment", admin, create),
        ("a status change", admin, change_status),
        ("a status change by a courier", kurir, status_by_courier),
        ("a deletion", admin, delete),
        ("a renamed courier", admin, rename_courier),
        ("a deactivated user", admin, deactivate_marketing),
        ("a settings change", admin, change_settings),
        ("a tariff change", admin, change_tariff),
        ("a revoked permission", admin, revoke_admin_shipment_write),
        ("a module switched off", admin, switch_a_module_off),
    ]
    _same_with_and_without_caches(app, clients, urls, "the set-up")
    for cache in DECLARED.values():
        assert len(cache), f"no page of PAGES used the cache {cache.name}"
    for moment, user, work in writes:
        as_user(user, work)
        _same_with_and_without_caches(app, clients, urls, moment)
