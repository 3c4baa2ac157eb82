"""Logistics test helpers: act inside one tenant's scope, build valid shipment input."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.support.factories import shipment_fields


@pytest.fixture()
def acting(app):
    """with acting("owner@demo.test") as (tenant, user): ... inside that tenant's scope, rolled back after.
    In a test that uses the `db` fixture its commits join the test's transaction, rolled back at the end."""
    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.context import tenant_scope
    from app.tenancy.models import Tenant

    @contextmanager
    def make(email: str):
        with app.app_context():
            user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
            tenant = db.session.get(Tenant, user.tenant_id)
            with tenant_scope(tenant.id, user.id):
                try:
                    yield tenant, user
                finally:
                    db.session.rollback()

    return make


def shipment_payload(**changes) -> dict:
    """A complete, valid shipment between two seeded tariff cities (Jakarta Pusat -> Bandung)."""
    return shipment_fields(**changes)


def as_form(payload: dict, action: str = "save") -> dict:
    form = {key: value for key, value in payload.items() if key != "items"}
    for index, item in enumerate(payload.get("items", [])):
        for key, value in item.items():
            form[f"items-{index}-{key}"] = value
    form["action"] = action
    return form


@pytest.fixture(autouse=True)
def test_route_tariffs(app):
    """The route shipment_payload() uses exists in both demo tenants (other tests may delete seeded rows)."""
    from app.extensions import db
    from app.logistics.tariffs.services import TariffInput, find_tariff, save_tariff
    from app.tenancy.context import tenant_scope
    from app.tenancy.services import tenant_by_slug

    with app.app_context():
        for slug in ("demo", "contoh"):
            tenant = tenant_by_slug(slug)
            with tenant_scope(tenant.id):
                if find_tariff("31.71", "32.73") is None:
                    save_tariff(TariffInput("31.71", "32.73", 10000, 2))
        db.session.commit()
