"""Plan changes from the Langganan page: upgrade paid through the sandbox gateway's webhook, downgrade
scheduled for the renewal (refused over quota, checked again at the switch, cancellable), bad input, and
the invoice PDFs (own only)."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.billing import lifecycle
from app.billing.clients import apply_subscription, subscription_of
from app.billing.models import Invoice, Plan
from app.billing.payment_models import PlanChange, SubscriptionInvoice
from app.extensions import db
from app.notifications.models import Notification
from app.signup import plan_changes
from app.signup.account import over_quota
from app.tenancy.context import all_tenants
from app.tenancy.models import Tenant, utcnow
from app.tenancy.services import tenant_by_slug
from tests.conftest import login, tenant_host
from tests.signup.conftest import PASSWORD, pay_in_sandbox
from tests.support import factories


@pytest.fixture()
def make_tenant(app):
    """A client on `plan` whose period ends in `days_left` days, with `users` active accounts, and its
    Super Admin signed in on the company's host. Committed: the pages and the gateway's jobs read it."""

    def make(plan="pro", days_left=14, users=1):
        with app.app_context(), all_tenants():
            tenant = factories.create_tenant(plan=plan, days_left=days_left, owner_password=PASSWORD)
            add_users(tenant, users - 1)
            db.session.commit()
            ids = SimpleNamespace(id=tenant.id, slug=tenant.slug, email=tenant.email)
        ids.client = login(app, ids.email, PASSWORD, host=tenant_host(ids.slug))
        return ids

    return make


def add_users(tenant, count):
    for _ in range(count):
        factories.create_user(tenant, role="Viewer")


def state(app, tenant_id):
    """(plan code, shipment quota, user quota, period end, changes by status) as the database has them."""
    with app.app_context(), all_tenants():
        tenant = db.session.get(Tenant, tenant_id)
        sub = subscription_of(tenant)
        changes = db.session.execute(sa.select(PlanChange).where(PlanChange.tenant_id == tenant_id)).scalars()
        return SimpleNamespace(
            plan=sub.plan.code,
            quotas=(tenant.shipment_quota, tenant.user_quota),
            period_end=sub.period_end,
            changes=sorted(f"{c.kind}:{c.to_plan.code}:{c.status}" for c in changes),
        )


def count_rows(app, tenant_id):
    with app.app_context(), all_tenants():
        return tuple(
            db.session.execute(
                sa.select(sa.func.count()).select_from(model).where(model.tenant_id == tenant_id)
            ).scalar()
            for model in (PlanChange, Invoice, SubscriptionInvoice)
        )


def flashed(client) -> str:
    return client.get("/langganan/").get_data(as_text=True)


# --- upgrade ----------------------------------------------------------------------------------------
def test_upgrade_paid_through_the_gateway_switches_plan_and_quotas_at_once(app, make_tenant):
    t = make_tenant("pro", days_left=14)
    page = t.client.get("/langganan/").get_data(as_text=True)
    assert "Upgrade now for Rp 350.000 + VAT" in page and "remaining days (today included) / 30" in page
    before = state(app, t.id)
    response = t.client.post("/langganan/change", data={"plan": "business"})
    assert state(app, t.id).plan == "pro"  # not before it is paid
    pay_in_sandbox(app, t.client, response)
    after = state(app, t.id)
    assert after.plan == "business" and after.quotas == (None, None) and after.period_end == before.period_end
    assert after.changes == ["upgrade:business:applied"]
    with app.app_context(), all_tenants():
        change = db.session.execute(sa.select(PlanChange).where(PlanChange.tenant_id == t.id)).scalar_one()
        assert change.invoice.subtotal == Decimal(350_000) and change.invoice.outstanding == 0
        actions = set(db.session.execute(sa.select(ActivityLog.action).where(ActivityLog.tenant_id == t.id)).scalars())
        assert {"plan_change_requested", "plan_change_applied"} <= actions
    assert 'id="plan-name">Business<' in t.client.get("/langganan/").get_data(as_text=True)


def test_free_to_paid_is_an_upgrade(app, make_tenant):
    t = make_tenant("free", days_left=29)
    pay_in_sandbox(app, t.client, t.client.post("/langganan/change", data={"plan": "pro"}))
    assert state(app, t.id).plan == "pro" and state(app, t.id).quotas == (500, 10)


def test_asking_twice_for_the_same_upgrade_reuses_its_invoice(app, make_tenant):
    t = make_tenant("pro")
    t.client.post("/langganan/change", data={"plan": "business"})
    t.client.post("/langganan/change", data={"plan": "business"})
    assert count_rows(app, t.id)[0] == 1


def test_another_choice_withdraws_the_unpaid_upgrade_and_cancels_its_invoice(app, make_tenant):
    t = make_tenant("free")
    t.client.post("/langganan/change", data={"plan": "business"})
    t.client.post("/langganan/change", data={"plan": "pro"})
    assert state(app, t.id).changes == ["upgrade:business:withdrawn", "upgrade:pro:pending"]
    with app.app_context(), all_tenants():
        withdrawn = db.session.execute(
            sa.select(PlanChange).where(PlanChange.tenant_id == t.id, PlanChange.status == "withdrawn")
        ).scalar_one()
        assert withdrawn.invoice.cancelled


# --- downgrade --------------------------------------------------------------------------------------
def test_downgrade_is_refused_while_usage_is_above_the_smaller_quota(app, make_tenant):
    t = make_tenant("pro", users=4)
    before = count_rows(app, t.id)
    offer = t.client.get("/langganan/").get_data(as_text=True)
    free_row = offer[offer.index('value="free"') - 200 : offer.index('value="free"') + 400]
    assert 'type="submit" disabled' in free_row
    assert "User accounts: 4 in use, the Free plan allows 3" in free_row
    response = t.client.post("/langganan/change", data={"plan": "free"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You cannot move to Free while your usage is above its quotas" in page
    assert "User accounts: 4 in use, the Free plan allows 3" in page
    assert count_rows(app, t.id) == before and state(app, t.id).changes == []


def test_shipments_this_period_are_a_quota_too(app):
    with app.app_context(), all_tenants():
        demo = tenant_by_slug("demo")
        demo.subscription_ends_at = utcnow() + timedelta(days=5)  # a period with seeded shipments (rolled back)
        tiny = Plan(code="tiny", name="Tiny", price=0, shipment_quota=0, user_quota=None)
        (problem,) = over_quota(demo, tiny)
        assert str(problem.label) == "Shipments this period" and problem.used > 0
        assert "Shipments this period" in plan_changes.quota_problem(demo, tiny)
        db.session.rollback()


def test_downgrade_applies_at_the_renewal_by_the_periodic_job_once(app, make_tenant):
    t = make_tenant("business", days_left=10)
    response = t.client.post("/langganan/change", data={"plan": "pro"}, follow_redirects=True)
    assert "The change to Pro is scheduled for the next renewal." in response.get_data(as_text=True)
    assert 'id="pending-change"' in response.get_data(as_text=True)
    end = state(app, t.id).period_end
    with app.app_context(), all_tenants():
        lifecycle.create_renewal_invoices(end - timedelta(days=7), only=[t.id])
        renewal = db.session.execute(
            sa.select(SubscriptionInvoice).where(
                SubscriptionInvoice.tenant_id == t.id, SubscriptionInvoice.kind == "renewal"
            )
        ).scalar_one()
        assert renewal.plan.code == "pro" and renewal.invoice.subtotal == Decimal(299_000)
        assert plan_changes.process_due(end, only=[t.id]) == 0  # the last day: still Business
        db.session.commit()
    assert state(app, t.id).plan == "business"
    with app.app_context(), all_tenants():
        assert plan_changes.process_due(end + timedelta(days=1), only=[t.id]) == 1
        assert plan_changes.process_due(end + timedelta(days=1), only=[t.id]) == 0
        db.session.commit()
    after = state(app, t.id)
    assert after.plan == "pro" and after.quotas == (500, 10) and after.changes == ["downgrade:pro:applied"]


def test_usage_above_quota_at_the_switch_keeps_the_plan_and_tells_the_tenant(app, make_tenant):
    t = make_tenant("pro", days_left=10, users=3)
    t.client.post("/langganan/change", data={"plan": "free"})
    end = state(app, t.id).period_end
    with app.app_context(), all_tenants():
        add_users(db.session.get(Tenant, t.id), 2)  # 5 accounts now, Free allows 3
        assert plan_changes.process_due(end + timedelta(days=1), only=[t.id]) == 1
        db.session.commit()
        renewal = db.session.execute(
            sa.select(SubscriptionInvoice).where(
                SubscriptionInvoice.tenant_id == t.id, SubscriptionInvoice.kind == "renewal"
            )
        ).scalar_one()
        assert renewal.plan.code == "pro" and renewal.invoice.outstanding > 0  # the kept plan is billed
        told = db.session.execute(
            sa.select(Notification.body).where(Notification.title == "Your plan change was not applied")
        ).scalars()
        assert any("Your plan stays Pro: User accounts: 5 in use, the Free plan allows 3" in body for body in told)
    assert state(app, t.id).plan == "pro" and state(app, t.id).changes == ["downgrade:free:refused"]


def test_pending_downgrade_can_be_cancelled(app, make_tenant):
    t = make_tenant("business")
    t.client.post("/langganan/change", data={"plan": "free"})
    assert state(app, t.id).changes == ["downgrade:free:pending"]
    response = t.client.post("/langganan/change/cancel", follow_redirects=True)
    assert "The scheduled plan change was cancelled." in response.get_data(as_text=True)
    assert state(app, t.id).changes == ["downgrade:free:cancelled"] and state(app, t.id).plan == "business"
    with app.app_context(), all_tenants():
        assert plan_changes.process_due(state(app, t.id).period_end + timedelta(days=1), only=[t.id]) == 0


# --- bad input and who may -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"plan": "nope"}, "Choose a plan."),
        ({}, "Choose a plan."),
        ({"plan": "x" * 5000}, "Choose a plan."),
        ({"plan": "pro"}, "You are already on the Pro plan."),
    ],
)
def test_bad_change_requests_are_refused_with_a_message_and_write_nothing(app, make_tenant, data, message):
    t = make_tenant("pro")
    before = count_rows(app, t.id)
    response = t.client.post("/langganan/change", data=data, follow_redirects=True)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count_rows(app, t.id) == before


def test_cancel_without_a_pending_change_is_a_message(app, make_tenant):
    t = make_tenant("pro")
    response = t.client.post("/langganan/change/cancel", follow_redirects=True)
    assert response.status_code == 200 and "There is no scheduled plan change to cancel." in response.get_data(
        as_text=True
    )


def test_only_the_super_admin_changes_plans(app, client_as):
    admin = client_as("admin@demo.test")
    assert "plan-options" not in admin.get("/langganan/").get_data(as_text=True)
    assert admin.post("/langganan/change", data={"plan": "business"}).status_code == 403
    assert "plan-options" in client_as("owner@demo.test").get("/langganan/").get_data(as_text=True)


def test_an_expired_tenant_pays_first(app, make_tenant):
    t = make_tenant("pro")
    with app.app_context(), all_tenants():
        tenant = db.session.get(Tenant, t.id)
        subscription_of(tenant).status = "inactive"
        apply_subscription(tenant, subscription_of(tenant))
        db.session.commit()
    assert t.client.post("/langganan/change", data={"plan": "business"}).status_code == 403
    assert count_rows(app, t.id)[0] == 0


# --- invoices: PDF and pay --------------------------------------------------------------------------
def test_invoice_pdf_own_yes_other_tenants_no(app, make_tenant, client_as):
    t = make_tenant("free")
    t.client.post("/langganan/change", data={"plan": "pro"})
    with app.app_context(), all_tenants():
        invoice = db.session.execute(sa.select(Invoice).where(Invoice.tenant_id == t.id)).scalar_one()
        invoice_id, number = invoice.id, invoice.number
    page = t.client.get("/langganan/").get_data(as_text=True)
    assert f"/langganan/invoice/{invoice_id}/pdf" in page and number in page
    own = t.client.get(f"/langganan/invoice/{invoice_id}/pdf")
    assert own.status_code == 200 and own.mimetype == "application/pdf" and own.data.startswith(b"%PDF")
    assert number.replace("/", "-") in own.headers["Content-Disposition"]
    assert client_as("owner@demo.test").get(f"/langganan/invoice/{invoice_id}/pdf").status_code == 404
    assert client_as("owner@demo.test").post(f"/langganan/pay/{invoice_id}").status_code == 404
    assert client_as("kurir@demo.test").get(f"/langganan/invoice/{invoice_id}/pdf").status_code == 403
    assert t.client.get("/langganan/invoice/999999999/pdf").status_code == 404


def test_an_upgrade_unpaid_when_its_period_ends_is_withdrawn(app, make_tenant):
    t = make_tenant("pro", days_left=2)
    t.client.post("/langganan/change", data={"plan": "business"})
    assert "takes effect when invoice" in t.client.get("/langganan/").get_data(as_text=True)
    end = state(app, t.id).period_end
    with app.app_context(), all_tenants():
        assert plan_changes.process_due(end, only=[t.id]) == 0
        assert plan_changes.process_due(end + timedelta(days=1), only=[t.id]) == 1
        db.session.commit()
        change = db.session.execute(sa.select(PlanChange).where(PlanChange.tenant_id == t.id)).scalar_one()
        assert change.invoice.cancelled and change.invoice.outstanding == 0
    assert state(app, t.id).changes == ["upgrade:business:withdrawn"] and state(app, t.id).plan == "pro"
