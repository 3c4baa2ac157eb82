"""The factories and the rolled-back `db` fixture: what a test makes (and commits) is gone for the next test;
the session hooks that run at commit still run inside it; a test client request sees the test's rows."""

import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.billing.clients import subscription_of
from app.billing.models import Invoice
from app.helpdesk.models import Ticket
from app.logistics.settings.models import TenantSettings
from app.logistics.shipments.models import Shipment
from app.logistics.tariffs.models import Tariff
from app.security.models import TenantUser
from app.tenancy.context import all_tenants
from app.tenancy.models import Tenant
from tests.conftest import login, tenant_host
from tests.support.factories import owner_of

MADE = {}  # what the first test committed, checked by the next one


def _log_actions(db, shipment_id) -> list[str]:
    where = (ActivityLog.entity_type == "Shipment", ActivityLog.entity_id == str(shipment_id))
    return list(db.session.execute(sa.select(ActivityLog.action).where(*where)).scalars())


def test_factories_make_valid_objects_through_the_services_and_commit_inside_the_test(
    db, create_tenant, create_user, create_shipment, create_invoice, create_ticket
):
    tenant = create_tenant(plan="pro")
    courier = create_user(tenant, role="Kurir")
    staff = create_user(role="Vendor Support")
    shipment = create_shipment(tenant, sender_name="Pabrik Uji")
    invoice = create_invoice(tenant)
    ticket = create_ticket(tenant)
    db.session.commit()
    with all_tenants():
        version = db.session.get(Tenant, tenant.id).data_version
        assert subscription_of(tenant).plan.code == "pro" and tenant.user_quota == 10
        assert owner_of(tenant).roles[0].name == "Super Admin" and courier.tenant_id == tenant.id
        assert staff.tenant_id is None and staff.roles[0].name == "Vendor Support"
        assert db.session.execute(sa.select(TenantSettings).filter_by(tenant_id=tenant.id)).scalar_one()
        assert _log_actions(db, shipment.id) == ["create"]  # written by the commit's hook
        assert version > 0  # the commit moved the tenant's data version
    assert shipment.tracking_number and shipment.total_cost == 70_000  # 7 kg x the new route's Rp 10.000
    assert invoice.number.startswith("INV/") and invoice.total > invoice.subtotal  # VAT added
    assert ticket.number and ticket.tenant_id == tenant.id
    assert create_tenant().slug != create_tenant().slug
    MADE.update(
        slug=tenant.slug,
        emails=[owner_of(tenant).email, courier.email, staff.email],
        rows=[(Shipment, shipment.id), (Invoice, invoice.id), (Ticket, ticket.id)],
    )


def test_the_next_test_finds_none_of_it(app):
    assert MADE, "run with the test before it"
    from app.extensions import db

    with app.app_context(), all_tenants():
        assert db.session.execute(sa.select(Tenant).filter_by(slug=MADE["slug"])).first() is None
        assert db.session.execute(sa.select(TenantUser).where(TenantUser.email.in_(MADE["emails"]))).first() is None
        for model, row_id in MADE["rows"]:
            assert db.session.get(model, row_id) is None
        assert _log_actions(db, dict(MADE["rows"])[Shipment]) == []


def test_a_rollback_in_the_test_undoes_only_what_came_after_the_last_commit(db, create_tenant, create_tariff):
    tenant = create_tenant()
    db.session.commit()
    create_tariff(tenant, "31.71", "31.73")
    db.session.rollback()
    with all_tenants():
        assert db.session.get(Tenant, tenant.id) is not None
        assert db.session.execute(sa.select(Tariff).filter_by(tenant_id=tenant.id)).first() is None


def test_a_request_inside_the_test_sees_its_rows_and_its_writes_are_rolled_back_too(
    app, db, create_tenant, create_shipment
):
    tenant = create_tenant(plan="pro")
    shipment = create_shipment(tenant, sender_name="Dilihat Lewat HTTP")
    db.session.commit()
    client = login(app, tenant.email, host=tenant_host(tenant.slug))
    page = client.get(f"/shipments/{shipment.id}").get_data(as_text=True)
    assert shipment.tracking_number in page and "Dilihat Lewat HTTP" in page
    assert client.post(f"/shipments/{shipment.id}/delete").status_code == 302
    with all_tenants():
        gone = db.session.execute(sa.select(Shipment.id).filter_by(id=shipment.id)).first() is None
        assert gone  # the request's commit (its own app context and session), seen by the test


def test_a_courier_sees_the_shipment(db, create_tenant, create_user, create_shipment):
    """The README's example."""
    tenant = create_tenant(plan="pro")
    courier = create_user(tenant, role="Kurir")
    shipment = create_shipment(tenant, courier_id=courier.id)
    assert shipment.courier_id == courier.id and shipment.tracking_number


def test_another_thread_gets_a_connection_of_its_own_and_does_not_see_the_tests_rows(app, db, create_tenant):
    """A job run on a thread (no Redis) must not share the test's connection."""
    import threading

    slug = create_tenant().slug
    db.session.commit()
    seen = []

    def look():
        with app.app_context(), all_tenants():
            seen.append(db.session.execute(sa.select(Tenant.id).filter_by(slug=slug)).first())

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(30)
    assert seen == [None]
