"""Gateway payments over HTTP against local fakes of Midtrans and Xendit: signup journeys, notifications
built as documented, idempotency (100 posts -> 1 payment), out-of-order, bad signatures, amount check,
missed-webhook recovery, and the vendor's inbox with replay."""

import json

import sqlalchemy as sa

from app.billing.models import Invoice, Payment
from app.billing.payment_models import PaymentOrder, PaymentWebhook
from app.extensions import db
from app.tenancy.context import all_tenants
from app.tenancy.services import tenant_by_slug
from tests.billing.conftest import MIDTRANS_KEY, XENDIT_TOKEN
from tests.billing.gateways.fakes import (
    midtrans_notification,
    to_body,
    xendit_invoice_callback,
)
from tests.signup.conftest import poll_status


def _state(app, slug):
    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(slug)
        invoice = db.session.execute(sa.select(Invoice).where(Invoice.tenant_id == tenant.id)).scalar_one()
        payments = db.session.execute(sa.select(Payment).where(Payment.invoice_id == invoice.id)).scalars().all()
        orders = (
            db.session.execute(
                sa.select(PaymentOrder).where(PaymentOrder.invoice_id == invoice.id).order_by(PaymentOrder.id)
            )
            .scalars()
            .all()
        )
        return {
            "tenant_state": tenant.subscription_state,
            "outstanding": invoice.outstanding,
            "total": int(invoice.total),
            "payments": len(payments),
            "orders": [(o.order_id, o.status) for o in orders],
        }


def _webhooks(app, order_id):
    with app.app_context():
        rows = (
            db.session.execute(
                sa.select(PaymentWebhook).where(PaymentWebhook.order_id == order_id).order_by(PaymentWebhook.id)
            )
            .scalars()
            .all()
        )
        return [(w.outcome, w.http_status, w.verified) for w in rows]


