"""A subscription period is exactly the plan's days (first and last WIB day included): the shipment quota
counts every shipment of the period, on the Langganan page and when issuing; expiry, renewal and the
upgrade's proration use the same days."""

import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.billing import lifecycle
from app.billing.catalogue import plan_by_code
from app.billing.clients import ClientProfile, Owner, open_client, subscription_of
from app.core.periods import wib_midnight_utc
from app.extensions import db
from app.logistics.shipments import services as shipments
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.tariffs.services import TariffInput, save_tariff
from app.signup import plan_changes
from app.signup.account import meters
from app.tenancy import services as tenancy
from app.tenancy.context import all_tenants, tenant_scope
from tests.logistics.conftest import shipment_payload

FIRST_DAY = date(2032, 3, 1)  # far from every other test's dates


def _client(plan_code: str, today: date = FIRST_DAY):
    tag = uuid.uuid4().hex[:8]
    profile = ClientProfile(name=f"PT Periode {tag}", client_type="logistik", email=f"p-{tag}@periode.example")
    owner = Owner(email=profile.email, full_name="Putri Periode", password="Periode#Pass2026x")
    return open_client(
        profile, plan=plan_by_code(plan_code), slug=f"periode-{tag}", owner=owner, today=today, actor_id=None
    )


def test_a_period_is_exactly_the_plans_days_for_display_expiry_and_renewal(app):
    with app.app_context(), all_tenants():
        tenant, _ = _client("pro")
        sub = subscription_of(tenant)
        days = sub.plan.period_days
        assert (sub.period_end - sub.started_on).days + 1 == days  # "active until" its last day, included
        last_day = FIRST_DAY + timedelta(days=days - 1)
        end = wib_midnight_utc(last_day + timedelta(days=1))
        assert not tenancy.is_read_only(tenant, end - timedelta(seconds=1))  # 23:59:59 WIB of the last day
        assert tenancy.is_read_only(tenant, end)  # 00:00 WIB the day after
        assert lifecycle.expire_subscriptions(last_day, only=[tenant.id]) == 0
        assert lifecycle.expire_subscriptions(last_day + timedelta(days=1), only=[tenant.id]) == 1
        lifecycle.extend_subscription(tenant, sub.plan, last_day + timedelta(days=3))  # paid late: restarts
        assert (sub.period_end - sub.started_on).days + 1 == days
        lifecycle.extend_subscription(tenant, sub.plan, sub.period_end - timedelta(days=2))  # renewed ahead
        assert (sub.period_end - sub.started_on).days + 1 == 2 * days
        db.session.rollback()


def test_a_day_one_upgrade_costs_the_price_difference_of_one_period_not_more(app):
    with app.app_context(), all_tenants():
        tenant, _ = _client("pro")
        pro, business = plan_by_code("pro"), plan_by_code("business")
        whole = Decimal(business.price) - Decimal(pro.price)
        (option,) = [o for o in plan_changes.options(tenant, FIRST_DAY) if o.plan == business]
        assert option.charge == whole
        change = lifecycle.request_upgrade(subscription_of(tenant), business, FIRST_DAY, None)
        assert change.invoice.subtotal == whole
        last_day = subscription_of(tenant).period_end
        (option,) = [o for o in plan_changes.options(tenant, last_day) if o.plan == business]
        assert option.charge == (whole / pro.period_days).quantize(Decimal(1))  # the last day: one day's worth
        db.session.rollback()


def test_the_proration_never_exceeds_a_whole_period():
    assert lifecycle.prorated_charge(0, 300000, 31, 30) == Decimal(300000)
    assert lifecycle.remaining_days(date(2032, 4, 1), date(2032, 3, 1), 30) == 30


@pytest.fixture()
def free_tenant(app):
    with app.app_context(), all_tenants():
        tenant, user = _client("free")
        with tenant_scope(tenant.id, user.id):
            save_tariff(TariffInput("31.71", "32.73", 10000, 2))
        db.session.commit()
        return tenant.id, user.id


def test_the_quota_counts_the_first_and_the_last_day_and_refuses_the_one_over(app, free_tenant):
    tenant_id, user_id = free_tenant
    first_morning = wib_midnight_utc(FIRST_DAY) + timedelta(minutes=30)  # 00:30 WIB: still the UTC day before
    with app.app_context(), tenant_scope(tenant_id, user_id):
        tenant = db.session.get(tenancy.Tenant, tenant_id)
        user = db.session.get(app.appbuilder.sm.user_model, user_id)
        quota = tenant.shipment_quota
        assert quota == 100
        data = ShipmentInput.from_mapping(shipment_payload())
        for _ in range(quota):
            shipments.issue(tenant, user, data, now=first_morning)
        (shipment_meter, _users) = meters(tenant, first_morning + timedelta(hours=1))
        assert (shipment_meter.used, shipment_meter.quota, shipment_meter.level) == (quota, quota, "full")
        with pytest.raises(shipments.QuotaExceeded):  # the 101st, on the first day
            shipments.issue(tenant, user, data, now=first_morning + timedelta(hours=1))
        last_evening = tenant.subscription_ends_at - timedelta(minutes=1)  # 23:59 WIB of the last day
        assert shipments.issued_in_period(tenant, last_evening) == quota
        with pytest.raises(shipments.QuotaExceeded):
            shipments.issue(tenant, user, data, now=last_evening)
        assert shipments.issued_in_period(tenant, tenant.subscription_ends_at) == 0  # the next period
        db.session.rollback()


def test_concurrent_issues_never_go_over_the_quota(app, free_tenant):
    tenant_id, user_id = free_tenant
    threads, quota = 6, 3
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrent writers: PostgreSQL (SQLite writes one at a time)")
        pool = db.engine.pool
        if hasattr(pool, "_max_overflow"):
            pool._max_overflow = max(pool._max_overflow, threads)
        with all_tenants():
            db.session.get(tenancy.Tenant, tenant_id).shipment_quota = quota
            db.session.commit()
    start, outcomes, lock = threading.Barrier(threads), [], threading.Lock()

    def work():
        with app.app_context(), tenant_scope(tenant_id, user_id):
            tenant = db.session.get(tenancy.Tenant, tenant_id)
            user = db.session.get(app.appbuilder.sm.user_model, user_id)
            data = ShipmentInput.from_mapping(shipment_payload())
            start.wait()
            try:
                shipments.issue(tenant, user, data)
                db.session.commit()
                outcome = "issued"
            except shipments.QuotaExceeded:
                db.session.rollback()
                outcome = "refused"
            except Exception as exc:  # noqa: BLE001 - reported below
                db.session.rollback()
                outcome = repr(exc)
            db.session.remove()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["issued"] * quota + ["refused"] * (threads - quota)
