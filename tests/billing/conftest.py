import uuid

import pytest


@pytest.fixture()
def vendor_scope(app):
    """An app context acting as vendor staff across all tenants; rolled back afterwards."""
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        yield db.session
        db.session.rollback()


@pytest.fixture()
def unique():
    return lambda prefix="t": f"{prefix}-{uuid.uuid4().hex[:8]}"
