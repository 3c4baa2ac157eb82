"""Tagihan & Piutang: partial payments, the status derived from the due date (a frozen WIB today),
age buckets oldest first, the WhatsApp link, and the reminder job sending each reminder once."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.logistics.finance import receivables
from app.logistics.finance.models import BELUM_LUNAS, JATUH_TEMPO, LUNAS, Receivable
from app.tenancy.context import tenant_scope

TODAY = date(2026, 12, 7)


def debt(amount="1000000", issued="2026-11-01", due="2026-12-07", name="Toko Sumber Rejeki", **changes):
    values = dict(
        debtor_kind="customer",
        debtor_name=name,
        debtor_phone="0812-3456-7890",
        debtor_email="",
        amount=amount,
        issued_on=issued,
        due_on=due,
        note="",
    )
    values.update(changes)
    return receivables.ReceivableInput(**values)


def remind(today):
    """The periodic job's work for `today`, as the job sees it (every tenant)."""
    from app.tenancy.context import all_tenants

    with all_tenants():
        return receivables.send_due_reminders(today)


@pytest.fixture()
def pro(create_tenant):
    from tests.support.factories import owner_of

    tenant = create_tenant(plan="pro")
    return tenant, owner_of(tenant)


def test_status_comes_from_payments_and_the_due_date_of_a_frozen_today(db, pro):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        item = receivables.create_receivable(tenant, owner, debt(due="2026-12-07"))
        assert receivables.receivable_status(item, TODAY) == BELUM_LUNAS  # due today: not yet late
        assert receivables.receivable_status(item, date(2026, 12, 8)) == JATUH_TEMPO
        receivables.add_receivable_payment(tenant, owner, item, amount="400.000", paid_on="2026-12-01", method="tunai")
        assert (receivables.paid_amount(item), receivables.remaining(item)) == (400_000, 600_000)
        assert receivables.receivable_status(item, date(2026, 12, 8)) == JATUH_TEMPO
        with pytest.raises(FieldError) as caught:
            receivables.add_receivable_payment(
                tenant, owner, item, amount="600001", paid_on="2026-12-08", method="tunai"
            )
        assert "amount" in caught.value.errors
        receivables.add_receivable_payment(tenant, owner, item, amount="600000", paid_on="2026-12-08", method="qris")
        assert receivables.receivable_status(item, date(2027, 6, 1)) == LUNAS


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("due_on", {"due": "2026-10-01"}),
        ("amount", {"amount": "0"}),
        ("debtor_name", {"name": " "}),
        ("debtor_phone", {"debtor_phone": "12ab"}),
        ("debtor_email", {"debtor_email": "bukan-email"}),
        ("debtor_kind", {"debtor_kind": "vendor"}),
    ],
)
def test_a_bad_debt_is_refused_and_nothing_is_written(db, pro, field, changes):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        with pytest.raises(FieldError) as caught:
            receivables.create_receivable(tenant, owner, debt(**changes))
        assert field in caught.value.errors
        assert db.session.execute(sa.select(sa.func.count()).select_from(Receivable)).scalar() == 0


def test_oldest_first_with_age_buckets_and_totals_of_the_rows(db, pro):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        for due, amount in (("2026-08-01", "400000"), ("2026-12-20", "100000"), ("2026-10-20", "250000")):
            receivables.create_receivable(tenant, owner, debt(amount=amount, issued="2026-07-01", due=due))
        rows = receivables.receivable_rows(tenant.id, TODAY)
        assert [r.receivable.due_on.isoformat() for r in rows] == ["2026-08-01", "2026-10-20", "2026-12-20"]
        assert [r.age_days for r in rows] == [128, 48, 0]
        assert receivables.aging(rows) == {"0-30": 100_000, "31-60": 250_000, "61-90": 0, "> 90": 400_000}
        assert sum(receivables.aging(rows).values()) == sum(r.left for r in rows)
        overdue = receivables.receivable_rows(tenant.id, TODAY, status=JATUH_TEMPO)
        assert len(overdue) == 2


def test_the_whatsapp_link_carries_the_reminder_text(db, pro):
    tenant, owner = pro
    with tenant_scope(tenant.id, owner.id):
        item = receivables.create_receivable(tenant, owner, debt())
        link = receivables.whatsapp_link(item, "PT Kirim")
        assert link.startswith("https://wa.me/6281234567890?text=")
        assert "Rp%201.000.000" in link and "PT%20Kirim" in link


def test_reminders_go_out_before_and_on_the_due_date_once_and_only_when_on(db, pro, monkeypatch):
    from app.notifications import services as notifications

    tenant, owner = pro
    sent = []
    monkeypatch.setattr(notifications, "deliver_mails", lambda mails, **kw: sent.extend(m.to for m in mails))
    with tenant_scope(tenant.id, owner.id):
        item = receivables.create_receivable(tenant, owner, debt(due="2026-12-10", debtor_email="toko@example.com"))
        receivables.create_receivable(tenant, owner, debt(due="2026-12-10"))  # no e-mail: WhatsApp only
    assert remind(TODAY) == 0  # the tenant's setting is off
    with tenant_scope(tenant.id, owner.id):
        receivables.save_reminder_settings(tenant, owner, reminders_on=True, days_before="3")
    assert remind(TODAY) == 1
    assert remind(TODAY) == 0  # a doubled tick sends nothing twice
    assert remind(date(2026, 12, 9)) == 0
    assert remind(date(2026, 12, 10)) == 1
    with tenant_scope(tenant.id, owner.id):
        receivables.add_receivable_payment(tenant, owner, item, amount="1000000", paid_on="2026-12-10", method="tunai")
    assert sent == ["toko@example.com", "toko@example.com"]
    with pytest.raises(FieldError):
        receivables.save_reminder_settings(tenant, owner, reminders_on=True, days_before="0")
