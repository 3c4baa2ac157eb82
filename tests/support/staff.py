"""Building vendor roles and staff the way the Vendor Admin does: through the role editor and the staff screen."""

import uuid

import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD

ADMIN = "admin@vendor.test"


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def role_id(app, name: str) -> int:
    from flask_appbuilder.security.sqla.models import Role

    from app.extensions import db

    with app.app_context():
        return db.session.execute(sa.select(Role.id).where(Role.name == name)).scalar_one()


def role_pairs(app, name: str) -> set[tuple[str, str]]:
    with app.app_context():
        role = app.appbuilder.sm.find_role(name)
        return {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}


def create_role(admin, name: str, perms: list[str]):
    """POST the role editor's form: `perms` are matrix cells such as "can_read:VendorTicket"."""
    return admin.post("/vendor/roles/add", data={"name": name, "perm": perms})


def add_staff(admin, app, role: str, *, invite: bool = False, email: str | None = None):
    """Create a vendor staff member through the staff screen; returns (response, e-mail)."""
    email = email or f"staff-{uuid.uuid4().hex[:8]}@vendor.test"
    data = {"first_name": "Staf", "last_name": uuid.uuid4().hex[:6], "email": email, "roles": [str(role_id(app, role))]}
    if invite:
        data["send_invitation"] = "y"
    else:
        data.update(password=DEMO_PASSWORD, conf_password=DEMO_PASSWORD)
    return admin.post("/vendor/staff/add", data=data), email


def user_state(app, email: str) -> dict | None:
    """What the database holds about the user: id, tenant_id, active, username, role names."""
    from app.extensions import db
    from app.security.models import TenantUser

    with app.app_context():
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one_or_none()
        if user is None:
            return None
        return {
            "id": user.id,
            "tenant_id": user.tenant_id,
            "active": user.active,
            "username": user.username,
            "roles": sorted(role.name for role in user.roles),
        }


def in_indonesian(app, email: str):
    """A session of its own for `email`, in Indonesian: switching a shared signed-in client's language would
    change it for every later test."""
    from tests.conftest import login

    client = login(app, email)
    client.get("/lang/id")
    return client
