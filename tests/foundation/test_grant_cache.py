"""Grants are cached per process (app/security/grants.py), yet a role change counts on the next request.

The changes below are made the way another process would make them (a separate connection, committed),
so nothing in this process can have told the cache: only the per-request fingerprint check can.
"""

from contextlib import contextmanager

import sqlalchemy as sa

VIEWER = "viewer@demo.test"
PAGE = "/shipments/"


def _ids(app, role: str, permission: str, view: str) -> tuple[int, int]:
    """(role id, permission-view id)."""
    from app.extensions import db

    with app.app_context():
        row = db.session.execute(
            sa.text(
                "SELECT r.id, pv.id FROM ab_role r, ab_permission_view pv"
                " JOIN ab_permission p ON p.id = pv.permission_id JOIN ab_view_menu v ON v.id = pv.view_menu_id"
                " WHERE r.name = :role AND p.name = :permission AND v.name = :view"
            ),
            {"role": role, "permission": permission, "view": view},
        ).one()
        return row[0], row[1]


def _run(app, *statements: str, **params) -> None:
    """The statements in one transaction of their own, committed."""
    from app.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        for sql in statements:
            connection.execute(sa.text(sql), params)


@contextmanager
def _revoked(app, role: str, permission: str, view: str):
    """The grant removed from the role (committed elsewhere), and given back afterwards."""
    role_id, pv_id = _ids(app, role, permission, view)
    _run(
        app, "DELETE FROM ab_permission_view_role WHERE role_id = :r AND permission_view_id = :pv", r=role_id, pv=pv_id
    )
    try:
        yield role_id
    finally:
        _run(
            app,
            "INSERT INTO ab_permission_view_role (permission_view_id, role_id) VALUES (:pv, :r)",
            r=role_id,
            pv=pv_id,
        )


def test_revoking_and_granting_take_effect_on_the_next_request(app, client_as):
    client = client_as(VIEWER)
    assert client.get(PAGE).status_code == 200  # the Viewer's grants are now cached
    with _revoked(app, "Viewer", "can_read", "Shipment"):
        assert client.get(PAGE).status_code == 403
    assert client.get(PAGE).status_code == 200


def test_a_grant_replaced_by_another_is_noticed(app, client_as):
    """One grant removed and another added in one transaction: same number of rows, new content."""
    client = client_as(VIEWER)
    assert client.get(PAGE).status_code == 200
    assert client.get("/shipments/new").status_code == 403
    role_id, read_id = _ids(app, "Viewer", "can_read", "Shipment")
    _, write_id = _ids(app, "Admin", "can_write", "Shipment")
    swap = (
        "DELETE FROM ab_permission_view_role WHERE role_id = :r AND permission_view_id = :old",
        "INSERT INTO ab_permission_view_role (permission_view_id, role_id) VALUES (:new, :r)",
    )
    _run(app, *swap, r=role_id, old=read_id, new=write_id)
    try:
        assert client.get(PAGE).status_code == 403
        assert client.get("/shipments/new").status_code == 200
    finally:
        _run(app, *swap, r=role_id, old=write_id, new=read_id)
    assert client.get(PAGE).status_code == 200
    assert client.get("/shipments/new").status_code == 403


def test_taking_a_role_away_from_the_user_counts_on_the_next_request(app, client_as):
    from app.extensions import db
    from app.security.models import TenantUser

    client = client_as(VIEWER)
    assert client.get(PAGE).status_code == 200
    with app.app_context():
        user_id = db.session.execute(sa.select(TenantUser.id).where(TenantUser.email == VIEWER)).scalar_one()
    role_id, _ = _ids(app, "Viewer", "can_read", "Shipment")
    _run(app, "DELETE FROM ab_user_role WHERE user_id = :u AND role_id = :r", u=user_id, r=role_id)
    try:
        assert client.get(PAGE).status_code == 403
    finally:
        _run(app, "INSERT INTO ab_user_role (user_id, role_id) VALUES (:u, :r)", u=user_id, r=role_id)
    assert client.get(PAGE).status_code == 200


def test_a_role_edited_through_the_security_manager_counts_on_the_next_request(app, client_as):
    """The path the role editing screens take (FAB's security manager, this process's session)."""
    from app.extensions import db

    client = client_as(VIEWER)
    assert client.get(PAGE).status_code == 200
    with app.app_context():
        sm = app.appbuilder.sm
        role, grant = sm.find_role("Viewer"), sm.find_permission_view_menu("can_read", "Shipment")
        sm.del_permission_role(role, grant)
        db.session.commit()
    try:
        assert client.get(PAGE).status_code == 403
    finally:
        with app.app_context():
            sm.add_permission_role(sm.find_role("Viewer"), sm.find_permission_view_menu("can_read", "Shipment"))
            db.session.commit()
    assert client.get(PAGE).status_code == 200


def test_a_module_switched_off_elsewhere_counts_on_the_next_request(app, client_as, tenant):
    """The tenant's modules are read with the grants (not cached): the vendor's switch-off counts at once."""
    client = client_as(VIEWER)
    assert client.get(PAGE).status_code == 200
    demo_id = tenant("demo").id
    _run(app, "DELETE FROM tenant_module WHERE tenant_id = :t AND module_code = 'shipments'", t=demo_id)
    try:
        assert client.get(PAGE).status_code == 403
    finally:
        _run(
            app,
            "INSERT INTO tenant_module (tenant_id, module_code, enabled_at)"
            " VALUES (:t, 'shipments', CURRENT_TIMESTAMP)",
            t=demo_id,
        )
    assert client.get(PAGE).status_code == 200


def test_an_expiry_set_elsewhere_counts_on_the_next_request(app, client_as, tenant):
    """The host tenant comes with the user on every request (not cached): the expiry lock counts at once."""
    client = client_as("admin@demo.test")
    assert client.get("/shipments/new").status_code == 200
    demo = tenant("demo")
    _run(app, "UPDATE tenant SET subscription_state = 'expired' WHERE id = :t", t=demo.id)
    try:
        assert client.get("/shipments/new").status_code == 403
        assert client.get(PAGE).status_code == 200
    finally:
        _run(app, "UPDATE tenant SET subscription_state = :s WHERE id = :t", s=demo.subscription_state, t=demo.id)
    assert client.get("/shipments/new").status_code == 200
