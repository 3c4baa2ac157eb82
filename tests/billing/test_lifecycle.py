"""Subscription lifecycle at its day boundaries (WIB): renewal invoice at H-7 (once), reminders at
H-7/H-3/H0/H+3 (once each, e-mail + bell), expiry makes the tenant read-only, a payment after expiry
reactivates it; the user-account quota."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.billing import lifecycle, payments
from app.billing.catalogue import plan_by_code
from app.billing.clients import ClientProfile, Owner, open_client, subscription_of
from app.billing.gateways import PaymentUpdate
from app.billing.payment_models import SubscriptionInvoice, SubscriptionReminder
from app.core.formatting import jakarta_today
from app.extensions import db
from app.jobs.models import JobRun
from app.notifications.models import Notification
from app.tenancy import services as tenancy
from app.tenancy.context import all_tenants

PERIOD_END = date(2031, 1, 15)


@pytest.fixture()
def pro_tenant(app):
    """A Pro client whose period ends on PERIOD_END (far from every other test's dates)."""
    with app.app_context(), all_tenants():
        tag = uuid.uuid4().hex[:8]
        profile = ClientProfile(name=f"PT Siklus {tag}", client_type="logistik", email=f"own-{tag}@siklus.example")
        tenant, _user = open_client(
            profile,
            plan=plan_by_code("pro"),
            slug=f"siklus-{tag}",
            owner=Owner(email=profile.email, full_name="Sari Siklus", password="Siklus#Pass2026x"),
            today=PERIOD_END - timedelta(days=30),
            actor_id=None,
        )
        subscription_of(tenant).period_end = PERIOD_END
        db.session.commit()
        yield tenant.id
        db.session.rollback()


def _renewals(tenant_id):
    return (
        db.session.execute(
            sa.select(SubscriptionInvoice).where(
                SubscriptionInvoice.tenant_id == tenant_id, SubscriptionInvoice.kind == "renewal"
            )
        )
        .scalars()
        .all()
    )


def test_wib_day_boundary():
    assert jakarta_today(datetime(2031, 1, 7, 16, 59, tzinfo=UTC)) == date(2031, 1, 7)
    assert jakarta_today(datetime(2031, 1, 7, 17, 0, tzinfo=UTC)) == date(2031, 1, 8)


def test_renewal_invoice_seven_days_before_once(app, pro_tenant):
    with app.app_context(), all_tenants():
        assert lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=8), only=[pro_tenant]) == 0
        assert lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant]) == 1
        assert lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=6), only=[pro_tenant]) == 0
        (link,) = _renewals(pro_tenant)
        assert link.for_period_end == PERIOD_END and link.invoice.due_date == PERIOD_END
        assert link.invoice.total > 0


def test_reminders_at_h7_h3_h0_h3_once_each(app, pro_tenant):
    with app.app_context(), all_tenants():
        sent = {}
        for offset in range(-8, 5):
            today = PERIOD_END + timedelta(days=offset)
            if offset == 1:
                lifecycle.expire_subscriptions(today, only=[pro_tenant])
            sent[offset] = lifecycle.send_reminders(today, only=[pro_tenant])
            assert lifecycle.send_reminders(today, only=[pro_tenant]) == 0  # twice the same day: once
        assert {k for k, v in sent.items() if v} == {-7, -3, 0, 3}
        kinds = (
            db.session.execute(sa.select(SubscriptionReminder.kind).where(SubscriptionReminder.tenant_id == pro_tenant))
            .scalars()
            .all()
        )
        assert sorted(kinds) == ["h+3", "h-3", "h-7", "h0"]
        mails = (
            db.session.execute(
                sa.select(JobRun).where(JobRun.tenant_id == pro_tenant, JobRun.name == "app.jobs.tasks.send_email")
            )
            .scalars()
            .all()
        )
        assert len(mails) == 4
        bells = db.session.execute(sa.select(Notification).where(Notification.title.like("Your subscription%"))).all()
        assert bells


