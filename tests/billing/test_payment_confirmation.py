"""A notification pays an order only when the gateway's status API says the same.

Midtrans signs only order_id + status_code + gross_amount, so a signed notice can be edited
(transaction_status, fraud_status) without breaking its signature; a Xendit callback token is a
shared secret. Every notification below is shaped as the gateways document it and posted to the real
webhook route; the gateways' status APIs are local fake HTTP servers (tests/billing/gateways/fakes.py).
"""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.billing import payments
from app.billing.payment_models import PaymentWebhook
from app.extensions import db
from app.tenancy.context import all_tenants
from app.tenancy.models import utcnow
from tests.billing.conftest import MIDTRANS_KEY, XENDIT_TOKEN
from tests.billing.gateways.fakes import midtrans_notification, to_body, xendit_invoice_callback
from tests.billing.test_payments_gateways import _state
from tests.signup.conftest import poll_status


def _checkout(app, signup, prefix):
    client, identity = signup(prefix)
    client.post("/daftar/plan", data={"plan": "pro"})
    order_id = poll_status(app, client, "checkout")["order_id"]
    return client, identity["slug"], order_id, _state(app, identity["slug"])["total"]


def _post_midtrans(client, payload):
    return client.post("/payments/notify/midtrans", data=to_body(payload), content_type="application/json")


def _inbox(app, order_id):
    with app.app_context():
        rows = db.session.execute(
            sa.select(PaymentWebhook).where(PaymentWebhook.order_id == order_id).order_by(PaymentWebhook.id)
        ).scalars()
        return [
            {
                "outcome": w.outcome,
                "verified": w.verified,
                "confirmed": w.confirmed,
                "confirmed_at": w.confirmed_at,
                "answer": w.confirmation,
            }
            for w in rows
        ]


def _status_calls(fake, order_id):
    return [r for r in fake.requests if r.method == "GET" and r.path == f"/v2/{order_id}/status"]


def _reconcile(app):
    with app.app_context(), all_tenants():
        payments.reconcile_pending(now=utcnow() + timedelta(minutes=5))
        db.session.commit()


