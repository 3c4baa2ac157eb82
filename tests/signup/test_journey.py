"""Over HTTP: register, confirm the OTP from the e-mail, choose a plan, pay (sandbox), land signed in."""

import sqlalchemy as sa

from app.billing.models import Invoice, Payment, Subscription
from app.extensions import db
from app.security.models import TenantUser
from app.signup.models import PendingRegistration
from app.tenancy.context import all_tenants
from app.tenancy.services import tenant_by_slug
from tests.conftest import client_on, tenant_host
from tests.signup.conftest import poll_status


def sign_in_link(client, state) -> str:
    """What the finish page's form does once active: POST, and the answer is the one-time sign-in link."""
    assert state["next"] == "/daftar/masuk"
    response = client.post(state["next"])
    assert response.status_code == 302
    return response.headers["Location"]


def land(app, client, state, link=None):
    """Follow the one-time sign-in link to the tenant's host; returns the signed-in client."""
    link = link or sign_in_link(client, state)
    path = link.split("localhost", 1)[1]
    tenant_client = client_on(app, link.split(path)[0])
    shown = tenant_client.get(path)  # the page with the button its script presses: nothing redeemed yet
    assert shown.status_code == 200 and 'id="signup-sign-in"' in shown.get_data(as_text=True)
    response = tenant_client.post(path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    return tenant_client


def test_nothing_but_a_pending_registration_before_the_otp(app, signup):
    client, identity = signup(verify=False)
    with app.app_context():
        assert tenant_by_slug(identity["slug"]) is None
        assert db.session.execute(sa.select(TenantUser).where(TenantUser.email == identity["email"])).first() is None
        pending = db.session.execute(
            sa.select(PendingRegistration).where(PendingRegistration.email == identity["email"])
        ).scalar_one()
        assert pending.verified_at is None and identity["password"] not in pending.password_hash
    assert client.get("/daftar/plan").headers["Location"].endswith("/daftar/otp")


def test_free_plan_activates_at_once_and_signs_in_on_the_subdomain(app, signup):
    client, identity = signup("fr")
    page = client.get("/daftar/plan").get_data(as_text=True)
    assert "Free" in page and "Pro" in page and "Business" in page
    response = client.post("/daftar/plan", data={"plan": "free"})
    assert response.headers["Location"].endswith("/daftar/finish")
    state = poll_status(app, client, "active")
    link = sign_in_link(client, state)
    assert f"{identity['slug']}.localhost" in link
    tenant_client = land(app, client, state, link)
    home = tenant_client.get("/")
    assert home.status_code == 200
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        assert tenant.subscription_state == "active" and tenant.shipment_quota == 100 and tenant.user_quota == 3
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == identity["email"])).scalar_one()
        assert user.tenant_id == tenant.id and [r.name for r in user.roles] == ["Super Admin"]
        sub = db.session.execute(sa.select(Subscription).where(Subscription.tenant_id == tenant.id)).scalar_one()
        assert sub.plan.code == "free" and sub.status == "active"
    # The token is single use.
    again = client_on(app, tenant_host(identity["slug"])).post(link.split("localhost", 1)[1])
    assert again.headers["Location"].endswith("/login/")
    # And the chosen password works on the normal sign-in.
    login = client_on(app, tenant_host(identity["slug"])).post(
        "/login/", data={"username": identity["email"], "password": identity["password"]}
    )
    assert login.status_code == 302 and "/login" not in login.headers["Location"]


def test_pro_plan_paid_in_the_sandbox(app, signup):
    client, identity = signup("sb")
    client.post("/daftar/plan", data={"plan": "pro"})
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        assert tenant.subscription_state == "expired"  # read-only until paid
    state = poll_status(app, client, "checkout")
    assert state["next"].startswith("/payments/sandbox/")
    assert client.get(state["next"]).status_code == 200
    response = client.post(state["next"], data={"outcome": "paid"})
    assert response.status_code == 302
    state = poll_status(app, client, "active")
    tenant_client = land(app, client, state)
    assert tenant_client.get("/").status_code == 200
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(identity["slug"])
        assert tenant.subscription_state == "active" and tenant.status == "active" and tenant.shipment_quota == 500
        invoice = db.session.execute(sa.select(Invoice).where(Invoice.tenant_id == tenant.id)).scalar_one()
        assert invoice.outstanding == 0
        payments = db.session.execute(sa.select(Payment).where(Payment.invoice_id == invoice.id)).scalars().all()
        assert len(payments) == 1 and payments[0].amount == invoice.total
        sub = db.session.execute(sa.select(Subscription).where(Subscription.tenant_id == tenant.id)).scalar_one()
        assert sub.plan.code == "pro" and sub.status == "active"


def test_failed_sandbox_payment_offers_another_try_with_a_new_order_id(app, signup):
    client, identity = signup("sf")
    client.post("/daftar/plan", data={"plan": "business"})
    first = poll_status(app, client, "checkout")
    client.post(first["next"], data={"outcome": "failed"})
    assert poll_status(app, client, "failed")
    client.post("/daftar/pay")
    second = poll_status(app, client, "checkout")
    assert second["order_id"] != first["order_id"]
    client.post(second["next"], data={"outcome": "paid"})
    poll_status(app, client, "active")
