"""Subscription lifecycle at its day boundaries (WIB): renewal invoice at H-7 (once), reminders at
H-7/H-3/H0/H+3 (once each, e-mail + bell), expiry makes the tenant read-only, a payment after expiry
reactivates it; the user-account quota."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.billing import lifecycle, payments
from app.billing.catalogue import plan_by_code
from app.billing.clients import subscription_of
from app.billing.gateways import PaymentUpdate
from app.billing.models import Plan
from app.billing.payment_models import SubscriptionInvoice, SubscriptionReminder
from app.core.formatting import jakarta_today
from app.core.validation import FieldError
from app.extensions import db
from app.jobs.models import JobRun
from app.notifications.models import Notification
from app.tenancy import services as tenancy
from app.tenancy.context import all_tenants

PERIOD_END = date(2031, 1, 15)


@pytest.fixture()
def pro_tenant(db, create_tenant):
    """A Pro client whose period ends on PERIOD_END (far from every other test's dates); rolled back after."""
    tenant = create_tenant(plan="pro", today=PERIOD_END - timedelta(days=30), period_end=PERIOD_END)
    db.session.commit()
    return tenant.id


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
        assert sub.status == "active" and sub.period_end == jakarta_today() + timedelta(days=29)  # 30 days


def test_payment_before_the_end_extends_the_period(app, pro_tenant):
    with app.app_context(), all_tenants():
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        (link,) = _renewals(pro_tenant)
        order = payments.new_order(link.invoice, "sandbox")
        payments.apply_update(PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_2", None))
        assert subscription_of(link.invoice.tenant).period_end == PERIOD_END + timedelta(days=30)


def test_renewal_paid_by_hand_in_two_parts_extends_the_period_once_complete(app, pro_tenant, client_as):
    with app.app_context(), all_tenants():
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        (link,) = _renewals(pro_tenant)
        invoice_id, total = link.invoice_id, int(link.invoice.total)
        db.session.commit()
    finance = client_as("finance@vendor.test")
    first = total // 2
    for amount in (first, total - first):
        with app.app_context(), all_tenants():
            tenant = db.session.get(tenancy.Tenant, pro_tenant)
            assert subscription_of(tenant).period_end == PERIOD_END  # not yet paid in full
        response = finance.post(
            f"/billing/payments/invoice/{invoice_id}",
            data={"method": "transfer", "paid_at": jakarta_today().isoformat(), "amount": str(amount)},
        )
        assert response.status_code == 302
    with app.app_context(), all_tenants():
        tenant = db.session.get(tenancy.Tenant, pro_tenant)
        assert subscription_of(tenant).period_end == PERIOD_END + timedelta(days=30)


def test_free_plan_renews_by_itself(app, db, create_tenant):
    tenant = create_tenant(client_type="umkm", today=PERIOD_END - timedelta(days=30), period_end=PERIOD_END)
    with all_tenants():
        lifecycle.expire_subscriptions(PERIOD_END + timedelta(days=1), only=[tenant.id])
        assert tenant.subscription_state == "active"
        assert subscription_of(tenant).period_end == PERIOD_END + timedelta(days=30)  # 30 days from the day after


def test_user_account_quota(db, create_tenant):
    tenant = create_tenant(client_type="umkm")
    with all_tenants():
        tenancy.check_user_quota(tenant)  # 1 of 3
        tenant.user_quota = 1
        with pytest.raises(tenancy.QuotaExceeded, match="allows 1 user accounts"):
            tenancy.check_user_quota(tenant)
        tenant.user_quota = None
        tenancy.check_user_quota(tenant)


def test_user_quota_holds_on_the_user_form(app, client_as, db, create_tenant):
    from app.security.models import TenantUser

    tenant = create_tenant(client_type="umkm")
    with all_tenants():
        tenant.user_quota = 1
        db.session.commit()
        tenant_id = tenant.id
        role_id = app.appbuilder.sm.find_role("Admin").id
    email = f"extra-{tenant.slug}@penuh.example"
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


# --- plan changes: proration and the billing side ---------------------------------------------------
PRO, BUSINESS = Decimal(299_000), Decimal(999_000)


@pytest.mark.parametrize(
    ("days_before_end", "days", "charge"),
    [
        (29, 30, Decimal(700_000)),  # first day of a 30-day period: the whole difference
        (14, 15, Decimal(350_000)),  # middle
        (0, 1, Decimal(23_333)),  # last day: 700.000 / 30 = 23.333,33
        (-1, 0, Decimal(0)),  # the period is over
    ],
)
def test_proration_start_middle_last_day(days_before_end, days, charge):
    today = date(2031, 3, 10)
    assert lifecycle.remaining_days(today + timedelta(days=days_before_end), today) == days
    assert lifecycle.prorated_charge(PRO, BUSINESS, days) == charge


def test_proration_rounds_half_up_to_whole_rupiah():
    assert lifecycle.prorated_charge(Decimal(0), PRO, 1) == Decimal(9_967)  # 9.966,67
    assert lifecycle.prorated_charge(Decimal(0), Decimal(45), 1) == Decimal(2)  # 1,5 -> 2
    assert lifecycle.prorated_charge(Decimal(0), Decimal(15), 1) == Decimal(1)  # 0,5 -> 1
    assert lifecycle.prorated_charge(Decimal(0), Decimal(14), 1) == Decimal(0)  # 0,47 -> 0


def test_proration_counts_days_in_wib():
    """The same UTC evening is still the period's last day at 16:59 UTC and the next day at 17:00 (WIB 00:00)."""
    period_end = date(2031, 1, 15)
    before = jakarta_today(datetime(2031, 1, 15, 16, 59, tzinfo=UTC))
    after = jakarta_today(datetime(2031, 1, 15, 17, 0, tzinfo=UTC))
    assert lifecycle.remaining_days(period_end, before) == 1
    assert lifecycle.remaining_days(period_end, after) == 0
    early = jakarta_today(datetime(2031, 1, 5, 16, 59, tzinfo=UTC))  # 5 Jan 23:59 WIB: 11 days incl. today
    assert lifecycle.prorated_charge(PRO, BUSINESS, lifecycle.remaining_days(period_end, early)) == Decimal(256_667)


def _subscription(tenant_id):
    return subscription_of(db.session.get(tenancy.Tenant, tenant_id))


def test_upgrade_invoice_is_prorated_and_paying_it_switches_at_once(app, pro_tenant):
    with app.app_context(), all_tenants():
        today = PERIOD_END - timedelta(days=14)
        change = lifecycle.request_upgrade(_subscription(pro_tenant), plan_by_code("business"), today, None)
        assert change.status == "pending" and change.invoice.subtotal == Decimal(350_000)
        assert change.invoice.total > change.invoice.subtotal  # PPN as on every subscription invoice
        assert _subscription(pro_tenant).plan.code == "pro"
        order = payments.new_order(change.invoice, "sandbox")
        outcome, _ = payments.apply_update(PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_u", None))
        assert outcome == "paid"
        sub = _subscription(pro_tenant)
        assert sub.plan.code == "business" and sub.period_end == PERIOD_END
        assert sub.tenant.shipment_quota is None and sub.tenant.user_quota is None
        assert change.status == "applied"


def test_upgrade_paid_reissues_an_open_renewal_for_the_new_plan(app, pro_tenant):
    with app.app_context(), all_tenants():
        today = PERIOD_END - timedelta(days=5)
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        (old,) = _renewals(pro_tenant)
        old_invoice = old.invoice
        change = lifecycle.request_upgrade(_subscription(pro_tenant), plan_by_code("business"), today, None)
        lifecycle.settle(_link_of(change.invoice_id), today)
        (renewal,) = _renewals(pro_tenant)
        assert renewal.plan.code == "business" and renewal.invoice.subtotal == BUSINESS
        assert old_invoice.cancelled and old_invoice.outstanding == 0


def _link_of(invoice_id):
    return db.session.execute(
        sa.select(SubscriptionInvoice).where(SubscriptionInvoice.invoice_id == invoice_id)
    ).scalar_one()


def test_renewal_invoice_bills_the_scheduled_downgrade_and_the_period_end_switches(app, pro_tenant):
    with app.app_context(), all_tenants():
        free = plan_by_code("free")
        today = PERIOD_END - timedelta(days=10)
        change = lifecycle.schedule_downgrade(_subscription(pro_tenant), free, today, None)
        assert lifecycle.scheduled_plan(_subscription(pro_tenant)) == free
        assert lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant]) == 0  # Free: none
        assert lifecycle.send_reminders(PERIOD_END - timedelta(days=7), only=[pro_tenant]) == 0
        assert lifecycle.expire_subscriptions(PERIOD_END + timedelta(days=1), only=[pro_tenant]) == 0  # not locked
        lifecycle.apply_downgrade(change, PERIOD_END + timedelta(days=1))
        sub = _subscription(pro_tenant)
        assert sub.plan == free and sub.status == "active" and sub.period_end == PERIOD_END + timedelta(days=30)
        assert sub.tenant.shipment_quota == 100 and sub.tenant.user_quota == 3


def test_downgrade_after_the_renewal_invoice_reissues_it_and_cancel_restores_it(app, pro_tenant):
    with app.app_context(), all_tenants():
        today = PERIOD_END - timedelta(days=6)
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        (pro_renewal,) = _renewals(pro_tenant)
        pro_invoice = pro_renewal.invoice
        change = lifecycle.schedule_downgrade(_subscription(pro_tenant), plan_by_code("free"), today, None)
        assert pro_invoice.cancelled and _renewals(pro_tenant) == []  # Free renews without an invoice
        lifecycle.cancel_downgrade(change, today, None)
        (again,) = _renewals(pro_tenant)
        assert change.status == "cancelled" and again.plan.code == "pro" and again.invoice.outstanding > 0


def test_a_downgrade_whose_renewal_is_paid_cannot_be_cancelled(app, pro_tenant):
    with app.app_context(), all_tenants():
        today = PERIOD_END - timedelta(days=8)
        pro = _subscription(pro_tenant).plan
        business = plan_by_code("business")
        _subscription(pro_tenant).plan = business  # a Business client going down to Pro
        change = lifecycle.schedule_downgrade(_subscription(pro_tenant), pro, today, None)
        lifecycle.create_renewal_invoices(PERIOD_END - timedelta(days=7), only=[pro_tenant])
        (renewal,) = _renewals(pro_tenant)
        assert renewal.invoice.subtotal == PRO
        order = payments.new_order(renewal.invoice, "sandbox")
        payments.apply_update(PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_r", None))
        sub = _subscription(pro_tenant)
        assert sub.plan == business and sub.period_end == PERIOD_END + timedelta(days=30)  # switches at the end
        with pytest.raises(FieldError, match="already paid"):
            lifecycle.cancel_downgrade(change, today, None)


def test_paying_the_renewal_first_withdraws_the_upgrade_priced_for_the_old_period(app, pro_tenant):
    with app.app_context(), all_tenants():
        today = PERIOD_END - timedelta(days=7)
        change = lifecycle.request_upgrade(_subscription(pro_tenant), plan_by_code("business"), today, None)
        lifecycle.create_renewal_invoices(today, only=[pro_tenant])
        (renewal,) = _renewals(pro_tenant)
        order = payments.new_order(renewal.invoice, "sandbox")
        payments.apply_update(PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_w", None))
        assert change.status == "withdrawn" and change.invoice.cancelled
        assert _subscription(pro_tenant).plan.code == "pro"
        late = payments.new_order(change.invoice, "sandbox")  # a checkout page still open somewhere
        outcome, _ = payments.apply_update(PaymentUpdate(late.order_id, "paid", int(late.amount), "sbx_l", None))
        assert outcome == "invoice_cancelled" and _subscription(pro_tenant).plan.code == "pro"


def test_an_upgrade_that_costs_nothing_for_the_days_left_switches_at_once(app, pro_tenant):
    with app.app_context(), all_tenants():
        near = Plan(code=f"p{uuid.uuid4().hex[:8]}", name="Pro Plus", price=299_010, shipment_quota=600, user_quota=12)
        db.session.add(near)
        db.session.flush()
        change = lifecycle.request_upgrade(_subscription(pro_tenant), near, PERIOD_END, None)  # 10 / 30 -> Rp 0
        sub = _subscription(pro_tenant)
        assert change.status == "applied" and change.invoice is None
        assert sub.plan == near and sub.tenant.shipment_quota == 600 and sub.period_end == PERIOD_END