def _midtrans_post(client, order_id, status, amount, **kw):
    payload = midtrans_notification(order_id, status, server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00", **kw)
    return client.post("/payments/notify/midtrans", data=to_body(payload), content_type="application/json")


def test_midtrans_signup_idempotent_and_never_back_to_unpaid(app, signup, midtrans):
    client, identity = signup("mt")
    client.post("/daftar/plan", data={"plan": "pro"})
    checkout = poll_status(app, client, "checkout")
    assert checkout["next"].startswith("https://app.sandbox.midtrans.com/snap/")
    sent = midtrans.requests[-1].json
    order_id, amount = checkout["order_id"], _state(app, identity["slug"])["total"]
    assert sent["transaction_details"] == {"order_id": order_id, "gross_amount": amount}

    # pending first, then settlement 100 times, then a late "expire": one payment, still paid.
    assert _midtrans_post(client, order_id, "pending", amount).status_code == 200
    midtrans.set_transaction(order_id, "settlement", gross_amount=f"{amount}.00")
    codes = {_midtrans_post(client, order_id, "settlement", amount).status_code for _ in range(100)}
    assert codes == {200}
    assert _midtrans_post(client, order_id, "expire", amount).status_code == 200
    state = _state(app, identity["slug"])
    assert state["payments"] == 1 and state["outstanding"] == 0 and state["tenant_state"] == "active"
    assert state["orders"] == [(order_id, "paid")]
    outcomes = [o for o, _, _ in _webhooks(app, order_id)]
    assert outcomes.count("paid") == 1 and outcomes.count("duplicate") == 100
    poll_status(app, client, "active")


def test_midtrans_bad_or_missing_signature_changes_nothing(app, signup, midtrans):
    client, identity = signup("mb")
    client.post("/daftar/plan", data={"plan": "pro"})
    order_id = poll_status(app, client, "checkout")["order_id"]
    amount = _state(app, identity["slug"])["total"]
    before = _state(app, identity["slug"])
    forged = _midtrans_post(client, order_id, "settlement", amount, signature_key="0" * 128)
    assert forged.status_code == 403
    payload = midtrans_notification(order_id, "settlement", server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00")
    payload.pop("signature_key")
    missing = client.post("/payments/notify/midtrans", data=json.dumps(payload), content_type="application/json")
    assert missing.status_code == 401
    # a correctly signed notice for another amount is stored but changes nothing either
    midtrans.set_transaction(order_id, "settlement", gross_amount=f"{amount - 1}.00")
    assert _midtrans_post(client, order_id, "settlement", amount - 1).status_code == 200
    assert _state(app, identity["slug"]) == before
    assert _webhooks(app, None) is not None
    with app.app_context():
        rows = db.session.execute(
            sa.select(PaymentWebhook.outcome, PaymentWebhook.http_status, PaymentWebhook.verified)
            .where(PaymentWebhook.body.contains(order_id))
            .order_by(PaymentWebhook.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("rejected", 403, False),
        ("rejected", 401, False),
        ("amount_mismatch", 200, True),
    ]


def test_midtrans_missed_webhook_recovers_through_the_status_poll(app, signup, midtrans):
    from datetime import timedelta

    from app.billing import payments
    from app.tenancy.models import utcnow

    client, identity = signup("mr")
    client.post("/daftar/plan", data={"plan": "pro"})
    order_id = poll_status(app, client, "checkout")["order_id"]
    amount = _state(app, identity["slug"])["total"]
    midtrans.set_transaction(order_id, "settlement", gross_amount=f"{amount}.00")
    with app.app_context(), all_tenants():
        payments.reconcile_pending(now=utcnow() + timedelta(minutes=5))
        db.session.commit()
    assert _webhooks(app, order_id) == [("paid", 200, True)]
    assert _state(app, identity["slug"])["payments"] == 1
    assert ("paid", 200, True) in _webhooks(app, order_id)
    poll_status(app, client, "active")


def test_xendit_signup_with_callback_token(app, signup, xendit):
    client, identity = signup("xd")
    client.post("/daftar/plan", data={"plan": "business"})
    checkout = poll_status(app, client, "checkout")
    assert checkout["next"].startswith("https://checkout-staging.xendit.co/web/")
    order_id, amount = checkout["order_id"], _state(app, identity["slug"])["total"]
    invoice = xendit.invoice_for(order_id)
    body = to_body(xendit_invoice_callback(order_id, "PAID", amount, invoice_id=invoice["id"]))
    wrong = client.post(
        "/payments/notify/xendit", data=body, content_type="application/json", headers={"x-callback-token": "nope"}
    )
    none = client.post("/payments/notify/xendit", data=body, content_type="application/json")
    assert (wrong.status_code, none.status_code) == (403, 401)
    assert _state(app, identity["slug"])["payments"] == 0
    xendit.set_invoice_status(invoice["id"], "PAID")
    for _ in range(3):
        ok = client.post(
            "/payments/notify/xendit",
            data=body,
            content_type="application/json",
            headers={"x-callback-token": XENDIT_TOKEN},
        )
        assert ok.status_code == 200
    expired = to_body(xendit_invoice_callback(order_id, "EXPIRED", amount, invoice_id=invoice["id"]))
    client.post(
        "/payments/notify/xendit",
        data=expired,
        content_type="application/json",
        headers={"x-callback-token": XENDIT_TOKEN},
    )
    state = _state(app, identity["slug"])
    assert state["payments"] == 1 and state["tenant_state"] == "active" and state["orders"][0][1] == "paid"
    poll_status(app, client, "active")


def test_inbox_lists_filters_and_replays_idempotently(app, signup, midtrans, client_as):
    client, identity = signup("ib")
    client.post("/daftar/plan", data={"plan": "pro"})
    order_id = poll_status(app, client, "checkout")["order_id"]
    amount = _state(app, identity["slug"])["total"]
    midtrans.set_transaction(order_id, "settlement", gross_amount=f"{amount}.00")
    _midtrans_post(client, order_id, "settlement", amount)
    finance = client_as("finance@vendor.test")
    page = finance.get(f"/billing/webhooks/?gateway=midtrans&order_id={order_id}")
    assert page.status_code == 200 and order_id in page.get_data(as_text=True)
    with app.app_context():
        pk = db.session.execute(sa.select(PaymentWebhook.id).where(PaymentWebhook.order_id == order_id)).scalar()
    assert order_id in finance.get(f"/billing/webhooks/{pk}").get_data(as_text=True)
    replayed = finance.post(f"/billing/webhooks/{pk}/replay")
    assert replayed.status_code == 302
    assert _state(app, identity["slug"])["payments"] == 1
    assert [o for o, _, _ in _webhooks(app, order_id)] == ["paid", "duplicate"]
    # tenant users and vendor support staff do not see the inbox
    assert client_as("owner@demo.test").get("/billing/webhooks/").status_code in (302, 403, 404)


def test_sandbox_is_refused_in_production(app, monkeypatch):
    from tests.billing.gateways.fakes import sandbox_notification
    from tests.conftest import client_on

    monkeypatch.setitem(app.config, "IS_PRODUCTION", True)
    client = client_on(app, "http://localhost")
    assert client.get("/payments/sandbox/ANY-1abc").status_code == 404
    headers, body = sandbox_notification(app.config["SECRET_KEY"], "ANY-1abc")
    assert client.post("/payments/notify/sandbox", data=body, headers=headers).status_code == 404


def test_unknown_gateway_and_unconfigured_gateway(app, monkeypatch):
    from tests.conftest import client_on

    client = client_on(app, "http://localhost")
    assert client.post("/payments/notify/paypal", data=b"{}").status_code == 404
    monkeypatch.setitem(app.config, "MIDTRANS_SERVER_KEY", "")
    assert client.post("/payments/notify/midtrans", data=b"{}").status_code == 404
