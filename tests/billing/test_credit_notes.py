"""Credit notes through the services: cancelling rules, their own gap-free numbers (also under concurrent
use), and a cancelled invoice that no payment path can pay: by hand, a gateway webhook or a replay."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.billing import payments
from app.billing.credit_notes import issue_credit_note
from app.billing.gateways import PaymentUpdate
from app.billing.invoices import add_payment, create_invoice, status_condition
from app.billing.models import CreditNote, Invoice, InvoiceCounter, Payment
from app.billing.payment_models import PaymentWebhook
from app.core.validation import FieldError
from app.tenancy.services import tenant_by_slug
from tests.billing.test_services import TODAY, _draft

CREDITED_ON = date(2081, 4, 2)


def _credit(invoice, reason="Salah tagih", today=CREDITED_ON):
    return issue_credit_note(invoice.id, reason=reason, today=today, actor_id=None)


def _pay(invoice, amount):
    return add_payment(
        invoice.id, method="transfer", paid_at=TODAY, amount=Decimal(amount), reference="", today=TODAY, actor_id=None
    )


def _credit_notes_of(session, invoice):
    return session.execute(sa.select(sa.func.count(CreditNote.id)).where(CreditNote.invoice_id == invoice.id)).scalar()


def test_credit_note_cancels_the_invoice_with_its_own_numbers(vendor_scope):
    first = create_invoice(_draft(tenant_by_slug("demo")), today=TODAY, actor_id=None)
    second = create_invoice(_draft(tenant_by_slug("demo")), today=TODAY, actor_id=None)
    invoice_number_before = vendor_scope.get(InvoiceCounter, "2026").last_seq

    note = _credit(first, reason="  Klien   salah paket  ")
    assert note.number == "CN/2081/IV/0001" and note.amount == first.total == 222_000
    assert note.reason == "Klien salah paket" and note.tenant_id == first.tenant_id
    assert _credit(second).number == "CN/2081/IV/0002"
    assert vendor_scope.get(InvoiceCounter, "2026").last_seq == invoice_number_before  # invoices count apart
    assert vendor_scope.get(InvoiceCounter, "credit_note:2081").last_seq == 2

    assert first.status_on(TODAY) == "cancelled" and first.status_on(TODAY + timedelta(days=99)) == "cancelled"
    assert first.outstanding == 0

    def ids(status, today=TODAY):
        return set(vendor_scope.execute(sa.select(Invoice.id).where(status_condition(status, today))).scalars())

    assert {first.id, second.id} <= ids("cancelled")
    for status in ("unpaid", "paid"):
        assert not {first.id, second.id} & ids(status)
    assert not {first.id, second.id} & ids("overdue", TODAY + timedelta(days=99))


def test_invoice_with_payments_is_refused_and_the_refusal_uses_no_number(vendor_scope):
    partly = create_invoice(_draft(tenant_by_slug("contoh")), today=TODAY, actor_id=None)
    _pay(partly, 100_000)
    with pytest.raises(FieldError, match="already has payments of Rp 100.000"):
        _credit(partly)
    fully = create_invoice(_draft(tenant_by_slug("contoh")), today=TODAY, actor_id=None)
    _pay(fully, fully.total)
    with pytest.raises(FieldError, match="cannot be cancelled"):
        _credit(fully)
    assert _credit_notes_of(vendor_scope, partly) == _credit_notes_of(vendor_scope, fully) == 0
    assert partly.status_on(TODAY) == "partial" and fully.status_on(TODAY) == "paid"
    fresh = create_invoice(_draft(tenant_by_slug("contoh")), today=TODAY, actor_id=None)
    assert _credit(fresh).number == "CN/2081/IV/0001"  # gap-free: the refused ones took none


@pytest.mark.parametrize(
    ("reason", "message"), [("", "Give the reason"), ("   ", "Give the reason"), ("x" * 501, "at most 500")]
)
def test_a_reason_is_required(vendor_scope, reason, message):
    invoice = create_invoice(_draft(tenant_by_slug("demo")), today=TODAY, actor_id=None)
    with pytest.raises(FieldError, match=message):
        _credit(invoice, reason=reason)
    assert _credit_notes_of(vendor_scope, invoice) == 0


def test_unknown_invoice_is_refused(vendor_scope):
    with pytest.raises(FieldError, match="Unknown invoice"):
        issue_credit_note(999_999, reason="x", today=CREDITED_ON, actor_id=None)


def test_cancelled_invoice_is_not_credited_twice_nor_paid_by_hand(vendor_scope):
    invoice = create_invoice(_draft(tenant_by_slug("demo")), today=TODAY, actor_id=None)
    note = _credit(invoice)
    with pytest.raises(FieldError, match=f"cancelled by credit note {note.number}"):
        _credit(invoice)
    with pytest.raises(FieldError, match="cancelled by credit note"):
        _pay(invoice, 1)
    assert _credit_notes_of(vendor_scope, invoice) == 1
    assert vendor_scope.execute(sa.select(Payment.id).where(Payment.invoice_id == invoice.id)).first() is None
    assert invoice.paid_amount == 0 and invoice.status_on(TODAY) == "cancelled"


def test_gateway_paid_notification_does_not_pay_a_cancelled_invoice(vendor_scope):
    invoice = create_invoice(_draft(tenant_by_slug("demo")), today=TODAY, actor_id=None)
    order = payments.new_order(invoice, "sandbox")
    _credit(invoice)
    assert order.status == "expired"  # its checkout is closed with the invoice
    paid = PaymentUpdate(order.order_id, "paid", int(order.amount), "sbx_1", None)
    outcome, detail = payments.apply_update(paid)
    assert outcome == "invoice_cancelled" and "must be refunded" in detail
    assert payments.apply_update(paid)[0] == "invoice_cancelled"  # again: still nothing applied
    vendor_scope.refresh(invoice)
    assert invoice.paid_amount == 0 and invoice.status_on(TODAY) == "cancelled"
    assert vendor_scope.execute(sa.select(Payment.id).where(Payment.invoice_id == invoice.id)).first() is None


def test_signed_webhook_and_its_replay_leave_a_cancelled_invoice_unpaid(app, client_as, anon):
    from app.extensions import db
    from app.tenancy.context import all_tenants
    from tests.billing.gateways.fakes import sandbox_notification

    with app.app_context(), all_tenants():
        invoice = create_invoice(_draft(tenant_by_slug("contoh")), today=TODAY, actor_id=None)
        order = payments.new_order(invoice, "sandbox")
        order_id, amount, invoice_id = order.order_id, int(order.amount), invoice.id
        _credit(invoice)
        db.session.commit()
    headers, body = sandbox_notification(app.config["SECRET_KEY"], order_id, "paid", amount)
    response = anon().post("/payments/notify/sandbox", data=body, headers=headers)
    assert response.status_code == 200 and response.json == {"status": "invoice_cancelled"}
    with app.app_context():
        webhook_id = db.session.execute(
            sa.select(PaymentWebhook.id).where(PaymentWebhook.order_id == order_id)
        ).scalar_one()
    client_as("admin@vendor.test").post(f"/billing/webhooks/{webhook_id}/replay")
    with app.app_context(), all_tenants():
        outcomes = db.session.execute(
            sa.select(PaymentWebhook.outcome).where(PaymentWebhook.order_id == order_id).order_by(PaymentWebhook.id)
        )
        assert list(outcomes.scalars()) == ["invoice_cancelled", "invoice_cancelled"]
        invoice = db.session.get(Invoice, invoice_id)
        assert invoice.paid_amount == 0 and invoice.status_on(TODAY) == "cancelled"


def test_concurrent_credit_notes_are_gap_free_and_one_invoice_is_credited_once(app):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrency is measured on PostgreSQL")
    credited_on, threads_count, per_thread = date(2082, 6, 1), 8, 5
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug("contoh")
        invoices = [create_invoice(_draft(tenant), today=TODAY, actor_id=None) for _ in range(threads_count * 2)]
        db.session.commit()
        distinct, contested = [i.id for i in invoices[:threads_count]], [i.id for i in invoices[threads_count:]]
    start = threading.Barrier(threads_count, timeout=60)
    numbers, refused, errors = [], [], []

    def worker(own: int):
        start.wait()
        with app.app_context(), all_tenants():
            try:
                # every thread credits its own invoice, then all race for the same contested ones
                for invoice_id in [distinct[own], *contested[:per_thread]]:
                    try:
                        numbers.append(
                            issue_credit_note(invoice_id, reason="x", today=credited_on, actor_id=None).number
                        )
                        db.session.commit()
                    except FieldError:
                        db.session.rollback()
                        refused.append(invoice_id)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    expected = threads_count + per_thread
    assert len(numbers) == len(set(numbers)) == expected
    assert sorted(int(n.rsplit("/", 1)[1]) for n in numbers) == list(range(1, expected + 1))
    assert len(refused) == per_thread * (threads_count - 1)
    with app.app_context(), all_tenants():
        per_invoice = db.session.execute(
            sa.select(CreditNote.invoice_id, sa.func.count())
            .where(CreditNote.invoice_id.in_(distinct + contested[:per_thread]))
            .group_by(CreditNote.invoice_id)
        ).all()
        assert len(per_invoice) == expected and {count for _id, count in per_invoice} == {1}
