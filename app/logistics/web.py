"""Small helpers the logistics views share: the signed-in tenant (404s: app/core/rows.py)."""

from flask import g

from app.extensions import db
from app.tenancy.models import Tenant


def current_tenant() -> Tenant:
    return db.session.get(Tenant, g.user.tenant_id)
