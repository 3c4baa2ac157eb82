import uuid

import pytest

from tests.conftest import DEMO_PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture()
def scoped(app):
    """An app context acting for every tenant (like vendor staff); rolled back afterwards."""
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        yield db.session
        db.session.rollback()


@pytest.fixture()
def make_user(app):
    """make_user(tenant_id=None, role="Vendor Support") -> a new committed user with a unique e-mail."""

    def make(tenant_id=None, role="Vendor Support", active=True):
        from app.extensions import db

        sm = app.appbuilder.sm
        email = f"u{uuid.uuid4().hex[:8]}@{'vendor' if tenant_id is None else 't'}.test"
        user = sm.add_user(email, "Agent", email[:8], email, sm.find_role(role), password=DEMO_PASSWORD)
        user.tenant_id = tenant_id
        user.active = active
        db.session.commit()
        return user

    return make
