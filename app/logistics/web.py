"""Small helpers the logistics views share: the signed-in tenant, 404s."""

import sqlalchemy as sa
from flask import abort, g

from app.core.query_plans import fixed_plan
from app.extensions import db
from app.tenancy.models import Tenant


def current_tenant() -> Tenant:
    return db.session.get(Tenant, g.user.tenant_id)


def scoped_or_404(model, row_id, *options, where=None):
    """Fetch through a query (so the central tenant scope applies), never the identity map; `where`
    narrows further (a row rule such as the shipment list's). A lookup by key: planned once."""
    stmt = fixed_plan(sa.select(model).where(model.id == row_id).options(*options))
    if where is not None:
        stmt = stmt.where(where)
    row = db.session.execute(stmt).unique().scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def field_errors(errors: dict) -> dict:
    return {key: str(message) for key, message in errors.items()}
