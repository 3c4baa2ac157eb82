"""Each role sees only the buttons for what it may do (catalogue grants), and the status form
only returns to a page on this site."""

import re

import pytest
import sqlalchemy as sa

# role -> (writes shipments, reads status history, updates statuses)
ROLE_RIGHTS = {
    "admin@demo.test": (True, True, True),
    "viewer@demo.test": (False, True, False),
    "kurir@demo.test": (False, True, True),
    "marketing@demo.test": (False, False, False),  # spec §9: Marketing monitors, it does not write
}
WRITE_MARKERS = ('id="btn-new-shipment"', 'class="btn btn-xs btn-default btn-edit"', "btn-duplicate", "btn-delete")


def _issued_id(app, email: str = "admin@demo.test") -> int:
    """The first issued demo shipment that `email` sees in their list (Kurir/Marketing see theirs)."""
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.logistics.shipments.services import list_narrowing
    from app.security.models import TenantUser
    from app.tenancy.context import all_tenants
    from app.tenancy.models import Tenant

    with app.app_context(), all_tenants():
        demo = db.session.execute(sa.select(Tenant.id).where(Tenant.slug == "demo")).scalar_one()
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
        stmt = sa.select(Shipment.id).where(Shipment.tenant_id == demo, Shipment.tracking_number.isnot(None))
        narrowing = list_narrowing(user)
        if narrowing is not None:
            stmt = stmt.where(narrowing)
        return db.session.execute(stmt.order_by(Shipment.id).limit(1)).scalar_one()


@pytest.mark.parametrize("email", ROLE_RIGHTS)
def test_list_shows_only_permitted_actions(client_as, email):
    writes, reads_status, updates_status = ROLE_RIGHTS[email]
    page = client_as(email).get("/shipments/").get_data(as_text=True)
    assert 'id="shipment-table"' in page
    for marker in WRITE_MARKERS:
        assert (marker in page) is writes, marker
    assert ("btn-status" in page) is reads_status
    assert ('id="bulk-status-panel"' in page) is updates_status
    # everyone who reads shipments may select them to print labels (the status panel stays per role)
    assert 'class="row-select"' in page and 'id="label-print-panel"' in page
    assert "btn-print" in page  # everyone who reads shipments may print a resi


@pytest.mark.parametrize("email", ROLE_RIGHTS)
def test_shipment_page_shows_only_permitted_actions(client_as, app, email):
    writes, reads_status, updates_status = ROLE_RIGHTS[email]
    page = client_as(email).get(f"/shipments/{_issued_id(app, email)}").get_data(as_text=True)
    assert ('id="btn-edit"' in page) is writes and ('id="btn-duplicate"' in page) is writes
    assert ('id="btn-update-status"' in page) is updates_status
    assert ('id="btn-status-history"' in page) is (reads_status and not updates_status)
    assert 'id="btn-print-resi"' in page


def test_viewer_sees_history_without_forms(client_as, app):
    page = client_as("viewer@demo.test").get(f"/shipment-status/{_issued_id(app)}").get_data(as_text=True)
    assert 'id="status-read-only"' in page
    assert 'id="status-form"' not in page and "btn-delete-event" not in page


def test_delete_asks_for_confirmation(client_as):
    page = client_as("admin@demo.test").get("/shipments/").get_data(as_text=True)
    assert "window.confirm" in page and "Delete this shipment? This cannot be undone." in page


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/"])
def test_status_update_returns_only_to_this_site(client_as, app, target):
    pk = _issued_id(app)
    response = client_as("admin@demo.test").post(
        "/shipment-status/update", data={"ids": [pk], "status": "in_transit", "next": target}
    )
    assert response.status_code == 302
    assert re.match(r"(https?://demo\.localhost)?/shipments/", response.headers["Location"])
