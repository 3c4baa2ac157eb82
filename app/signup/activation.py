"""After the OTP: the plan choice creates the client (Free: active at once; paid: invoice + checkout),
and a one-time token signs the new Super Admin in on the company's own address."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.billing import payments
from app.billing.clients import ClientProfile, Owner, open_client
from app.billing.lifecycle import subscription_invoice
from app.billing.models import Invoice, Plan
from app.billing.payment_models import PaymentOrder
from app.core.validation import FieldError
from app.extensions import db
from app.security.models import TenantUser
from app.signup.models import PendingRegistration
from app.tenancy.models import Tenant, utcnow

PLAN_CODES = ("free", "pro", "business")
PAID_REGISTRATION_VALID = timedelta(days=7)
LOGIN_TOKEN_VALID = timedelta(minutes=10)
INVOICE_DUE_DAYS = 3


def offered_plans() -> list[Plan]:
    rows = db.session.execute(sa.select(Plan).where(Plan.code.in_(PLAN_CODES)).order_by(Plan.price, Plan.id))
    return list(rows.scalars())


@dataclass(frozen=True)
class Choice:
    tenant: Tenant
    order: PaymentOrder | None  # None: active at once (Free)


def choose_plan(registration: PendingRegistration, plan_code: str, today: date, now: datetime | None = None) -> Choice:
    """Create the client on `plan_code`; a paid plan also gets its invoice and a gateway order."""
    if registration.verified_at is None:
        raise FieldError("code", _l("Confirm your e-mail address first."))
    if registration.tenant_id is not None:
        raise FieldError("plan", _l("Your company is already registered."))
    plan = next((p for p in offered_plans() if p.code == plan_code), None)
    if plan is None:
        raise FieldError("plan", _l("Choose a plan."))
    paid = Decimal(plan.price) > 0
    profile = ClientProfile(
        name=registration.company_name,
        client_type="logistik",
        email=registration.email,
        contact_name=registration.full_name,
    )
    owner = Owner(email=registration.email, full_name=registration.full_name, password_hash=registration.password_hash)
    tenant, user = open_client(
        profile, plan=plan, slug=registration.slug, owner=owner, today=today, actor_id=None, awaiting_payment=paid
    )
    registration.tenant_id, registration.user_id, registration.plan_code = tenant.id, user.id, plan.code
    order = None
    if paid:
        invoice = subscription_invoice(
            tenant, plan, kind="signup", today=today, due=today + timedelta(days=INVOICE_DUE_DAYS)
        )
        registration.invoice_id = invoice.id
        registration.expires_at = (now or utcnow()) + PAID_REGISTRATION_VALID
        order = payments.new_order(invoice, payments.configured_gateway())
    db.session.flush()
    return Choice(tenant, order)


def latest_order(registration: PendingRegistration) -> PaymentOrder | None:
    if registration.invoice_id is None:
        return None
    return (
        db.session.execute(
            sa.select(PaymentOrder)
            .where(PaymentOrder.invoice_id == registration.invoice_id)
            .order_by(PaymentOrder.id.desc())
        )
        .scalars()
        .first()
    )


def retry_order(registration: PendingRegistration) -> PaymentOrder:
    """A new checkout attempt for the still-open signup invoice (new order id)."""
    invoice = db.session.get(Invoice, registration.invoice_id) if registration.invoice_id else None
    if invoice is None or invoice.outstanding <= 0:
        raise FieldError("plan", _l("There is nothing left to pay."))
    return payments.new_order(invoice, payments.configured_gateway())


def is_active(registration: PendingRegistration) -> bool:
    tenant = db.session.get(Tenant, registration.tenant_id) if registration.tenant_id else None
    return tenant is not None and tenant.subscription_state == "active"


def issue_login_token(registration: PendingRegistration, now: datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
    registration.login_token_hash = _digest(token)
    registration.login_token_expires_at = (now or utcnow()) + LOGIN_TOKEN_VALID
    db.session.flush()
    return token


def redeem_login_token(token: str, tenant: Tenant | None, now: datetime | None = None) -> TenantUser | None:
    """The Super Admin the token was issued for, once, within 10 minutes, on their own company's host."""
    if not token or tenant is None:
        return None
    registration = db.session.execute(
        sa.select(PendingRegistration).where(PendingRegistration.login_token_hash == _digest(token))
    ).scalar_one_or_none()
    if registration is None or registration.tenant_id != tenant.id:
        return None
    expired = registration.login_token_expires_at is None or registration.login_token_expires_at <= (now or utcnow())
    registration.login_token_hash, registration.login_token_expires_at = None, None
    db.session.flush()
    if expired or registration.user_id is None:
        return None
    return db.session.get(TenantUser, registration.user_id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
