"""The public tracking page: no sign-in, the host's tenant only, names and phones masked."""

import re
from urllib.parse import unquote

import sqlalchemy as sa

from app.extensions import db as database
from app.logistics.shipments.models import Shipment
from app.tenancy.context import tenant_scope
from tests.conftest import VENDOR_HOST, tenant_host


def _issued(app, slug):
    from app.tenancy.services import tenant_by_slug

    with app.app_context():
        tenant = tenant_by_slug(slug)
        with tenant_scope(tenant.id):
            return database.session.execute(
                sa.select(
                    Shipment.tracking_number,
                    Shipment.sender_name,
                    Shipment.sender_phone,
                    Shipment.receiver_name,
                    Shipment.receiver_phone,
                ).where(Shipment.tracking_number.is_not(None))
            ).all()


def test_no_seeded_shipment_shows_a_full_name_or_phone(app, anon):
    client = anon(tenant_host("demo"))
    shipments = _issued(app, "demo")
    assert len(shipments) > 100
    for number, sender, sender_phone, receiver, receiver_phone in shipments:
        response = client.get(f"/lacak/{number}")
        assert response.status_code == 200, number
        html = response.get_data(as_text=True)
        assert number in html
        for secret in (sender, receiver, sender_phone, receiver_phone):
            assert secret not in html, (number, secret)
        assert f"{sender[0].upper()}. " in html or f"{sender[0].upper()}.<" in html  # initials only
        digits = re.sub(r"\D", "", receiver_phone)
        assert "•" * (len(digits) - 3) + digits[-3:] in html


def test_page_shows_company_timeline_cities_and_a_whatsapp_link(app, anon, create_shipment, create_tenant):
    tenant = create_tenant(name="PT Kilat Lacak")
    shipment = create_shipment(tenant, sender_name="Siti Aminah Rahayu", receiver_phone="081298765432")
    html = anon(tenant_host(tenant.slug)).get(f"/lacak/{shipment.tracking_number.lower()}").get_data(as_text=True)
    assert "PT Kilat Lacak" in html
    assert "S. A. R." in html and "Siti" not in html
    assert "•••••••••432" in html and "081298765432" not in html
    assert shipment.origin_name in html and shipment.destination_name in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d WIB", html)
    share = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', html).group(1)
    assert f"http://{tenant.slug}.localhost/lacak/{shipment.tracking_number}" in unquote(share)


def test_unknown_numbers_and_other_tenants_numbers_get_a_friendly_404(app, anon):
    other = _issued(app, "contoh")[0][0]
    client = anon(tenant_host("demo"))
    if other in {row[0] for row in _issued(app, "demo")}:  # both tenants may number alike: take an unused one
        other = "ZZ" + other
    for number in (other, "NOPE123", "%3Cscript%3E"):
        response = client.get(f"/lacak/{number}")
        assert response.status_code == 404
        assert "could not find a shipment" in response.get_data(as_text=True)


def test_search_box_leads_to_the_number(anon):
    client = anon(tenant_host("demo"))
    assert client.get("/lacak/").status_code == 200
    response = client.get("/lacak/?q=+resi00001+")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lacak/RESI00001")
    bad = client.get("/lacak/?q=<b>")
    assert bad.status_code == 422 and "only letters and digits" in bad.get_data(as_text=True)


def test_the_vendor_host_tracks_nothing(anon):
    assert anon(VENDOR_HOST).get("/lacak/").status_code == 404


def test_tracking_is_rate_limited(app, database_url, test_files):
    from app import create_app
    from tests.conftest import app_config

    limited = create_app(
        app_config(database_url, None, test_files, RATELIMIT_ENABLED=True, TRACKING_RATE_LIMIT="3 per minute")
    )
    client = limited.test_client()
    codes = [client.get("/lacak/NOPE1", base_url=tenant_host("demo")).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
