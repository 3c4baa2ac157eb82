"""A vendor admin builds a "Support sees only tickets" role in FAB's security screens, end to end."""

import uuid

import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD, login


def test_custom_role_with_ticket_read_only(app, client_as):
    from app.extensions import db

    admin = client_as("admin@vendor.test")
    suffix = uuid.uuid4().hex[:6]
    with app.app_context():
        sm = app.appbuilder.sm
        perm = sm.find_permission_view_menu("can_read", "VendorTicket")
        menu = sm.find_permission_view_menu("menu_access", "Tickets")
        bell = sm.find_permission_view_menu("can_read", "Notification")
        ids = [str(p.id) for p in (perm, menu, bell)]
    response = admin.post("/roles/add", data={"name": f"Ticket Reader {suffix}", "permissions": ids})
    assert response.status_code == 302
    with app.app_context():
        role = app.appbuilder.sm.find_role(f"Ticket Reader {suffix}")
        assert role is not None and len(role.permissions) == 3
        role_id = role.id
    email = f"reader{suffix}@vendor.test"
    response = admin.post(
        "/users/add",
        data={
            "first_name": "Reader",
            "last_name": suffix,
            "username": email,
            "email": email,
            "active": "y",
            "password": DEMO_PASSWORD,
            "conf_password": DEMO_PASSWORD,
            "roles": [str(role_id)],
            "tenant": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    with app.app_context():
        from app.security.models import TenantUser

        assert db.session.execute(sa.select(TenantUser.tenant_id).filter_by(email=email)).scalar_one() is None

    reader = login(app, email)
    assert reader.get("/vendor/tickets/").status_code == 200
    page = reader.get("/vendor/tickets/?q=TKT-000001").get_data(as_text=True)
    detail = page.split('href="/vendor/tickets/')[1].split('"')[0]
    assert reader.get(f"/vendor/tickets/{detail}").status_code == 200
    assert reader.post(f"/vendor/tickets/{detail}/note", data={"body": "x"}).status_code == 403
    for path in (
        "/vendor/ticket-stats/",
        "/vendor/helpdesk/sla/list/",
        "/vendor/notifications/",
        "/users/list/",
        "/roles/list/",
    ):
        status = reader.get(path).status_code
        assert status == 403 if path != "/vendor/ticket-stats/" else status == 200, path
    assert reader.get("/notifications/summary").status_code == 200
