"""The one "the row this user may see, or 404" (Redash's `get_object_or_404`).

The row is read through a query, so the central tenant scope (app/tenancy/scoping.py) applies and
another tenant's id is a 404 like a missing one; `where` narrows further by a row rule (a Kurir's own
shipments).
"""

import sqlalchemy as sa
from flask import abort

from app.extensions import db


def get_or_404(model, row_id, *options, where=None):
    stmt = sa.select(model).where(model.id == row_id).options(*options)
    if where is not None:
        stmt = stmt.where(where)
    row = db.session.execute(stmt).unique().scalar_one_or_none()
    if row is None:
        abort(404)
    return row
