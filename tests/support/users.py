"""A user of its own for a test that signs out or changes a password: that ends every session of the user
(app/security/sessions.py), and the shared demo logins (client_as) are cached for the whole run."""

import uuid
from contextlib import contextmanager

import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD


@contextmanager
def own_user(app, tenant_slug: str, role: str, prefix: str = "own"):
    """Yields the e-mail of a new user of the tenant with the role and DEMO_PASSWORD; deleted after."""
    from app.extensions import db
    from app.security.models import TenantUser
    from app.tenancy.services import tenant_by_slug

    email = f"{prefix}-{uuid.uuid4().hex[:8]}@{tenant_slug}.test"
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(email, prefix.title(), "Uji", email, sm.find_role(role), password=DEMO_PASSWORD)
        user.tenant_id = tenant_by_slug(tenant_slug).id
        db.session.commit()
    try:
        yield email
    finally:
        with app.app_context():
            table = TenantUser.__table__
            db.session.execute(sa.delete(table).where(table.c.email == email))
            db.session.commit()