def test_signed_pending_notice_edited_to_settlement_pays_nothing(app, signup, midtrans, client_as):
    client, slug, order_id, amount = _checkout(app, signup, "fg")
    midtrans.set_transaction(order_id, "pending", gross_amount=f"{amount}.00")
    forged = midtrans_notification(order_id, "pending", server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00")
    assert forged["status_code"] == "201"
    forged["transaction_status"] = "settlement"  # not covered by signature_key; status_code 201 kept
    assert _post_midtrans(client, forged).status_code == 200

    # a signed "cancel" (status_code 200, like a settlement) edited to "settlement": the API says cancel
    cancelled = midtrans_notification(order_id, "cancel", server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00")
    cancelled["transaction_status"] = "settlement"
    assert _post_midtrans(client, cancelled).status_code == 200

    state = _state(app, slug)
    assert state["payments"] == 0 and state["orders"] == [(order_id, "pending")]
    first, second = _inbox(app, order_id)
    assert (first["outcome"], first["verified"], first["confirmed"]) == ("unconfirmed", True, False)
    assert (second["outcome"], second["confirmed"]) == ("unconfirmed", False)
    assert second["confirmed_at"] is not None and json.loads(second["answer"])["transaction_status"] == "pending"
    # the vendor sees it in the inbox as unconfirmed, with what the API answered
    finance = client_as("finance@vendor.test")
    listing = finance.get("/billing/webhooks/?outcome=unconfirmed").get_data(as_text=True)
    assert order_id in listing


def test_genuine_settlement_confirmed_by_the_status_api_pays_once(app, signup, midtrans):
    client, slug, order_id, amount = _checkout(app, signup, "gs")
    midtrans.set_transaction(order_id, "settlement", gross_amount=f"{amount}.00")
    notice = midtrans_notification(order_id, "settlement", server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00")
    for _ in range(3):
        assert _post_midtrans(client, notice).status_code == 200

    state = _state(app, slug)
    assert state["payments"] == 1 and state["outstanding"] == 0 and state["orders"] == [(order_id, "paid")]
    rows = _inbox(app, order_id)
    assert [r["outcome"] for r in rows] == ["paid", "duplicate", "duplicate"]
    assert rows[0]["confirmed"] is True and rows[0]["confirmed_at"] is not None
    assert json.loads(rows[0]["answer"])["status_message"] == "Success, transaction is found"
    calls = _status_calls(midtrans, order_id)
    assert len(calls) == 1 and calls[0].basic_auth == (MIDTRANS_KEY, "")
    poll_status(app, client, "active")


def test_edited_fraud_status_pays_nothing(app, signup, midtrans):
    client, slug, order_id, amount = _checkout(app, signup, "fr")
    # a card payment held for review: capture + challenge (status_code 200)
    midtrans.set_transaction(
        order_id, "capture", gross_amount=f"{amount}.00", fraud_status="challenge", payment_type="credit_card"
    )
    notice = midtrans_notification(
        order_id,
        "capture",
        server_key=MIDTRANS_KEY,
        gross_amount=f"{amount}.00",
        fraud_status="challenge",
        payment_type="credit_card",
    )
    notice["fraud_status"] = "accept"  # not covered by signature_key
    assert _post_midtrans(client, notice).status_code == 200
    assert _state(app, slug)["payments"] == 0
    assert [(r["outcome"], r["confirmed"]) for r in _inbox(app, order_id)] == [("unconfirmed", False)]

    # once the bank accepts it, the status API says so and the next reconciliation pays it
    midtrans.set_transaction(
        order_id, "capture", gross_amount=f"{amount}.00", fraud_status="accept", payment_type="credit_card"
    )
    _reconcile(app)
    assert _state(app, slug)["payments"] == 1


def test_status_api_down_pays_nothing_and_reconciliation_pays_later(app, signup, midtrans):
    client, slug, order_id, amount = _checkout(app, signup, "dn")
    midtrans.set_transaction(order_id, "settlement", gross_amount=f"{amount}.00")
    midtrans.fail_next(503, {"status_code": "503", "status_message": "Midtrans is under maintenance"})
    notice = midtrans_notification(order_id, "settlement", server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00")
    assert _post_midtrans(client, notice).status_code == 200
    assert _state(app, slug)["payments"] == 0
    (row,) = _inbox(app, order_id)
    assert (row["outcome"], row["confirmed"]) == ("unconfirmed", False)
    assert "maintenance" in row["answer"]

    _reconcile(app)
    state = _state(app, slug)
    assert state["payments"] == 1 and state["orders"] == [(order_id, "paid")]
    assert [(r["outcome"], r["confirmed"]) for r in _inbox(app, order_id)] == [
        ("unconfirmed", False),
        ("paid", True),
    ]


def test_xendit_callback_with_the_token_is_confirmed_by_the_invoice_api(app, signup, xendit):
    client, slug, order_id, amount = _checkout(app, signup, "xc")
    invoice = xendit.invoice_for(order_id)
    body = to_body(xendit_invoice_callback(order_id, "PAID", amount, invoice_id=invoice["id"]))
    headers = {"x-callback-token": XENDIT_TOKEN}

    # the token is right but the invoice is still PENDING at Xendit: nothing is paid
    assert client.post("/payments/notify/xendit", data=body, content_type="application/json", headers=headers)
    assert _state(app, slug)["payments"] == 0
    (row,) = _inbox(app, order_id)
    assert (row["outcome"], row["confirmed"]) == ("unconfirmed", False)
    assert json.loads(row["answer"])["status"] == "PENDING"

    xendit.set_invoice_status(invoice["id"], "PAID")
    client.post("/payments/notify/xendit", data=body, content_type="application/json", headers=headers)
    assert _state(app, slug)["payments"] == 1
    asked = [r for r in xendit.requests if r.method == "GET" and r.path == f"/v2/invoices/{invoice['id']}"]
    assert len(asked) == 2 and asked[0].basic_auth == (xendit.secret_key, "")


@pytest.mark.parametrize("status", ["expire", "deny"])
def test_a_failure_notice_is_applied_only_when_confirmed(app, signup, midtrans, status):
    client, slug, order_id, amount = _checkout(app, signup, "ex")
    midtrans.set_transaction(order_id, "pending", gross_amount=f"{amount}.00")
    notice = midtrans_notification(order_id, status, server_key=MIDTRANS_KEY, gross_amount=f"{amount}.00")
    _post_midtrans(client, notice)
    assert _state(app, slug)["orders"] == [(order_id, "pending")]
    midtrans.set_transaction(order_id, status, gross_amount=f"{amount}.00")
    _post_midtrans(client, notice)
    assert _state(app, slug)["orders"] == [(order_id, "expired" if status == "expire" else "failed")]
