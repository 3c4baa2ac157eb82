"""Payment jobs: gateway checkout creation (requests never wait on gateways) and missed-webhook recovery."""

from app.billing import payments
from app.billing.payment_models import PaymentOrder
from app.extensions import db
from app.jobs.queue import job
from app.jobs.schedule import periodic


@job("default")
def create_checkout(ctx, order_pk: int) -> None:
    order = db.session.get(PaymentOrder, order_pk)
    if order is None or order.redirect_url or order.status != "pending":
        return
    payments.create_checkout(order)


@periodic("*/5 * * * *")
def reconcile_pending_payments(ctx) -> None:
    payments.reconcile_pending()
