"""The vendor changes a client's plan and extends its period from the client page, with a reason kept."""

from datetime import timedelta

import sqlalchemy as sa

from app.audit.models import ActivityLog
from app.billing.clients import subscription_of
from app.billing.models import Invoice
from app.billing.payment_models import PlanChange
from app.core.formatting import jakarta_today
from app.tenancy.context import all_tenants

ADMIN = "admin@vendor.test"
VIEWER = "viewer@vendor.test"


def _history(db, tenant, action):
    with all_tenants():
        rows = db.session.execute(
            sa.select(ActivityLog.summary).where(ActivityLog.tenant_id == tenant.id, ActivityLog.action == action)
        )
        return rows.scalars().all()


def test_upgrade_now_issues_the_prorated_invoice_and_keeps_the_reason(db, create_tenant, client_as):
    tenant = create_tenant(plan="pro", days_left=14)
    answer = client_as(ADMIN).post(
        f"/billing/clients/{tenant.id}/plan", data={"plan": "business", "reason": "Minta via telepon"}
    )
    assert answer.status_code == 302 and "/billing/invoices/" in answer.headers["Location"]
    with all_tenants():
        change = db.session.execute(sa.select(PlanChange).where(PlanChange.tenant_id == tenant.id)).scalar_one()
        invoice = db.session.get(Invoice, change.invoice_id)
    assert change.kind == "upgrade" and invoice is not None and invoice.total > 0
    assert any("Minta via telepon" in summary for summary in _history(db, tenant, "plan_change_by_vendor"))
    page = client_as(ADMIN).get(f"/billing/clients/{tenant.id}").get_data(as_text=True)
    assert "Minta via telepon" in page  # in the client's history


def test_downgrade_is_scheduled_for_the_renewal(db, create_tenant, client_as):
    tenant = create_tenant(plan="business", days_left=10)
    answer = client_as(ADMIN).post(f"/billing/clients/{tenant.id}/plan", data={"plan": "pro", "reason": "Hemat"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/billing/clients/{tenant.id}#plan")
    with all_tenants():
        change = db.session.execute(sa.select(PlanChange).where(PlanChange.tenant_id == tenant.id)).scalar_one()
        assert change.kind == "downgrade" and subscription_of(tenant).plan.code == "business"


def test_no_reason_no_change(db, create_tenant, client_as):
    tenant = create_tenant(plan="pro", days_left=14)
    client_as(ADMIN).post(f"/billing/clients/{tenant.id}/plan", data={"plan": "business", "reason": "  "})
    client_as(ADMIN).post(f"/billing/clients/{tenant.id}/extend", data={"days": "7", "reason": ""})
    with all_tenants():
        changes = db.session.execute(sa.select(PlanChange).where(PlanChange.tenant_id == tenant.id)).all()
        assert changes == [] and subscription_of(tenant).period_end == jakarta_today() + timedelta(days=14)


def test_extend_the_period_with_a_reason(db, create_tenant, client_as):
    tenant = create_tenant(plan="pro", days_left=3)
    answer = client_as(ADMIN).post(
        f"/billing/clients/{tenant.id}/extend", data={"days": "10", "reason": "Transfer terlambat diproses bank"}
    )
    assert answer.status_code == 302
    with all_tenants():
        assert subscription_of(tenant).period_end == jakarta_today() + timedelta(days=13)
    assert any("Transfer terlambat" in s for s in _history(db, tenant, "period_extended_by_vendor"))
    for bad in ("0", "-3", "abc", "9999"):
        client_as(ADMIN).post(f"/billing/clients/{tenant.id}/extend", data={"days": bad, "reason": "x"})
    with all_tenants():
        assert subscription_of(tenant).period_end == jakarta_today() + timedelta(days=13)


def test_a_viewer_sees_no_plan_actions_and_cannot_post_them(db, create_tenant, client_as):
    tenant = create_tenant(plan="pro", days_left=14)
    viewer = client_as(VIEWER)
    page = viewer.get(f"/billing/clients/{tenant.id}").get_data(as_text=True)
    assert "change-plan-form" not in page and "extend-form" not in page
    answer = viewer.post(f"/billing/clients/{tenant.id}/extend", data={"days": "10", "reason": "x"})
    assert answer.status_code in (302, 403)
    with all_tenants():
        assert subscription_of(tenant).period_end == jakarta_today() + timedelta(days=14)
    assert "change-plan-form" in client_as(ADMIN).get(f"/billing/clients/{tenant.id}").get_data(as_text=True)


def test_plan_changes_and_extensions_read_in_words_in_the_history(app, db, create_tenant):
    from tests.support.staff import in_indonesian

    tenant = create_tenant(plan="pro", days_left=3)
    admin = in_indonesian(app, ADMIN)
    admin.post(f"/billing/clients/{tenant.id}/plan", data={"plan": "business", "reason": "Cabang baru"})
    admin.post(f"/billing/clients/{tenant.id}/extend", data={"days": "10", "reason": "Bank terlambat"})
    page = admin.get(f"/billing/clients/{tenant.id}").get_data(as_text=True)
    assert "Paket diubah" in page and "Periode berbayar diperpanjang" in page
    assert "plan_change_by_vendor" not in page and "period_extended_by_vendor" not in page
    assert "mulai sekarang: Cabang baru" in page and "Plan upgrade" not in page