def test_expiry_locks_and_payment_after_expiry_reactivates(app, pro_tenant):
    with app.app_context(), all_tenants():
        tenant = db.session.get(tenancy.Tenant, pro_tenant)
        assert lifecycle.expire_subscriptions(PERIOD_END, only=[pro_tenant]) == 0  # H0: still active
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        assert lifecycle.expire_subscriptions(PERIOD_END + timedelta(days=1), only=[pro_tenant]) == 1
        assert lifecycle.expire_subscriptions(PERIOD_END + timedelta(days=1), only=[pro_tenant]) == 0
        assert tenant.subscription_state == "expired" and tenancy.is_read_only(tenant)
        (link,) = _renewals(pro_tenant)
        order = payments.new_order(link.invoice, "sandbox")
        outcome, _ = payments.apply_update(PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_1", None))
        assert outcome == "paid"
        db.session.commit()
        assert tenant.subscription_state == "active" and not tenancy.is_read_only(tenant)
        sub = subscription_of(tenant)
        assert sub.status == "active" and sub.period_end == jakarta_today() + timedelta(days=30)


def test_payment_before_the_end_extends_the_period(app, pro_tenant):
    with app.app_context(), all_tenants():
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        (link,) = _renewals(pro_tenant)
        order = payments.new_order(link.invoice, "sandbox")
        payments.apply_update(PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_2", None))
        assert subscription_of(link.invoice.tenant).period_end == PERIOD_END + timedelta(days=30)


def test_free_plan_renews_by_itself(app):
    with app.app_context(), all_tenants():
        tag = uuid.uuid4().hex[:8]
        profile = ClientProfile(name=f"PT Gratis {tag}", client_type="umkm", email=f"g-{tag}@gratis.example")
        tenant, _ = open_client(
            profile,
            plan=plan_by_code("free"),
            slug=f"gratis-{tag}",
            owner=Owner(email=profile.email, full_name="Gita", password="Gratis#Pass2026x"),
            today=PERIOD_END - timedelta(days=30),
            actor_id=None,
        )
        subscription_of(tenant).period_end = PERIOD_END
        lifecycle.expire_subscriptions(PERIOD_END + timedelta(days=1), only=[tenant.id])
        assert tenant.subscription_state == "active"
        assert subscription_of(tenant).period_end == PERIOD_END + timedelta(days=31)
        db.session.rollback()


def test_user_account_quota(app, client_as):
    with app.app_context(), all_tenants():
        tag = uuid.uuid4().hex[:8]
        profile = ClientProfile(name=f"PT Kuota {tag}", client_type="umkm", email=f"k-{tag}@kuota.example")
        tenant, _ = open_client(
            profile,
            plan=plan_by_code("free"),
            slug=f"kuota-{tag}",
            owner=Owner(email=profile.email, full_name="Kiki", password="Kuota#Pass2026x"),
            today=jakarta_today(),
            actor_id=None,
        )
        tenancy.check_user_quota(tenant)  # 1 of 3
        tenant.user_quota = 1
        with pytest.raises(tenancy.QuotaExceeded, match="allows 1 user accounts"):
            tenancy.check_user_quota(tenant)
        tenant.user_quota = None
        tenancy.check_user_quota(tenant)
        db.session.rollback()


def test_user_quota_holds_on_the_user_form(app, client_as):
    from app.security.models import TenantUser

    with app.app_context(), all_tenants():
        tag = uuid.uuid4().hex[:8]
        profile = ClientProfile(name=f"PT Penuh {tag}", client_type="umkm", email=f"p-{tag}@penuh.example")
        tenant, _ = open_client(
            profile,
            plan=plan_by_code("free"),
            slug=f"penuh-{tag}",
            owner=Owner(email=profile.email, full_name="Putri", password="Penuh#Pass2026x"),
            today=jakarta_today(),
            actor_id=None,
        )
        tenant.user_quota = 1
        db.session.commit()
        tenant_id = tenant.id
        role_id = app.appbuilder.sm.find_role("Admin").id
    email = f"extra-{tag}@penuh.example"
    response = client_as("admin@vendor.test").post(
        "/users/add",
        data={
            "first_name": "Extra",
            "last_name": "User",
            "username": email,
            "email": email,
            "tenant": str(tenant_id),
            "active": "y",
            "roles": [str(role_id)],
            "password": "Extra#Pass2026x",
            "conf_password": "Extra#Pass2026x",
        },
        follow_redirects=True,
    )
    assert "allows 1 user accounts" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).first() is None
