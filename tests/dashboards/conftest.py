"""Dashboard test helpers: fresh users (so counts are exact), shipments with chosen timestamps,
and walking a list's pages to count what it shows."""

import re
import uuid
from datetime import datetime
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.support import factories

ROW = re.compile(r'id="shipment-row-(\d+)"')


@pytest.fixture()
def new_user(app):
    """new_user("Kurir", slug="demo") -> (email, user id): a fresh tenant user with that role, committed (in a
    test on the rolled-back `db`, into its transaction)."""
    from app.extensions import db
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug

    def make(role: str, slug: str = "demo") -> tuple[str, int]:
        with app.app_context(), all_tenants():
            user = factories.create_user(tenant_by_slug(slug), role=role)
            db.session.commit()
            return user.email, user.id

    return make


@pytest.fixture()
def add_shipments(app):
    """add_shipments("demo", [dict(created_at=..., status=..., courier_id=...), ...]) -> ids."""
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import tenant_scope
    from app.tenancy.services import tenant_by_slug

    def make(slug: str, rows: list[dict]) -> list[int]:
        with app.app_context():
            tenant = tenant_by_slug(slug)
            with tenant_scope(tenant.id):
                made = []
                for row in rows:
                    values = dict(
                        tracking_number=f"DSH{uuid.uuid4().hex[:12].upper()}",
                        sender_name="Dash Sender",
                        sender_phone="0812000000",
                        sender_address="Jl. A",
                        sender_city="31.71",
                        receiver_name="Dash Receiver",
                        receiver_phone="0813000000",
                        receiver_address="Jl. B",
                        receiver_city="32.73",
                        status="ready_pickup",
                        total_weight=Decimal("2.5"),
                        created_at=datetime(2026, 1, 1),
                    )
                    values.update(row)
                    shipment = Shipment(**values)
                    db.session.add(shipment)
                    made.append(shipment)
                db.session.flush()
                ids = [s.id for s in made]
                db.session.commit()
                return ids

    return make


def listed_ids(client, url: str) -> set[int]:
    """Every shipment id the list shows at `url`, following its "next page" cursor."""
    ids: set[int] = set()
    page_url = url + ("&" if "?" in url else "?") + "per_page=100"
    for _ in range(200):
        html = client.get(page_url).get_data(as_text=True)
        ids |= {int(found) for found in ROW.findall(html)}
        match = re.search(r'id="page-next" href="([^"]*)"', html)
        if not match:
            return ids
        page_url = match.group(1).replace("&amp;", "&")
    raise AssertionError("list did not end")


def signed_in(app, email: str):
    return login(app, email)
