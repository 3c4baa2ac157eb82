"""The tenant data version (app/tenancy/freshness.py): it moves with every committed write to a
tenant's shipments, status events and users, and only then; what is cached under it (dashboard figures,
courier pickers, the shipment list's HTML and detail popups) is therefore never stale, even when the
write comes from another process, and never shown to a user who would see something else."""

from contextlib import contextmanager
from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.dashboards.conftest import signed_in
from tests.support.statements import recorded_statements


def version(app, slug: str) -> int:
    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT data_version FROM tenant WHERE slug = :s"), {"s": slug}).scalar_one()


@pytest.fixture()
def demo(app):
    """Run a function inside demo's tenant scope with a session of its own: (fn(session, tenant))."""
    from app.extensions import db
    from app.tenancy.context import tenant_scope
    from app.tenancy.services import tenant_by_slug

    def run(work):
        with app.app_context():
            tenant = tenant_by_slug("demo")
            with tenant_scope(tenant.id):
                return work(db.session, tenant)

    return run


def _shipment(tenant_id: int, **values):
    from app.logistics.shipments.models import Shipment

    defaults = dict(
        sender_name="Fresh Sender", sender_phone="0812000000", sender_address="Jl. A", sender_city="31.71",
        receiver_name="Fresh Receiver", receiver_phone="0813000000", receiver_address="Jl. B",
        receiver_city="32.73", status="ready_pickup", tenant_id=tenant_id,
    )  # fmt: skip
    return Shipment(**{**defaults, **values})


def test_version_moves_once_per_commit_that_writes_shipments_or_users(app, demo):
    from app.logistics.tariffs.models import Tariff
    from app.security.models import TenantUser

    before, other_before = version(app, "demo"), version(app, "contoh")

    def create(session, tenant):
        session.add_all([_shipment(tenant.id), _shipment(tenant.id)])
        session.flush()
        session.add(_shipment(tenant.id))  # pending at commit time: flushed by the commit itself
        session.commit()

    demo(create)
    assert version(app, "demo") == before + 1
    assert version(app, "contoh") == other_before

    def tariff_only(session, tenant):
        tariff = session.execute(sa.select(Tariff).limit(1)).scalar_one()
        tariff.price_per_kg += 1
        session.commit()

    demo(tariff_only)
    assert version(app, "demo") == before + 1

    def rolled_back(session, tenant):
        session.add(_shipment(tenant.id))
        session.flush()
        session.rollback()
        session.commit()

    demo(rolled_back)
    assert version(app, "demo") == before + 1

    def staff_change(session, tenant):
        user = session.execute(sa.select(TenantUser).where(TenantUser.email == "kurir@demo.test")).scalar_one()
        user.phone = "081234567890" if user.phone != "081234567890" else "081298765432"
        session.commit()

    demo(staff_change)
    assert version(app, "demo") == before + 2


def test_a_savepoint_rolled_back_keeps_the_outer_write_counted(app, demo):
    before = version(app, "demo")

    def work(session, tenant):
        session.add(_shipment(tenant.id))
        session.flush()
        with session.begin_nested() as savepoint:
            session.add(_shipment(tenant.id))
            session.flush()
            savepoint.rollback()
        session.commit()

    demo(work)
    assert version(app, "demo") == before + 1


