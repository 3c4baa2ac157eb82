"""The tenant's Langganan page: plan, meters, invoices; paying an open invoice after expiry unlocks the
tenant (the pay route works while writes are locked)."""

from datetime import timedelta

import sqlalchemy as sa

from app.billing import lifecycle
from app.billing.clients import subscription_of
from app.billing.payment_models import SubscriptionInvoice
from app.extensions import db
from app.tenancy.context import all_tenants
from app.tenancy.services import is_read_only, tenant_by_slug
from tests.signup.conftest import pay_in_sandbox, poll_status
from tests.signup.test_journey import land


def _signed_in_pro_tenant(app, signup):
    client, identity = signup("lg")
    client.post("/daftar/plan", data={"plan": "pro"})
    checkout = poll_status(app, client, "checkout")
    client.post(checkout["next"], data={"outcome": "paid"})
    return land(app, client, poll_status(app, client, "active")), identity


def test_page_shows_plan_meters_and_invoices(app, signup):
    tenant_client, identity = _signed_in_pro_tenant(app, signup)
    page = tenant_client.get("/langganan/").get_data(as_text=True)
    assert 'id="plan-name">Pro<' in page
    assert "User accounts: 1 / 10" in page and "Shipments this period: 0 / 500" in page
    assert "expired-banner" not in page


def test_pay_after_expiry_unlocks(app, signup):
    tenant_client, identity = _signed_in_pro_tenant(app, signup)
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        end = subscription_of(tenant).period_end
        lifecycle.create_renewal_invoices(end - timedelta(days=7), only=[tenant.id])
        lifecycle.expire_subscriptions(end + timedelta(days=1), only=[tenant.id])
        db.session.commit()
        invoice_id = db.session.execute(
            sa.select(SubscriptionInvoice.invoice_id).where(
                SubscriptionInvoice.tenant_id == tenant.id, SubscriptionInvoice.kind == "renewal"
            )
        ).scalar_one()
        assert is_read_only(tenant)
    page = tenant_client.get("/langganan/").get_data(as_text=True)
    assert "expired-banner" in page
    paid = pay_in_sandbox(app, tenant_client, tenant_client.post(f"/langganan/pay/{invoice_id}"))
    assert paid.headers["Location"].endswith("/langganan/")
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        assert not is_read_only(tenant) and subscription_of(tenant).status == "active"
    assert "expired-banner" not in tenant_client.get("/langganan/").get_data(as_text=True)


def test_other_tenants_orders_and_invoices_are_not_reachable(app, signup, client_as):
    tenant_client, identity = _signed_in_pro_tenant(app, signup)
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        invoice_id = db.session.execute(
            sa.select(SubscriptionInvoice.invoice_id).where(SubscriptionInvoice.tenant_id == tenant.id)
        ).scalar_one()
    other = client_as("owner@demo.test")
    assert other.post(f"/langganan/pay/{invoice_id}").status_code == 404
    assert other.get(f"/langganan/invoice/{invoice_id}/pdf").status_code == 404


def test_an_expired_tenant_without_a_renewal_invoice_renews_from_the_page(app, signup):
    tenant_client, identity = _signed_in_pro_tenant(app, signup)
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        end = subscription_of(tenant).period_end
        lifecycle.expire_subscriptions(end + timedelta(days=1), only=[tenant.id])  # the H-7 invoice never came
        db.session.commit()
        assert is_read_only(tenant)
    page = tenant_client.get("/langganan/").get_data(as_text=True)
    assert 'id="renew-pay"' in page
    first = tenant_client.post("/langganan/renew")
    again = tenant_client.post("/langganan/renew")  # a second click: the same invoice, a new checkout
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        renewals = db.session.execute(
            sa.select(SubscriptionInvoice).where(
                SubscriptionInvoice.tenant_id == tenant.id, SubscriptionInvoice.kind == "renewal"
            )
        ).scalars()
        (renewal,) = renewals
        assert renewal.invoice.outstanding > 0 and renewal.plan.code == "pro"
    assert first.status_code == 302 and "order=" in first.headers["Location"]
    pay_in_sandbox(app, tenant_client, again)
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        assert not is_read_only(tenant) and subscription_of(tenant).status == "active"
    assert 'id="renew-pay"' not in tenant_client.get("/langganan/").get_data(as_text=True)
    nothing = tenant_client.post("/langganan/renew", follow_redirects=True)  # running again: nothing to renew
    assert nothing.status_code == 200 and "order=" not in nothing.request.url