@contextmanager
def _shipment_reads(app):
    """`with _shipment_reads(app) as seen:` -> seen() lists the statements run meanwhile that read shipments."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        yield lambda: [statement for statement in statements if "FROM shipment" in statement]


def issue_one(session, tenant):
    now = datetime.utcnow()
    session.add(_shipment(tenant.id, tracking_number="FRESH0001", created_at=now, issued_at=now))
    session.commit()


def test_dashboard_figures_are_cached_until_a_write_elsewhere_moves_the_version(app, new_user, demo):
    email, _ = new_user("Admin")
    client = signed_in(app, email)
    first = client.get("/dashboard/data").json["cards"]
    with _shipment_reads(app) as seen:
        assert client.get("/dashboard/data").json["cards"] == first
        assert seen() == []  # served from the cache: no statement read the shipments
        demo(issue_one)  # committed by "another process": a session of its own, nothing shared with the request
        after = client.get("/dashboard/data").json["cards"]
    assert seen(), "the write moved the version: the figures were computed again"
    assert after["today"] == first["today"] + 1
    assert after["month"] == first["month"] + 1


def test_the_same_figures_are_shared_only_by_users_who_see_the_same(app, new_user, add_shipments):
    admin_email, _ = new_user("Admin")
    kurir_email, kurir_id = new_user("Kurir")
    add_shipments("demo", [dict(courier_id=kurir_id, created_at=datetime.utcnow())])
    admin, kurir = signed_in(app, admin_email), signed_in(app, kurir_email)
    admin_cards = admin.get("/dashboard/data").json["cards"]
    kurir_cards = kurir.get("/dashboard/data").json["cards"]
    assert kurir_cards["today"] == 1 and "couriers" not in kurir_cards
    assert admin_cards["today"] >= 1 and "couriers" in admin_cards
    assert admin.get("/dashboard/data").json["cards"] == admin_cards


def test_courier_pickers_follow_a_deactivation_made_elsewhere(app, new_user, client_as, demo):
    from app.security.models import TenantUser

    _, courier_id = new_user("Kurir")
    client = client_as("admin@demo.test")
    option = f'<option value="{courier_id}"'
    assert option in client.get("/shipments/").get_data(as_text=True)
    assert option in client.get("/shipments/new").get_data(as_text=True)

    def deactivate(session, tenant):
        session.get(TenantUser, courier_id).active = False
        session.commit()

    demo(deactivate)
    assert option not in client.get("/shipments/").get_data(as_text=True)
    assert option not in client.get("/shipments/new").get_data(as_text=True)


def _new_shipment(tracking_number: str):
    def add(session, tenant):
        session.add(_shipment(tenant.id, tracking_number=tracking_number))
        session.commit()

    return add


def _status_event(shipment_id: int, status: str):
    def add(session, tenant):
        from app.logistics.shipments.models import Shipment, ShipmentStatusEvent

        shipment = session.get(Shipment, shipment_id)
        shipment.events.append(ShipmentStatusEvent(tenant_id=tenant.id, status=status, occurred_at=datetime.utcnow()))
        shipment.status = status
        session.commit()

    return add


def test_list_and_detail_html_is_served_again_until_a_write_elsewhere_moves_the_version(
    app, new_user, demo, add_shipments
):
    client = signed_in(app, new_user("Admin")[0])
    [pk] = add_shipments("demo", [dict(tracking_number="CACHED0001", sender_name="Cached Sender")])
    list_url, detail_url = "/shipments/?q=CACHED000", f"/shipments/{pk}/detail"
    assert "CACHED0001" in client.get(list_url).get_data(as_text=True)
    assert "Ready for pickup" in client.get(detail_url).get_data(as_text=True)
    with _shipment_reads(app) as seen:
        assert "CACHED0001" in client.get(list_url).get_data(as_text=True)
        assert "Ready for pickup" in client.get(detail_url).get_data(as_text=True)
        assert seen() == []  # both served from the cache: no statement read the shipments
        demo(_new_shipment("CACHED0002"))
        demo(_status_event(pk, "delivered"))
        listed = client.get(list_url).get_data(as_text=True)
        detail = client.get(detail_url).get_data(as_text=True)
    assert "CACHED0001" in listed and "CACHED0002" in listed
    assert "Delivered" in detail and "No status changes yet." not in detail


def test_cached_list_and_detail_html_is_not_shared_by_users_who_see_different_things(app, new_user, add_shipments):
    assigned_email, assigned_id = new_user("Kurir")
    assigned, other_kurir = signed_in(app, assigned_email), signed_in(app, new_user("Kurir")[0])
    admin, viewer = signed_in(app, new_user("Admin")[0]), signed_in(app, new_user("Viewer")[0])
    [pk] = add_shipments("demo", [dict(tracking_number="AUDIENCE01", courier_id=assigned_id)])
    url, detail_url = "/shipments/?q=AUDIENCE0", f"/shipments/{pk}/detail"

    def rows(client):
        return client.get(url).get_data(as_text=True).split('id="shipment-table"')[1]

    assert "AUDIENCE01" in rows(assigned)
    assert "AUDIENCE01" not in rows(other_kurir)  # same roles, same permissions: not assigned to this one
    assert assigned.get(detail_url).status_code == 200
    assert other_kurir.get(detail_url).status_code == 404
    admin_rows = rows(admin)
    assert "AUDIENCE01" in admin_rows and "btn-delete" in admin_rows
    viewer_rows = rows(viewer)  # the admin's rows, without their buttons
    assert "AUDIENCE01" in viewer_rows and "btn-delete" not in viewer_rows and "btn-edit" not in viewer_rows
    admin.get("/lang/id")
    assert "Siap dijemput" in admin.get(detail_url).get_data(as_text=True)
    assert "Siap dijemput" in rows(admin)
    assert "Ready for pickup" in rows(viewer)


def test_a_cache_bounded_by_size_empties_before_it_outgrows_its_bound(app):
    from app.core.caching import DeclaredCache

    cache, computed = DeclaredCache("test", key=lambda text: text[0], depends_on="", max_entries=10, max_bytes=10), []

    def html(text):
        return computed.append(text) or text

    with app.app_context():
        for text in ("a2345", "b7890", "a2345"):
            assert cache.get_or_compute(html, text) == text
        assert computed == ["a2345", "b7890"]  # 10 characters held: "a" came from the cache
        cache.get_or_compute(html, "c")  # 11 would be over: emptied, then kept
        cache.get_or_compute(html, "a2345")
    assert computed == ["a2345", "b7890", "c", "a2345"]
